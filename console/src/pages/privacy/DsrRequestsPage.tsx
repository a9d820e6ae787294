// Data-subject requests: the log with deadlines, one request with its actions (export, rectify, restrict, erase,
// complete or reject), portal corrections waiting for review, retention policies with a dry run, erased customers.
import { Alert, Anchor, Badge, Box, Button, Card, Checkbox, Code, DataList, Grid, Group, Modal, NumberInput, Select, SimpleGrid, Stack, Tabs, Text, Textarea, TextInput } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { api, get } from '../../api/client';
import { useUserName } from '../../api/users';
import type { Correction, RequestView, RetentionPolicy, RetentionReport, TombstoneView } from '../../api/privacy';
import type { CustomerView, Items, SchemaView } from '../../api/types';
import { Empty, ErrorState, IdText, LoadingState, PageHeader, RelativeTime, StatusBadge } from '../../components/common';
import { DataTable } from '../../components/DataTable';
import { LabelledSegments } from '../../components/LabelledSegments';
import { filterRequests, kindLabel, NO_REQUEST_FILTERS, requestCounts, DSR_KIND_LABELS, type RequestFilters } from '../../lib/privacy';
import { formatValue, parseEditedValue } from '../../lib/values';
import { dateText, DeadlineBadge, exportUrl, logRequest, notifyDone, notifyError, RequestNoteField, SectionCard, useRestriction } from './privacy-ui';

const TABS = ['requests', 'corrections', 'retention', 'erased'] as const;

export default function DsrRequestsPage() {
  const { id } = useParams();
  const [params, setParams] = useSearchParams();
  if (id) return <RequestDetail id={id} />;
  const tab = TABS.find((t) => t === params.get('tab')) ?? 'requests';
  return (
    <Box>
      <PageHeader
        title="Data-subject requests"
        description="Customers' requests to see, correct, freeze or erase their data. Each has a legal deadline (one month unless extended); answer overdue ones first."
        actions={<NewRequestButton />}
      />
      <Tabs value={tab} onChange={(t) => setParams(t && t !== 'requests' ? { tab: t } : {}, { replace: true })}>
        <Tabs.List mb="md">
          <Tabs.Tab value="requests">Requests</Tabs.Tab>
          <Tabs.Tab value="corrections">Portal corrections</Tabs.Tab>
          <Tabs.Tab value="retention">Retention</Tabs.Tab>
          <Tabs.Tab value="erased">Erased customers</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="requests">{tab === 'requests' && <RequestLog />}</Tabs.Panel>
        <Tabs.Panel value="corrections">{tab === 'corrections' && <Corrections />}</Tabs.Panel>
        <Tabs.Panel value="retention">{tab === 'retention' && <Retention />}</Tabs.Panel>
        <Tabs.Panel value="erased">{tab === 'erased' && <Tombstones />}</Tabs.Panel>
      </Tabs>
    </Box>
  );
}

function NewRequestButton() {
  const navigate = useNavigate();
  const qc = useQueryClient();
  const [open, setOpen] = useState(false);
  const [f, setF] = useState({ customer: '', kind: 'access', dueInDays: 30 as number | string, note: '' });
  const create = useMutation({
    mutationFn: () => logRequest({ customer: f.customer.trim(), kind: f.kind, dueInDays: Number(f.dueInDays) || 30, note: f.note }),
    onSuccess: (r) => {
      void qc.invalidateQueries({ queryKey: ['dsr'] });
      setOpen(false);
      notifyDone('Request logged', `Due ${dateText(r.dueAt)}.`);
      void navigate(`/dsr/${r.id}`);
    },
    onError: (err) => notifyError(err, 'the request'),
  });
  return (
    <>
      <Button onClick={() => setOpen(true)}>Log a request</Button>
      <Modal opened={open} onClose={() => setOpen(false)} title={<Text fw={650}>Log a data-subject request</Text>}>
        <Stack
          component="form"
          onSubmit={(e) => {
            e.preventDefault();
            create.mutate();
          }}
        >
          <TextInput label="Customer id" required description="Find the customer in Customer search and copy the id from their page" placeholder="cus_…" value={f.customer} onChange={(e) => setF({ ...f, customer: e.currentTarget.value })} />
          <Select label="Kind" allowDeselect={false} data={Object.entries(DSR_KIND_LABELS).map(([value, label]) => ({ value, label }))} value={f.kind} onChange={(v) => setF({ ...f, kind: v ?? 'access' })} />
          <NumberInput label="Answer within (days)" description="One month by law; extend only with a reason" min={1} max={365} value={f.dueInDays} onChange={(v) => setF({ ...f, dueInDays: v })} />
          <RequestNoteField value={f.note} onChange={(note) => setF({ ...f, note })} />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setOpen(false)}>
              Cancel
            </Button>
            <Button type="submit" loading={create.isPending} disabled={!f.customer.trim()}>
              Log the request
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}

// ---- the log ----

function RequestLog() {
  const navigate = useNavigate();
  const [f, setF] = useState<RequestFilters>(NO_REQUEST_FILTERS);
  const requests = useQuery({ queryKey: ['dsr', 'requests', 'all'], queryFn: ({ signal }) => get<Items<RequestView>>('/dsr/requests', { limit: 500 }, signal) });
  const rows = useMemo(() => filterRequests(requests.data?.items ?? [], f), [requests.data, f]);
  const counts = useMemo(() => requestCounts(requests.data?.items ?? []), [requests.data]);
  if (requests.isPending) return <LoadingState label="Loading requests…" />;
  if (requests.isError) return <ErrorState error={requests.error} context="requests" onRetry={() => void requests.refetch()} />;
  return (
    <Stack>
      <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
        <Summary label="Open" value={counts.open} hint="waiting for an answer" />
        <Summary label="Overdue" value={counts.overdue} hint="past their deadline" tone={counts.overdue > 0 ? 'red' : undefined} />
        <Summary label="Due within a week" value={counts.soon} hint="answer these next" tone={counts.soon > 0 ? 'orange' : undefined} />
      </SimpleGrid>
      <Group gap="sm" align="flex-end" wrap="wrap">
        <Select label="Kind" placeholder="Any kind" clearable w={230} data={Object.entries(DSR_KIND_LABELS).map(([value, label]) => ({ value, label }))} value={f.kind} onChange={(v) => setF({ ...f, kind: v })} />
        <Select
          label="Status"
          w={160}
          data={[
            { value: 'open', label: 'Open' },
            { value: 'completed', label: 'Completed' },
            { value: 'rejected', label: 'Rejected' },
          ]}
          placeholder="Any status"
          clearable
          value={f.status}
          onChange={(v) => setF({ ...f, status: v })}
        />
        <TextInput label="Customer or request id" w={240} value={f.customer} onChange={(e) => setF({ ...f, customer: e.currentTarget.value })} placeholder="cus_… or dsr_…" />
        <Checkbox label="Overdue only" checked={f.overdueOnly} onChange={(e) => setF({ ...f, overdueOnly: e.currentTarget.checked })} mb={8} />
        {(f.kind || f.status !== 'open' || f.overdueOnly || f.customer) && (
          <Button variant="subtle" size="xs" mb={6} onClick={() => setF(NO_REQUEST_FILTERS)}>
            Reset filters
          </Button>
        )}
      </Group>
      {rows.length === 0 ? (
        <Empty
          title={requests.data.items.length === 0 ? 'No requests yet' : 'No request matches these filters'}
          description={
            requests.data.items.length === 0
              ? 'Requests appear here when staff log one on a customer page, when a customer asks in the portal, or when an action (export, erasure) is taken without one.'
              : 'Change or reset the filters to see more.'
          }
        />
      ) : (
        <DataTable
          label="Data-subject requests"
          rows={rows}
          rowKey={(r) => r.id}
          minWidth={900}
          onOpen={(r) => navigate(`/dsr/${r.id}`)}
          rowLabel={(r) => `${kindLabel(r.kind)} request from ${r.customerId}`}
          columns={[
            { key: 'kind', header: 'Type', cell: (r) => <Text size="sm" fw={600}>{kindLabel(r.kind)}</Text> },
            { key: 'customer', header: 'Customer', width: 190, cell: (r) => <IdText id={r.customerId} chars={16} /> },
            { key: 'status', header: 'Status', width: 110, cell: (r) => <StatusBadge status={r.status} /> },
            { key: 'channel', header: 'Via', width: 80, cell: (r) => <Text size="sm">{r.channel}</Text> },
            { key: 'received', header: 'Received', width: 130, cell: (r) => <Text size="sm"><RelativeTime iso={r.receivedAt} /></Text> },
            {
              key: 'deadline',
              header: 'Deadline',
              width: 150,
              cell: (r) => (
                <Stack gap={2} align="flex-start">
                  <DeadlineBadge req={r} />
                  <Text size="xs" c="dimmed">
                    {dateText(r.dueAt)}
                  </Text>
                </Stack>
              ),
            },
          ]}
        />
      )}
    </Stack>
  );
}

function Summary({ label, value, hint, tone }: { label: string; value: number; hint: string; tone?: string }) {
  return (
    <Card padding="sm">
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text fz={26} fw={700} c={tone}>
        {value}
      </Text>
      <Text size="xs" c="dimmed">
        {hint}
      </Text>
    </Card>
  );
}

// ---- one request ----

function RequestDetail({ id }: { id: string }) {
  const userName = useUserName();
  const req = useQuery({ queryKey: ['dsr', 'requests', id], queryFn: ({ signal }) => get<RequestView>(`/dsr/requests/${encodeURIComponent(id)}`, undefined, signal) });
  const back = (
    <Anchor component={Link} to="/dsr" size="sm">
      ← All requests
    </Anchor>
  );
  if (req.isPending) return <LoadingState label="Loading the request…" />;
  if (req.isError)
    return (
      <Stack>
        {back}
        <ErrorState error={req.error} context="request" onRetry={() => void req.refetch()} />
      </Stack>
    );
  const r = req.data;
  const open = r.status === 'open';
  return (
    <Box>
      {back}
      <PageHeader
        eyebrow="Data-subject request"
        title={kindLabel(r.kind)}
        description={
          <Group gap="xs" component="span">
            <StatusBadge status={r.status} />
            <DeadlineBadge req={r} />
            <span>
              from customer{' '}
              <Anchor component={Link} to={`/customers/${r.customerId}`}>
                {r.customerId}
              </Anchor>
            </span>
          </Group>
        }
      />
      <Grid gap="lg">
        <Grid.Col span={{ base: 12, md: 5 }}>
          <Card>
            <DataList size="sm" labelWidth={120} className="cst-kv">
              <Item label="Request">{<IdText id={r.id} chars={20} />}</Item>
              <Item label="Received">{new Date(r.receivedAt).toLocaleString('en-GB')} (via {r.channel})</Item>
              <Item label="Due">{new Date(r.dueAt).toLocaleString('en-GB')}</Item>
              <Item label="Legal basis">{r.legalBasis ?? '—'}</Item>
              <Item label="Note">{r.note ?? '—'}</Item>
              <Item label="Logged by">{userName(r.createdBy) ?? r.createdBy ?? '—'}</Item>
              {r.completedAt && <Item label={r.status === 'rejected' ? 'Rejected' : 'Completed'}>{`${new Date(r.completedAt).toLocaleString('en-GB')}${r.completedBy ? ` by ${userName(r.completedBy) ?? r.completedBy}` : ''}`}</Item>}
              {r.result !== null && r.result !== undefined && <Item label="Result">{<Code block fz="xs">{JSON.stringify(r.result, null, 2)}</Code>}</Item>}
            </DataList>
          </Card>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 7 }}>
          <Stack>
            {!open && (
              <Alert variant="light" color="gray" title="This request is closed">
                The actions below still work on the customer, but they will log new requests of their own.
              </Alert>
            )}
            {actionOrder(r.kind).map((a) =>
              a === 'export' ? (
                <SectionCard key={a} title="Copy of the data (access / portability)" hint="Everything held about the customer: records with history, consents, requests and audit entries.">
                  <Group gap="xs">
                    <Button component="a" variant="default" size="xs" href={exportUrl(r.customerId, 'json')} download>
                      Download JSON
                    </Button>
                    <Button component="a" variant="default" size="xs" href={exportUrl(r.customerId, 'csv')} download>
                      Download CSV
                    </Button>
                  </Group>
                </SectionCard>
              ) : a === 'restriction' ? (
                <RestrictionCard key={a} request={r} />
              ) : a === 'rectify' ? (
                <RectifyCard key={a} request={r} />
              ) : (
                <EraseCard key={a} request={r} />
              ),
            )}
            {open && <CloseCard request={r} />}
          </Stack>
        </Grid.Col>
      </Grid>
    </Box>
  );
}

type Action = 'export' | 'restriction' | 'rectify' | 'erase';

/** The action a request asks for comes first; the others stay available below it. */
function actionOrder(kind: string): Action[] {
  const first: Action = kind === 'erasure' ? 'erase' : kind === 'rectification' ? 'rectify' : kind === 'restriction' || kind === 'lift_restriction' ? 'restriction' : 'export';
  return [first, ...(['export', 'restriction', 'rectify', 'erase'] as const).filter((a) => a !== first)];
}

function Item({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <DataList.Item>
      <DataList.ItemLabel>{label}</DataList.ItemLabel>
      <DataList.ItemValue style={{ overflowWrap: 'anywhere' }}>{children}</DataList.ItemValue>
    </DataList.Item>
  );
}

function useInvalidateDsr() {
  const qc = useQueryClient();
  return () => {
    void qc.invalidateQueries({ queryKey: ['dsr'] });
    void qc.invalidateQueries({ queryKey: ['customers'] });
    void qc.invalidateQueries({ queryKey: ['consent'] });
  };
}

function RestrictionCard({ request }: { request: RequestView }) {
  const invalidate = useInvalidateDsr();
  const [reason, setReason] = useState('');
  const status = useRestriction(request.customerId);
  const url = `/dsr/customers/${encodeURIComponent(request.customerId)}/restriction`;
  const toggle = useMutation({
    mutationFn: (on: boolean) => (on ? api('POST', url, { body: { ...(reason.trim() ? { reason: reason.trim() } : {}), ...(request.kind === 'restriction' ? { requestId: request.id } : {}) } }) : api('DELETE', url)),
    onSuccess: (_d, on) => {
      invalidate();
      notifyDone(on ? 'Processing restricted' : 'Restriction lifted', on ? 'No marketing, exports or new consents for this customer until lifted.' : 'The customer is processed normally again.');
    },
    onError: (err) => notifyError(err, 'the restriction'),
  });
  const restricted = status.data?.restricted;
  return (
    <SectionCard title="Restriction" hint="Freezes processing while accuracy or lawfulness is disputed: no marketing, exports or new consents.">
      {status.isPending ? (
        <Text size="sm" c="dimmed">Checking…</Text>
      ) : status.isError ? (
        <ErrorState error={status.error} context="restriction" />
      ) : (
        <Group gap="sm" align="flex-end" wrap="wrap">
          <Badge color={restricted ? 'red' : 'gray'} variant={restricted ? 'filled' : 'light'} tt="none" mb={6}>
            {restricted ? 'Restricted now' : 'Not restricted'}
          </Badge>
          {!restricted && <TextInput size="xs" label="Why restrict" placeholder="e.g. accuracy contested" value={reason} maxLength={500} onChange={(e) => setReason(e.currentTarget.value)} />}
          <Button size="xs" color={restricted ? 'teal' : 'red'} variant="light" loading={toggle.isPending} onClick={() => toggle.mutate(!restricted)}>
            {restricted ? 'Lift the restriction' : 'Restrict processing'}
          </Button>
        </Group>
      )}
    </SectionCard>
  );
}

function RectifyCard({ request }: { request: RequestView }) {
  const invalidate = useInvalidateDsr();
  const customer = useQuery({
    queryKey: ['customers', request.customerId, 'records'],
    queryFn: ({ signal }) => get<CustomerView>(`/customers/${encodeURIComponent(request.customerId)}`, { include: 'records' }, signal),
    retry: false,
  });
  const records = (customer.data?.records ?? []).filter((r) => r.status === 'valid');
  const [recordId, setRecordId] = useState<string | null>(null);
  const [attribute, setAttribute] = useState<string | null>(null);
  const [value, setValue] = useState('');
  const record = records.find((r) => r.id === recordId);
  const original = record && attribute ? (record.values as Record<string, unknown> | null)?.[attribute] : undefined;
  const save = useMutation({
    mutationFn: () =>
      api('POST', `/dsr/customers/${encodeURIComponent(request.customerId)}/rectify`, {
        body: { recordId, values: { [attribute!]: parseEditedValue(value, original) }, ...(request.kind === 'rectification' ? { requestId: request.id } : {}) },
      }),
    onSuccess: () => {
      invalidate();
      notifyDone('Value corrected', 'Saved as a new version of the record; the old value stays in its history.');
      setValue('');
    },
    onError: (err) => notifyError(err, 'the correction'),
  });
  return (
    <SectionCard title="Correct a value (rectification)" hint="Writes a new version of a source record; the value is checked against its schema.">
      {customer.isError ? (
        <Text size="sm" c="dimmed">The customer's records cannot be shown: {customer.error.message}</Text>
      ) : (
        <Stack gap="xs">
          <Group grow align="flex-start">
            <Select
              size="xs"
              label="Record"
              placeholder={customer.isPending ? 'Loading…' : records.length ? 'Choose a record' : 'No valid records'}
              data={records.map((r) => ({ value: r.id, label: `${r.sourceName ?? r.sourceId} · ${r.sourceKey}` }))}
              value={recordId}
              onChange={(v) => {
                setRecordId(v);
                setAttribute(null);
              }}
            />
            <Select size="xs" label="Field" placeholder="Choose a field" disabled={!record} data={Object.keys((record?.values as Record<string, unknown> | null) ?? {})} value={attribute} onChange={setAttribute} />
          </Group>
          {attribute && (
            <Text size="xs" c="dimmed">
              Now: {formatValue(original)}
            </Text>
          )}
          <Group align="flex-end" gap="xs">
            <TextInput size="xs" label="New value" style={{ flex: 1 }} value={value} onChange={(e) => setValue(e.currentTarget.value)} disabled={!attribute} maxLength={2000} />
            <Button size="xs" disabled={!attribute} loading={save.isPending} onClick={() => save.mutate()}>
              Save correction
            </Button>
          </Group>
        </Stack>
      )}
    </SectionCard>
  );
}

function EraseCard({ request }: { request: RequestView }) {
  const invalidate = useInvalidateDsr();
  const [open, setOpen] = useState(false);
  const [legalBasis, setLegalBasis] = useState(request.legalBasis ?? '');
  const [mode, setMode] = useState<'erase' | 'anonymise'>('erase');
  const [confirm, setConfirm] = useState('');
  const erase = useMutation({
    mutationFn: () => api<TombstoneView>('POST', `/dsr/customers/${encodeURIComponent(request.customerId)}/erase`, { body: { legalBasis: legalBasis.trim(), mode, ...(request.kind === 'erasure' ? { requestId: request.id } : {}) } }),
    onSuccess: (t) => {
      invalidate();
      setOpen(false);
      const n = Object.values(t.counts).reduce((a, b) => a + b, 0);
      notifyDone(mode === 'erase' ? 'Customer erased' : 'Customer anonymised', `${n} rows changed or removed. A tombstone without personal data remains as proof.`);
    },
    onError: (err) => notifyError(err, 'the erasure'),
  });
  const ready = legalBasis.trim().length >= 3 && confirm.trim() === request.customerId;
  return (
    <SectionCard title="Erase the customer" hint="Deletes or anonymises every record, version, search term and audit payload about the customer. It cannot be undone.">
      <Button size="xs" color="red" onClick={() => setOpen(true)}>
        Erase…
      </Button>
      <Modal opened={open} onClose={() => setOpen(false)} title={<Text fw={650}>Erase this customer everywhere?</Text>}>
        <Stack>
          <Alert color="red" variant="light" title="This cannot be undone">
            All personal data of <b>{request.customerId}</b> and of customers merged into it is removed in one step. Only a tombstone (when, who asked, why, how many rows) remains.
          </Alert>
          <TextInput label="Legal basis" required description="Why the data may or must be erased, e.g. “Art. 17(1)(a) GDPR: no longer necessary”" value={legalBasis} maxLength={500} onChange={(e) => setLegalBasis(e.currentTarget.value)} />
          <LabelledSegments
            label="How"
            value={mode}
            onChange={setMode}
            data={[
              { value: 'erase', label: 'Delete everything' },
              { value: 'anonymise', label: 'Keep anonymous statistics' },
            ]}
          />
          <TextInput label={`Type the customer id (${request.customerId}) to confirm`} value={confirm} onChange={(e) => setConfirm(e.currentTarget.value)} autoComplete="off" />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setOpen(false)}>
              Cancel
            </Button>
            <Button color="red" disabled={!ready} loading={erase.isPending} onClick={() => erase.mutate()}>
              Erase permanently
            </Button>
          </Group>
        </Stack>
      </Modal>
    </SectionCard>
  );
}

function CloseCard({ request }: { request: RequestView }) {
  const invalidate = useInvalidateDsr();
  const [note, setNote] = useState('');
  const close = useMutation({
    mutationFn: (how: 'complete' | 'reject') => api<RequestView>('POST', `/dsr/requests/${encodeURIComponent(request.id)}/${how}`, { body: note.trim() ? { note: note.trim() } : {} }),
    onSuccess: (r) => {
      invalidate();
      notifyDone(r.status === 'completed' ? 'Request completed' : 'Request rejected', 'The request is closed and its deadline no longer counts.');
    },
    onError: (err) => notifyError(err, 'the request'),
  });
  return (
    <SectionCard title="Answer the request" hint="Close it once the customer has their answer. Rejecting needs a reason the customer can be told.">
      <Textarea label="Reason or note" value={note} maxLength={2000} onChange={(e) => setNote(e.currentTarget.value)} autosize minRows={2} />
      <Group mt="sm" gap="xs">
        <Button size="xs" color="teal" loading={close.isPending && close.variables === 'complete'} onClick={() => close.mutate('complete')}>
          Mark completed
        </Button>
        <Button size="xs" color="red" variant="light" disabled={note.trim().length < 3} loading={close.isPending && close.variables === 'reject'} onClick={() => close.mutate('reject')}>
          Reject with this reason
        </Button>
      </Group>
    </SectionCard>
  );
}

// ---- portal corrections ----

function Corrections() {
  const invalidate = useInvalidateDsr();
  const qc = useQueryClient();
  const list = useQuery({ queryKey: ['portal', 'corrections'], queryFn: ({ signal }) => get<Items<Correction>>('/portal/corrections', { status: 'pending' }, signal) });
  const decide = useMutation({
    mutationFn: ({ id, how }: { id: string; how: 'apply' | 'reject' }) => api<{ id: string; status: string }>('POST', `/portal/corrections/${encodeURIComponent(id)}/${how}`),
    onSuccess: (r) => {
      invalidate();
      void qc.invalidateQueries({ queryKey: ['portal', 'corrections'] });
      notifyDone(r.status === 'applied' ? 'Correction applied' : 'Correction rejected', r.status === 'applied' ? 'The record has a new version with the customer’s value.' : 'The record is unchanged.');
    },
    onError: (err) => notifyError(err, 'the correction'),
  });
  if (list.isPending) return <LoadingState label="Loading corrections…" />;
  if (list.isError) return <ErrorState error={list.error} context="corrections" onRetry={() => void list.refetch()} />;
  if (list.data.items.length === 0)
    return <Empty title="No corrections waiting" description="When the portal is set to review corrections (CUSTODIAN_PORTAL_CORRECTIONS=review), values customers propose wait here for a steward." />;
  return (
    <DataTable
      label="Corrections waiting for review"
      rows={list.data.items}
      rowKey={(c) => c.id}
      minWidth={820}
      columns={[
        { key: 'customer', header: 'Customer', width: 190, cell: (c) => <Anchor component={Link} to={`/customers/${c.customerId}`} size="sm">{c.customerId}</Anchor> },
        { key: 'field', header: 'Field', width: 140, cell: (c) => <Text size="sm">{c.attribute}</Text> },
        { key: 'value', header: 'Proposed value', cell: (c) => <Text size="sm" fw={600} style={{ overflowWrap: 'anywhere' }}>{formatValue(c.proposed)}</Text> },
        { key: 'when', header: 'Sent', width: 120, cell: (c) => <Text size="sm"><RelativeTime iso={c.createdAt} /></Text> },
        {
          key: 'actions',
          header: 'Decision',
          width: 190,
          cell: (c) => (
            <Group gap={6} wrap="nowrap">
              <Button size="compact-xs" color="teal" loading={decide.isPending && decide.variables?.id === c.id && decide.variables.how === 'apply'} onClick={() => decide.mutate({ id: c.id, how: 'apply' })} aria-label={`Apply ${c.attribute} correction for ${c.customerId}`}>
                Apply
              </Button>
              <Button size="compact-xs" variant="light" color="red" loading={decide.isPending && decide.variables?.id === c.id && decide.variables.how === 'reject'} onClick={() => decide.mutate({ id: c.id, how: 'reject' })} aria-label={`Reject ${c.attribute} correction for ${c.customerId}`}>
                Reject
              </Button>
            </Group>
          ),
        },
      ]}
    />
  );
}

// ---- retention ----

function Retention() {
  const policies = useQuery({ queryKey: ['dsr', 'retention', 'policies'], queryFn: ({ signal }) => get<Items<RetentionPolicy>>('/dsr/retention/policies', undefined, signal) });
  const schemas = useQuery({ queryKey: ['schemas'], queryFn: ({ signal }) => get<Items<SchemaView>>('/schemas', undefined, signal) });
  const schemaName = (id: string) => schemas.data?.items.find((s) => s.id === id)?.name ?? id;
  const [report, setReport] = useState<RetentionReport | null>(null);
  const dryRun = useMutation({ mutationFn: () => api<RetentionReport>('POST', '/dsr/retention/run', { body: { dryRun: true } }), onSuccess: setReport, onError: (err) => notifyError(err, 'the dry run') });
  if (policies.isPending) return <LoadingState label="Loading retention policies…" />;
  if (policies.isError) return <ErrorState error={policies.error} context="retention policies" onRetry={() => void policies.refetch()} />;
  return (
    <Stack>
      <Group justify="space-between" align="flex-end">
        <Text size="sm" c="dimmed" maw={720}>
          Customers inactive longer than a schema's limit are flagged, and erased or anonymised after the grace period. A dry run shows what the next run would do and changes nothing.
        </Text>
        <Button onClick={() => dryRun.mutate()} loading={dryRun.isPending} disabled={policies.data.items.length === 0}>
          Run a dry run
        </Button>
      </Group>
      {policies.data.items.length === 0 ? (
        <Empty title="No retention policies" description="Without a policy nobody is erased for inactivity. Set one per schema below." />
      ) : (
        <DataTable
          label="Retention policies"
          rows={policies.data.items}
          rowKey={(p) => p.schemaId}
          columns={[
            { key: 'schema', header: 'Schema', cell: (p) => <Text size="sm" fw={600}>{schemaName(p.schemaId)}</Text> },
            { key: 'months', header: 'Inactive for', cell: (p) => <Text size="sm">{p.inactiveMonths} months</Text> },
            { key: 'grace', header: 'Grace period', cell: (p) => <Text size="sm">{p.graceDays} days</Text> },
            { key: 'action', header: 'Then', cell: (p) => <Text size="sm">{p.action === 'anonymise' ? 'Anonymise' : 'Erase'}</Text> },
            { key: 'updated', header: 'Changed', cell: (p) => <Text size="sm"><RelativeTime iso={p.updatedAt} /></Text> },
          ]}
        />
      )}
      <PolicyForm schemas={schemas.data?.items ?? []} policies={policies.data.items} />
      {report && (
        <Card data-testid="retention-report">
          <Text fw={600}>Dry run, {new Date(report.ranAt).toLocaleString('en-GB')}</Text>
          <Text size="xs" c="dimmed" mb="sm">
            Nothing was changed. This is what a real run would do now.
          </Text>
          <Stack gap="sm">
            {report.policies.map((p) => (
              <Box key={p.schemaId}>
                <Text size="sm" fw={600}>
                  {schemaName(p.schemaId)}
                </Text>
                <SimpleGrid cols={{ base: 2, sm: 4 }} spacing="xs" mt={4}>
                  <ReportCount label="Would be flagged" ids={p.newlyFlagged} />
                  <ReportCount label="Active again (unflag)" ids={p.unflagged} />
                  <ReportCount label={`Would be ${p.action === 'anonymise' ? 'anonymised' : 'erased'}`} ids={p.due} tone="red" />
                  <ReportCount label="Held (restricted)" ids={p.held} />
                </SimpleGrid>
              </Box>
            ))}
          </Stack>
        </Card>
      )}
    </Stack>
  );
}

function PolicyForm({ schemas, policies }: { schemas: SchemaView[]; policies: RetentionPolicy[] }) {
  const qc = useQueryClient();
  const [f, setF] = useState({ schema: null as string | null, inactiveMonths: 36 as number | string, graceDays: 30 as number | string, action: 'erase' });
  const pick = (schema: string | null) => {
    const p = policies.find((x) => x.schemaId === schema);
    setF(p ? { schema, inactiveMonths: p.inactiveMonths, graceDays: p.graceDays, action: p.action } : { ...f, schema });
  };
  const save = useMutation({
    mutationFn: () => api<RetentionPolicy>('PUT', `/dsr/retention/policies/${encodeURIComponent(f.schema!)}`, { body: { inactiveMonths: Number(f.inactiveMonths), graceDays: Number(f.graceDays), action: f.action } }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ['dsr', 'retention'] });
      notifyDone('Retention policy saved', 'The next run (and the background job) uses it. Run a dry run to see the effect.');
    },
    onError: (err) => notifyError(err, 'the retention policy'),
  });
  return (
    <Card>
      <Text fw={600} mb="xs">
        Set a policy
      </Text>
      <Group
        component="form"
        align="flex-end"
        gap="sm"
        wrap="wrap"
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate();
        }}
      >
        <Select label="Schema" w={200} placeholder="Choose a schema" data={schemas.map((s) => ({ value: s.id, label: s.name }))} value={f.schema} onChange={pick} />
        <NumberInput label="Inactive for (months)" w={170} min={1} max={600} value={f.inactiveMonths} onChange={(v) => setF({ ...f, inactiveMonths: v })} />
        <NumberInput label="Grace period (days)" w={160} min={0} max={3650} value={f.graceDays} onChange={(v) => setF({ ...f, graceDays: v })} />
        <Select
          label="Then"
          w={170}
          allowDeselect={false}
          data={[
            { value: 'erase', label: 'Erase' },
            { value: 'anonymise', label: 'Anonymise' },
          ]}
          value={f.action}
          onChange={(v) => setF({ ...f, action: v ?? 'erase' })}
        />
        <Button type="submit" variant="light" disabled={!f.schema} loading={save.isPending}>
          Save policy
        </Button>
      </Group>
    </Card>
  );
}

function ReportCount({ label, ids, tone }: { label: string; ids: string[]; tone?: string }) {
  return (
    <Box>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text fw={700} c={ids.length > 0 ? tone : undefined}>
        {ids.length}
      </Text>
      {ids.slice(0, 5).map((id) => (
        <Anchor key={id} component={Link} to={`/customers/${id}`} size="xs" display="block">
          {id}
        </Anchor>
      ))}
      {ids.length > 5 && (
        <Text size="xs" c="dimmed">
          and {ids.length - 5} more
        </Text>
      )}
    </Box>
  );
}

// ---- tombstones ----

function Tombstones() {
  const list = useQuery({ queryKey: ['dsr', 'tombstones'], queryFn: ({ signal }) => get<Items<TombstoneView>>('/dsr/tombstones', undefined, signal) });
  if (list.isPending) return <LoadingState label="Loading erased customers…" />;
  if (list.isError) return <ErrorState error={list.error} context="tombstones" onRetry={() => void list.refetch()} />;
  if (list.data.items.length === 0) return <Empty title="Nobody erased yet" description="Each erasure leaves a tombstone here: who asked, when, why and how many rows — no personal data." />;
  return (
    <DataTable
      label="Erased customers"
      rows={list.data.items}
      rowKey={(t) => t.customerId}
      minWidth={820}
      columns={[
        { key: 'customer', header: 'Customer', width: 200, cell: (t) => <IdText id={t.customerId} chars={18} /> },
        { key: 'when', header: 'Erased', width: 130, cell: (t) => <Text size="sm"><RelativeTime iso={t.erasedAt} /></Text> },
        { key: 'mode', header: 'How', width: 110, cell: (t) => <Text size="sm">{t.mode === 'anonymise' ? 'Anonymised' : 'Erased'}</Text> },
        { key: 'basis', header: 'Legal basis', cell: (t) => <Text size="sm">{t.legalBasis}</Text> },
        { key: 'rows', header: 'Rows', width: 80, cell: (t) => <Text size="sm">{Object.values(t.counts).reduce((a, b) => a + b, 0)}</Text> },
        { key: 'request', header: 'Request', width: 150, cell: (t) => (t.requestId ? <Anchor component={Link} to={`/dsr/${t.requestId}`} size="xs">{t.requestId}</Anchor> : <Text size="xs" c="dimmed">—</Text>) },
      ]}
    />
  );
}
