// The customer page's privacy section: consents per purpose and channel with their history and proof, recording
// and withdrawing consent, verification links (e-mail or QR at the till), restriction and data-subject requests.
import { Alert, Anchor, Badge, Box, Button, Code, Collapse, CopyButton, Group, Image, Modal, NumberInput, Paper, Select, Stack, Text, TextInput, Title, Tooltip } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { Link } from 'react-router-dom';
import { api, apiUrl, get } from '../../api/client';
import { useUserName } from '../../api/users';
import type { ConsentEventView, ConsentStateView, CreatedLink, CustomerConsents, LinkView, RequestView } from '../../api/privacy';
import type { Items } from '../../api/types';
import { useSession } from '../../auth/session';
import { Empty, ErrorState, LoadingState, RelativeTime, StatusBadge } from '../../components/common';
import { LabelledSegments } from '../../components/LabelledSegments';
import { ShieldIcon } from '../../components/icons';
import { consentMatrix, groupHistory, kindLabel, proofEntries } from '../../lib/privacy';
import { BASIS_LABELS, channelNamer, ConsentBadge, dateText, DeadlineBadge, exportUrl, logRequest, notifyDone, notifyError, RequestNoteField, SectionCard, SOURCE_LABELS, useChannels, usePurposes, useRestriction } from '../privacy/privacy-ui';

export function CustomerPrivacyPanel({ customerId }: { customerId: string }) {
  const { can } = useSession();
  const readConsent = can('consent:read');
  const writeConsent = can('consent:write');
  const manageDsr = can('dsr:manage');
  if (!readConsent && !manageDsr) return null;
  return (
    <Box mt="xl" data-testid="customer-privacy">
      <Group justify="space-between" align="center" mb="sm" gap="xs" wrap="wrap">
        <Group gap="sm" align="center">
          <Title order={2} fz={18}>
            Privacy & consent
          </Title>
          <RestrictionBadge customerId={customerId} />
        </Group>
        <Group gap="xs">
          {writeConsent && <SendLinkButton customerId={customerId} />}
        </Group>
      </Group>
      <Stack gap="md">
        {readConsent && <Consents customerId={customerId} canWrite={writeConsent} />}
        {writeConsent && <Links customerId={customerId} />}
        {manageDsr && <Requests customerId={customerId} />}
      </Stack>
    </Box>
  );
}

function RestrictionBadge({ customerId }: { customerId: string }) {
  const q = useRestriction(customerId);
  if (!q.data?.restricted) return null;
  return (
    <Tooltip label="Processing is frozen: no marketing, exports or new consents until a steward lifts the restriction" withArrow multiline w={280}>
      <Badge color="red" variant="filled" radius="sm" tt="none" leftSection={<ShieldIcon size={12} />} tabIndex={0}>
        Restricted
      </Badge>
    </Tooltip>
  );
}

// ---- consents ----

function useCustomerConsents(customerId: string) {
  return useQuery({ queryKey: ['consent', 'customer', customerId], queryFn: ({ signal }) => get<CustomerConsents>(`/consent/customers/${encodeURIComponent(customerId)}`, undefined, signal) });
}

function Consents({ customerId, canWrite }: { customerId: string; canWrite: boolean }) {
  const consents = useCustomerConsents(customerId);
  const purposes = usePurposes(true);
  const channels = useChannels();
  const restricted = useRestriction(customerId).data?.restricted === true;
  const [recording, setRecording] = useState<{ purpose?: string; channel?: string } | null>(null);
  const channelName = channelNamer(channels.data?.items);
  const rows = useMemo(() => consentMatrix(purposes.data?.items ?? [], consents.data?.current ?? []), [purposes.data, consents.data]);
  const groups = useMemo(() => new Map(groupHistory(consents.data?.history ?? []).map((g) => [g.key, g.events])), [consents.data]);
  const eventById = useMemo(() => new Map((consents.data?.history ?? []).map((e) => [e.id, e])), [consents.data]);

  let body;
  if (consents.isPending || purposes.isPending) body = <LoadingState label="Loading consents…" rows={2} />;
  else if (consents.isError) body = <ErrorState error={consents.error} context="consents" onRetry={() => void consents.refetch()} />;
  else if (purposes.isError) body = <ErrorState error={purposes.error} context="consent purposes" onRetry={() => void purposes.refetch()} />;
  else if (rows.length === 0)
    body = <Empty compact title="No consent purposes yet" description="An administrator defines purposes (such as a newsletter) under Privacy → Consent purposes; then you can record this customer's choices here." />;
  else
    body = (
      <Stack gap="sm">
        {rows.map((row) => (
          <Paper key={row.purpose} withBorder p="sm" radius="md">
            <Group gap="xs" mb={6}>
              <Text fw={600} size="sm">
                {row.name}
              </Text>
              {row.archived && (
                <Badge size="xs" color="gray" variant="outline" tt="none">
                  no longer asked
                </Badge>
              )}
            </Group>
            <Stack gap={6}>
              {row.cells.length === 0 && (
                <Text size="xs" c="dimmed">
                  This purpose is not asked on any channel yet.
                </Text>
              )}
              {row.cells.map((cell) => (
                <ConsentRow
                  key={cell.channel}
                  customerId={customerId}
                  purpose={row.purpose}
                  purposeName={row.name}
                  channel={cell.channel}
                  channelName={channelName(cell.channel)}
                  status={cell.status}
                  state={cell.state}
                  deciding={cell.state ? eventById.get(cell.state.eventId) : undefined}
                  history={groups.get(`${row.purpose}/${cell.channel}`) ?? []}
                  canWrite={canWrite && !row.archived}
                  onRecord={() => setRecording({ purpose: row.purpose, channel: cell.channel })}
                />
              ))}
            </Stack>
          </Paper>
        ))}
      </Stack>
    );

  return (
    <SectionCard
      title="Consents"
      hint="What this customer agreed to, per purpose and channel. Every change is kept with its proof."
      actions={
        <>
          <Button component="a" size="xs" variant="default" href={apiUrl(`/consent/customers/${encodeURIComponent(customerId)}/proof`, { format: 'csv' })} download>
            Download proof (CSV)
          </Button>
          {canWrite && (
            <Button size="xs" onClick={() => setRecording({})} disabled={(purposes.data?.items ?? []).every((p) => p.archivedAt !== null)}>
              Record a consent
            </Button>
          )}
        </>
      }
    >
      {restricted && canWrite && (
        <Alert color="red" variant="light" mb="sm" title="Processing is restricted">
          New consents are refused until a steward lifts the restriction. Withdrawals and refusals can still be recorded.
        </Alert>
      )}
      {body}
      <Modal opened={recording !== null} onClose={() => setRecording(null)} title={<Text fw={650}>Record a consent</Text>}>
        {recording && <RecordConsentForm customerId={customerId} initial={recording} onDone={() => setRecording(null)} />}
      </Modal>
    </SectionCard>
  );
}

function ConsentRow(props: {
  customerId: string;
  purpose: string;
  purposeName: string;
  channel: string;
  channelName: string;
  status: string;
  state: ConsentStateView | null;
  deciding: ConsentEventView | undefined;
  history: ConsentEventView[];
  canWrite: boolean;
  onRecord: () => void;
}) {
  const { state, deciding } = props;
  const userName = useUserName();
  const [open, setOpen] = useState(false);
  const qc = useQueryClient();
  const withdraw = useMutation({
    mutationFn: () => api('POST', '/consent/withdraw', { body: { customer: props.customerId, purpose: props.purpose, channel: props.channel, source: 'agent' } }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ['consent'] });
      notifyDone('Consent withdrawn', `${props.purposeName} by ${props.channelName.toLowerCase()} is withdrawn from now on.`);
    },
    onError: (err) => notifyError(err, 'the withdrawal'),
  });
  const label = `${props.purposeName} — ${props.channelName}`;
  return (
    <Box style={{ borderTop: '1px solid var(--mantine-color-gray-2)' }} pt={6} data-testid={`consent-${props.purpose}-${props.channel}`}>
      <Group justify="space-between" gap="xs" wrap="wrap" align="flex-start">
        <Box style={{ flex: '1 1 260px', minWidth: 0 }}>
          <Group gap="xs" wrap="wrap">
            <Text size="sm" w={150} style={{ flexShrink: 0 }}>
              {props.channelName}
            </Text>
            <ConsentBadge status={props.status} />
          </Group>
          {state ? (
            <Text size="xs" c="dimmed" mt={2}>
              {BASIS_LABELS[state.lawfulBasis] ?? state.lawfulBasis} · notice v{state.noticeVersion ?? '—'} · captured {dateText(state.capturedAt)}
              {state.validUntil ? ` · valid until ${dateText(state.validUntil)}` : ''}
              {deciding ? ` · ${SOURCE_LABELS[deciding.source] ?? deciding.source}` : ''}
            </Text>
          ) : (
            <Text size="xs" c="dimmed" mt={2}>
              Never asked: no contact for this purpose by {props.channelName.toLowerCase()}.
            </Text>
          )}
        </Box>
        <Group gap={6}>
          {props.history.length > 0 && (
            <Button size="compact-xs" variant="subtle" onClick={() => setOpen((o) => !o)} aria-expanded={open} aria-label={`${open ? 'Hide' : 'Show'} history of ${label}`}>
              {open ? 'Hide history' : `History (${props.history.length})`}
            </Button>
          )}
          {props.canWrite && (
            <Button size="compact-xs" variant="light" onClick={props.onRecord} aria-label={`Record a decision for ${label}`}>
              Record
            </Button>
          )}
          {props.canWrite && props.status === 'granted' && (
            <Button size="compact-xs" variant="light" color="orange" loading={withdraw.isPending} onClick={() => withdraw.mutate()} aria-label={`Withdraw ${label}`}>
              Withdraw
            </Button>
          )}
        </Group>
      </Group>
      <Collapse expanded={open}>
        <Stack gap={6} mt={6} ml={{ base: 0, sm: 'md' }} role="list" aria-label={`History of ${label}`}>
          {props.history.map((e) => (
            <Paper key={e.id} p="xs" radius="sm" bg="gray.0" role="listitem">
              <Group gap="xs" wrap="wrap">
                <ConsentBadge status={e.status} />
                <Text size="xs">
                  captured {new Date(e.capturedAt).toLocaleString('en-GB')} · {SOURCE_LABELS[e.source] ?? e.source} · {BASIS_LABELS[e.lawfulBasis] ?? e.lawfulBasis} · notice v{e.noticeVersion ?? '—'}
                  {e.validUntil ? ` · until ${dateText(e.validUntil)}` : ''}
                </Text>
              </Group>
              <Text size="xs" c="dimmed" mt={2}>
                Recorded <RelativeTime iso={e.recordedAt} /> by {actorText(e, userName)}
              </Text>
              {proofEntries(e.proof).map(([k, v]) => (
                <Text size="xs" c="dimmed" key={k} style={{ overflowWrap: 'anywhere' }}>
                  {k}: <Code fz="xs">{v}</Code>
                </Text>
              ))}
            </Paper>
          ))}
        </Stack>
      </Collapse>
    </Box>
  );
}

function actorText(e: ConsentEventView, userName: (id: string | null | undefined) => string | null): string {
  if (e.actorType === 'customer') return 'the customer';
  if (e.actorType === 'system') return 'the system';
  const name = userName(e.actorId);
  if (name) return name;
  return e.actorType === 'api_key' ? `API key ${e.actorId ?? ''}`.trim() : `user ${e.actorId ?? ''}`.trim();
}

function RecordConsentForm({ customerId, initial, onDone }: { customerId: string; initial: { purpose?: string; channel?: string }; onDone: () => void }) {
  const qc = useQueryClient();
  const purposes = usePurposes();
  const channels = useChannels();
  const channelName = channelNamer(channels.data?.items);
  const [f, setF] = useState({ purpose: initial.purpose ?? '', channel: initial.channel ?? '', status: 'granted', lawfulBasis: 'consent', source: 'agent', validUntil: '', formId: '' });
  const purpose = purposes.data?.items.find((p) => p.key === f.purpose);
  const save = useMutation({
    mutationFn: () =>
      api('POST', '/consent/records', {
        body: {
          customer: customerId,
          purpose: f.purpose,
          channel: f.channel,
          status: f.status,
          lawfulBasis: f.lawfulBasis,
          source: f.source,
          ...(f.validUntil ? { validUntil: new Date(`${f.validUntil}T23:59:59Z`).toISOString() } : {}),
          proof: f.formId ? { formId: f.formId } : {},
        },
      }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ['consent'] });
      notifyDone('Consent recorded', `${purpose?.name ?? f.purpose} by ${channelName(f.channel).toLowerCase()}: ${f.status}.`);
      onDone();
    },
    onError: (err) => notifyError(err, 'the consent'),
  });
  return (
    <Stack
      component="form"
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate();
      }}
    >
      <Select
        label="Purpose"
        required
        data={(purposes.data?.items ?? []).map((p) => ({ value: p.key, label: p.name }))}
        value={f.purpose || null}
        onChange={(v) => setF({ ...f, purpose: v ?? '', channel: '' })}
        placeholder={purposes.isPending ? 'Loading…' : 'Choose a purpose'}
      />
      <Select
        label="Channel"
        required
        data={(purpose?.channels ?? []).map((c) => ({ value: c, label: channelName(c) }))}
        value={f.channel || null}
        onChange={(v) => setF({ ...f, channel: v ?? '' })}
        placeholder={purpose ? 'Choose a channel' : 'Choose a purpose first'}
        disabled={!purpose}
      />
      {purpose && (
        <Alert variant="light" color="gray" title={`Notice shown to the customer (version ${purpose.currentNoticeVersion})`}>
          <Text size="xs" style={{ whiteSpace: 'pre-wrap' }}>
            {purpose.noticeText}
          </Text>
        </Alert>
      )}
      <LabelledSegments
        label="The customer's answer"
        value={f.status}
        onChange={(v) => setF({ ...f, status: v })}
        data={[
          { value: 'granted', label: 'Yes, agrees' },
          { value: 'denied', label: 'No, declines' },
        ]}
      />
      <Group grow align="flex-start">
        <Select label="Lawful basis" data={Object.entries(BASIS_LABELS).map(([value, label]) => ({ value, label }))} value={f.lawfulBasis} onChange={(v) => setF({ ...f, lawfulBasis: v ?? 'consent' })} allowDeselect={false} />
        <Select
          label="Captured"
          data={['agent', 'pos', 'web_form'].map((value) => ({ value, label: SOURCE_LABELS[value]! }))}
          value={f.source}
          onChange={(v) => setF({ ...f, source: v ?? 'agent' })}
          allowDeselect={false}
        />
      </Group>
      <Group grow align="flex-start">
        <TextInput type="date" label="Valid until" description="Empty: the purpose's default, or no end" value={f.validUntil} onChange={(e) => setF({ ...f, validUntil: e.currentTarget.value })} />
        <TextInput label="Form or receipt reference" description="Optional, kept as proof" value={f.formId} maxLength={200} onChange={(e) => setF({ ...f, formId: e.currentTarget.value })} />
      </Group>
      <Group justify="flex-end">
        <Button variant="default" onClick={onDone}>
          Cancel
        </Button>
        <Button type="submit" loading={save.isPending} disabled={!f.purpose || !f.channel}>
          Save consent
        </Button>
      </Group>
    </Stack>
  );
}

// ---- verification links ----

function SendLinkButton({ customerId }: { customerId: string }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button size="sm" onClick={() => setOpen(true)}>
        Send verification link
      </Button>
      <Modal opened={open} onClose={() => setOpen(false)} title={<Text fw={650}>Send a verification link</Text>} size="md">
        {open && <SendLinkForm customerId={customerId} onDone={() => setOpen(false)} />}
      </Modal>
    </>
  );
}

function SendLinkForm({ customerId, onDone }: { customerId: string; onDone: () => void }) {
  const qc = useQueryClient();
  const [delivery, setDelivery] = useState<'email' | 'qr'>('email');
  const [email, setEmail] = useState('');
  const [hours, setHours] = useState<number | string>(24);
  const [created, setCreated] = useState<CreatedLink | null>(null);
  const create = useMutation({
    mutationFn: () =>
      api<CreatedLink>('POST', '/portal/links', {
        body: { customer: customerId, delivery, ...(delivery === 'email' && email.trim() ? { email: email.trim() } : {}), ...(delivery === 'qr' ? { qrFormat: 'svg' } : {}), expiresInHours: Number(hours) || 24 },
      }),
    onSuccess: (out) => {
      setCreated(out);
      void qc.invalidateQueries({ queryKey: ['portal', 'links', customerId] });
    },
    onError: (err) => notifyError(err, 'the link'),
  });

  if (created) {
    const until = new Date(created.link.expiresAt).toLocaleString('en-GB');
    return (
      <Stack>
        {created.email ? (
          <Alert color="teal" variant="light" title={created.email.delivery === 'smtp' ? 'E-mail sent' : 'E-mail written to the development outbox'}>
            <Text size="sm">
              The link went to <b>{created.email.to}</b> and works until {until}.
              {created.email.delivery === 'outbox' && ' No mail server is configured, so the message was saved in the outbox instead of sent.'}
            </Text>
          </Alert>
        ) : (
          <>
            <Text size="sm">Let the customer scan this code with their phone, or print it. It works until {until}; anyone with it can see their details.</Text>
            {created.qr && (
              <Box className="cst-qr" ta="center">
                <Image
                  src={created.qr.format === 'svg' ? `data:image/svg+xml;charset=utf-8,${encodeURIComponent(created.qr.data)}` : created.qr.data}
                  alt="QR code of the verification link"
                  w={240}
                  h={240}
                  mx="auto"
                  fit="contain"
                />
              </Box>
            )}
            {created.url && (
              <Group gap="xs" wrap="nowrap">
                <Code style={{ overflowWrap: 'anywhere', flex: 1 }} data-testid="portal-url">
                  {created.url}
                </Code>
                <CopyButton value={created.url}>{({ copied, copy }) => <Button size="xs" variant="default" onClick={copy}>{copied ? 'Copied' : 'Copy'}</Button>}</CopyButton>
              </Group>
            )}
          </>
        )}
        <Group justify="flex-end">
          {created.qr && (
            <Button variant="default" onClick={() => window.print()}>
              Print
            </Button>
          )}
          <Button onClick={onDone}>Done</Button>
        </Group>
      </Stack>
    );
  }

  return (
    <Stack
      component="form"
      onSubmit={(e) => {
        e.preventDefault();
        create.mutate();
      }}
    >
      <Text size="sm" c="dimmed">
        The customer opens the link to check and correct their details and choose how we may contact them.
      </Text>
      <LabelledSegments
        label="How"
        value={delivery}
        onChange={setDelivery}
        data={[
          { value: 'email', label: 'E-mail it' },
          { value: 'qr', label: 'Show a QR code' },
        ]}
      />
      {delivery === 'email' && (
        <TextInput label="E-mail address" description="Leave empty to use the address on file" type="email" value={email} onChange={(e) => setEmail(e.currentTarget.value)} maxLength={320} />
      )}
      <NumberInput label="Valid for (hours)" description={delivery === 'qr' ? 'Keep it short for links shown or printed at the till' : 'Up to the configured maximum'} min={1} max={24 * 90} value={hours} onChange={setHours} />
      <Group justify="flex-end">
        <Button variant="default" onClick={onDone}>
          Cancel
        </Button>
        <Button type="submit" loading={create.isPending}>
          {delivery === 'email' ? 'Send the e-mail' : 'Create the QR code'}
        </Button>
      </Group>
    </Stack>
  );
}

function Links({ customerId }: { customerId: string }) {
  const qc = useQueryClient();
  const links = useQuery({ queryKey: ['portal', 'links', customerId], queryFn: ({ signal }) => get<Items<LinkView>>('/portal/links', { customer: customerId }, signal) });
  const revoke = useMutation({
    mutationFn: (id: string) => api<LinkView>('DELETE', `/portal/links/${encodeURIComponent(id)}`),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ['portal', 'links', customerId] });
      notifyDone('Link revoked', 'The link no longer opens the portal.');
    },
    onError: (err) => notifyError(err, 'the link'),
  });
  return (
    <SectionCard title="Verification links" hint="Links this customer was given to check their details. Revoke one that was lost or shared.">
      {links.isPending ? (
        <LoadingState label="Loading links…" rows={1} />
      ) : links.isError ? (
        <ErrorState error={links.error} context="links" onRetry={() => void links.refetch()} />
      ) : links.data.items.length === 0 ? (
        <Text size="sm" c="dimmed">
          No links yet. Use “Send verification link” to e-mail one or show a QR code.
        </Text>
      ) : (
        <Stack gap={4} role="list" aria-label="Verification links">
          {links.data.items.map((l) => (
            <Group key={l.id} justify="space-between" gap="xs" wrap="wrap" role="listitem" style={{ borderTop: '1px solid var(--mantine-color-gray-2)' }} pt={4}>
              <Group gap="xs" wrap="wrap">
                <StatusBadge status={l.status} />
                <Text size="sm">{l.delivery === 'email' ? 'E-mailed' : l.delivery === 'qr' ? 'QR code' : 'Link'}</Text>
                <Text size="xs" c="dimmed">
                  created <RelativeTime iso={l.createdAt} /> · {l.status === 'active' ? 'expires' : 'expired'} {dateText(l.expiresAt)}
                  {l.lastUsedAt ? ' · opened ' : ''}
                  {l.lastUsedAt && <RelativeTime iso={l.lastUsedAt} />}
                </Text>
              </Group>
              {l.status === 'active' && (
                <Button size="compact-xs" variant="subtle" color="red" loading={revoke.isPending && revoke.variables === l.id} onClick={() => revoke.mutate(l.id)}>
                  Revoke
                </Button>
              )}
            </Group>
          ))}
        </Stack>
      )}
    </SectionCard>
  );
}

// ---- data-subject requests ----

function Requests({ customerId }: { customerId: string }) {
  const qc = useQueryClient();
  const [erasure, setErasure] = useState(false);
  const [note, setNote] = useState('');
  const requests = useQuery({ queryKey: ['dsr', 'requests', { customer: customerId }], queryFn: ({ signal }) => get<Items<RequestView>>('/dsr/requests', { customer: customerId }, signal) });
  const log = useMutation({
    mutationFn: () => logRequest({ customer: customerId, kind: 'erasure', note }),
    onSuccess: (r) => {
      void qc.invalidateQueries({ queryKey: ['dsr'] });
      notifyDone('Erasure request logged', `Due ${dateText(r.dueAt)}. Find it under Data-subject requests.`);
      setErasure(false);
      setNote('');
    },
    onError: (err) => notifyError(err, 'the request'),
  });
  return (
    <SectionCard
      title="Data-subject requests"
      hint="The customer's right to a copy of their data, to correction and to erasure."
      actions={
        <>
          <Button component="a" size="xs" variant="default" href={exportUrl(customerId, 'json')} download onClick={() => setTimeout(() => void qc.invalidateQueries({ queryKey: ['dsr'] }), 1500)}>
            Download all data (access)
          </Button>
          <Button size="xs" variant="light" color="red" onClick={() => setErasure(true)}>
            Log an erasure request
          </Button>
        </>
      }
    >
      {requests.isPending ? (
        <LoadingState label="Loading requests…" rows={1} />
      ) : requests.isError ? (
        <ErrorState error={requests.error} context="requests" onRetry={() => void requests.refetch()} />
      ) : requests.data.items.length === 0 ? (
        <Text size="sm" c="dimmed">
          No requests from this customer.
        </Text>
      ) : (
        <Stack gap={4}>
          {requests.data.items.map((r) => (
            <Group key={r.id} gap="xs" wrap="wrap" style={{ borderTop: '1px solid var(--mantine-color-gray-2)' }} pt={4}>
              <Anchor component={Link} to={`/dsr/${r.id}`} size="sm">
                {kindLabel(r.kind)}
              </Anchor>
              <StatusBadge status={r.status} />
              {r.status === 'open' && <DeadlineBadge req={r} />}
              <Text size="xs" c="dimmed">
                received <RelativeTime iso={r.receivedAt} />
              </Text>
            </Group>
          ))}
        </Stack>
      )}
      <Modal opened={erasure} onClose={() => setErasure(false)} title={<Text fw={650}>Log an erasure request</Text>}>
        <Stack>
          <Text size="sm">
            This records the customer's request and starts the deadline. Nothing is deleted yet: a steward reviews the request under Data-subject requests and erases the data there.
          </Text>
          <RequestNoteField value={note} onChange={setNote} />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setErasure(false)}>
              Cancel
            </Button>
            <Button color="red" loading={log.isPending} onClick={() => log.mutate()}>
              Log the request
            </Button>
          </Group>
        </Stack>
      </Modal>
    </SectionCard>
  );
}
