import { Alert, Anchor, Badge, Box, Button, Drawer, Group, Paper, Select, Stack, Table, Tabs, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { useFeatures } from '../api/features';
import { ImportQuarantine } from './ImportQuarantine';
import { api, get } from '../api/client';
import type { Items, Page, RecordView, SchemaWithDefinition, SourceView, WriteResult } from '../api/types';
import { useSession } from '../auth/session';
import { Empty, ErrorState, LoadMore, LoadingState, PageHeader, RelativeTime, StatusBadge } from '../components/common';
import { CheckIcon } from '../components/icons';
import { ApiError, describeError } from '../lib/errors';
import { editableFields, problemSummary, resubmitValues } from '../lib/quarantine';
import { attributeLabel } from '../lib/values';

export default function QuarantinePage() {
  const { id } = useParams();
  const [params, setParams] = useSearchParams();
  const features = useFeatures();
  const [source, setSource] = useState<string | null>(null);
  const sources = useQuery({ queryKey: ['sources'], queryFn: ({ signal }) => get<Items<SourceView>>('/sources', undefined, signal) });
  const imports = features['/imports'] === true;
  const tab = id ? 'api' : (params.get('tab') ?? (imports ? 'imports' : 'api'));
  return (
    <Box>
      <PageHeader
        title="Quarantine"
        description="Records that failed validation are kept here instead of being lost. Open one, correct the values and resubmit it; once it passes it joins its customer."
        actions={
          <Select
            label="Source"
            placeholder="All sources"
            clearable
            data={(sources.data?.items ?? []).map((s) => ({ value: s.id, label: s.name }))}
            value={source}
            onChange={setSource}
            w={220}
          />
        }
      />
      {imports ? (
        <Tabs value={tab} onChange={(t) => setParams(t === 'api' ? { tab: 'api' } : {}, { replace: true })} keepMounted={false}>
          <Tabs.List mb="md">
            <Tabs.Tab value="imports">Import rows</Tabs.Tab>
            <Tabs.Tab value="api">Rejected API writes</Tabs.Tab>
          </Tabs.List>
          <Tabs.Panel value="imports">
            <ImportQuarantine source={source} />
          </Tabs.Panel>
          <Tabs.Panel value="api">
            <RecordsQuarantine source={source} id={id} />
          </Tabs.Panel>
        </Tabs>
      ) : (
        <RecordsQuarantine source={source} id={id} />
      )}
    </Box>
  );
}

/** Records the API rejected (POST/PUT /records): correct and resubmit with PUT /records/:id. */
function RecordsQuarantine({ source, id }: { source: string | null; id: string | undefined }) {
  const navigate = useNavigate();
  const list = useInfiniteQuery({
    queryKey: ['records', 'rejected', source],
    queryFn: ({ pageParam, signal }) => get<Page<RecordView>>('/records', { status: 'rejected', source, cursor: pageParam, limit: 50 }, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const rows = list.data?.pages.flatMap((p) => p.items) ?? [];

  return (
    <Box>
      {list.isPending ? (
        <LoadingState label="Loading rejected records…" />
      ) : list.isError ? (
        <ErrorState error={list.error} context="the quarantine" onRetry={() => void list.refetch()} />
      ) : rows.length === 0 ? (
        <Paper p="lg">
          <Empty title="Quarantine is empty" description="No rejected records — everything received so far passed validation." icon={<CheckIcon size={22} />} />
        </Paper>
      ) : (
        <>
          <div className="cst-table-wrap">
            <Table.ScrollContainer minWidth={640}>
              <Table aria-label="Rejected records" data-testid="quarantine-table">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th w={140}>Source</Table.Th>
                    <Table.Th w={160}>Key</Table.Th>
                    <Table.Th>Problem</Table.Th>
                    <Table.Th w={140}>Received</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {rows.map((r) => (
                    <Table.Tr
                      key={r.id}
                      className="cst-row-link"
                      tabIndex={0}
                      onClick={() => navigate(`/quarantine/${r.id}`)}
                      onKeyDown={(e) => {
                        if (e.key === 'Enter' || e.key === ' ') {
                          e.preventDefault();
                          navigate(`/quarantine/${r.id}`);
                        }
                      }}
                      aria-label={`Rejected record ${r.sourceKey} from ${r.sourceName ?? r.sourceId}`}
                    >
                      <Table.Td>
                        <Badge variant="light" tt="none" radius="sm">
                          {r.sourceName ?? r.sourceId}
                        </Badge>
                      </Table.Td>
                      <Table.Td ff="monospace" fz="sm">
                        {r.sourceKey}
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm" c="red.8" lineClamp={2}>
                          {problemSummary(r.errors)}
                        </Text>
                      </Table.Td>
                      <Table.Td fz="sm">
                        <RelativeTime iso={r.updatedAt} />
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          </div>
          <LoadMore list={list} />
        </>
      )}
      <Drawer opened={!!id} onClose={() => navigate('/quarantine?tab=api')} position="right" size="lg" title={<Text fw={650}>Fix a rejected record</Text>}>
        {id && <RecordEditor id={id} onDone={() => navigate('/quarantine?tab=api')} />}
      </Drawer>
    </Box>
  );
}

function RecordEditor({ id, onDone }: { id: string; onDone: () => void }) {
  const qc = useQueryClient();
  const { can } = useSession();
  const record = useQuery({ queryKey: ['records', id], queryFn: ({ signal }) => get<RecordView>(`/records/${encodeURIComponent(id)}`, undefined, signal) });
  const schema = useQuery({
    queryKey: ['schemas', record.data?.schemaId],
    queryFn: ({ signal }) => get<SchemaWithDefinition>(`/schemas/${record.data!.schemaId}`, undefined, signal),
    enabled: !!record.data,
    staleTime: 5 * 60_000,
  });
  const [edits, setEdits] = useState<Record<string, string>>({});
  const [current, setCurrent] = useState<RecordView | null>(null);
  useEffect(() => {
    setCurrent(record.data ?? null);
    setEdits({});
  }, [record.data]);

  const rec = current;
  const fields = useMemo(() => (rec ? editableFields(rec, schema.data?.definition.attributes ?? [], attributeLabel) : []), [rec, schema.data]);

  const save = useMutation({
    mutationFn: () => api<WriteResult>('PUT', `/records/${encodeURIComponent(id)}`, { body: { values: resubmitValues(rec!.raw, edits) } }),
    onSuccess: (res) => {
      void qc.invalidateQueries({ queryKey: ['records'] });
      void qc.invalidateQueries({ queryKey: ['customers'] });
      void qc.invalidateQueries({ queryKey: ['quality'] });
      notifications.show({
        color: 'teal',
        title: 'Record accepted',
        message: res.record.customerId ? `${res.record.sourceKey} passed validation and now belongs to a customer.` : `${res.record.sourceKey} passed validation.`,
      });
      onDone();
    },
    onError: (err) => {
      // 422: still invalid — show the new problems next to the fields.
      if (err instanceof ApiError && err.status === 422 && err.body && typeof err.body === 'object' && 'record' in err.body) {
        setCurrent((err.body as { record: RecordView }).record);
        setEdits({});
      }
    },
  });

  if (record.isPending) return <LoadingState label="Loading the record…" />;
  if (record.isError) return <ErrorState error={record.error} context="this record" onRetry={() => void record.refetch()} />;
  if (!rec) return null;
  const writable = can('records:write');
  const hidden = rec.masked.length > 0;
  const stillRejected = save.isError && save.error instanceof ApiError && save.error.status === 422;

  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate();
      }}
      aria-label="Correct the record"
    >
      <Stack gap="md">
        <Group gap="sm">
          <Badge variant="light" tt="none" radius="sm">
            {rec.sourceName ?? rec.sourceId}
          </Badge>
          <Text ff="monospace" size="sm">
            {rec.sourceKey}
          </Text>
          <StatusBadge status={rec.status} />
          <Text size="xs" c="dimmed">
            received <RelativeTime iso={rec.createdAt} /> · version {rec.version}
          </Text>
        </Group>
        {rec.status !== 'rejected' ? (
          <Alert color="teal" variant="light" title="This record is no longer in quarantine">
            It passed validation.{' '}
            {rec.customerId && (
              <Anchor component={Link} to={`/customers/${rec.customerId}`}>
                Open its customer
              </Anchor>
            )}
          </Alert>
        ) : (
          <Text size="sm" c="dimmed">
            Fields with a problem are listed first. Correct them and resubmit; the record is validated again with the current schema.
          </Text>
        )}
        {stillRejected && (
          <Alert color="red" variant="light" role="alert" title="Still not valid">
            The record was saved as a new version but some values still fail validation. See the messages below.
          </Alert>
        )}
        {save.isError && !stillRejected && (
          <Alert color="red" variant="light" role="alert" title={describeError(save.error).title}>
            {describeError(save.error).message}
          </Alert>
        )}
        {hidden && writable && (
          <Alert color="yellow" variant="light">
            Some values are hidden for your role, so you cannot resubmit this record. Ask a steward.
          </Alert>
        )}
        {fields.map((f) => (
          <TextInput
            key={f.name}
            label={f.label}
            description={!f.inSchema ? 'Not in the schema — kept as an extra' : undefined}
            value={edits[f.name] ?? f.text}
            onChange={(e) => {
              const v = e.currentTarget.value;
              setEdits((x) => ({ ...x, [f.name]: v }));
            }}
            error={edits[f.name] === undefined ? f.error : null}
            disabled={!writable || f.masked || rec.status !== 'rejected'}
            data-field={f.name}
          />
        ))}
        {rec.status === 'rejected' && (
          <Group justify="flex-end" mt="sm">
            <Button variant="default" onClick={onDone}>
              Cancel
            </Button>
            <Button type="submit" loading={save.isPending} disabled={!writable || hidden}>
              Resubmit
            </Button>
          </Group>
        )}
        {!writable && (
          <Text size="xs" c="dimmed">
            Your role can view the quarantine but not correct records.
          </Text>
        )}
      </Stack>
    </form>
  );
}
