import { Alert, Badge, Button, Drawer, Group, Paper, Stack, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { api, get } from '../api/client';
import type { ImportJobView, Items, Page, QuarantineView, ResubmitResult, SchemaWithDefinition, SourceView } from '../api/types';
import { useSession } from '../auth/session';
import { Empty, ErrorState, LoadingState, RelativeTime } from '../components/common';
import { CheckIcon } from '../components/icons';
import { DataTable } from '../components/DataTable';
import { describeError } from '../lib/errors';
import { editableFields, problemSummary } from '../lib/quarantine';
import { attributeLabel, parseEditedValue } from '../lib/values';

/** Rows an import rejected: fix values (or the key) and resubmit them as records. */
export function ImportQuarantine({ source }: { source: string | null }) {
  const [params, setParams] = useSearchParams();
  const job = params.get('job');
  const open = params.get('row');
  const qc = useQueryClient();
  const sources = useQuery({ queryKey: ['sources'], queryFn: ({ signal }) => get<Items<SourceView>>('/sources', undefined, signal) });
  // Dry runs also keep their rejected rows (as their report); the quarantine shows real imports only.
  const jobs = useQuery({ queryKey: ['imports', 'list', 'all'], queryFn: ({ signal }) => get<Items<ImportJobView>>('/imports', { limit: 500 }, signal) });
  const dryRuns = useMemo(() => new Set((jobs.data?.items ?? []).filter((j) => j.dryRun).map((j) => j.id)), [jobs.data]);
  const list = useInfiniteQuery({
    queryKey: ['quarantine', 'open', source, job],
    queryFn: ({ pageParam, signal }) => get<Page<QuarantineView>>('/quarantine', { status: 'open', source, job, cursor: pageParam, limit: 100 }, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const rows = (list.data?.pages.flatMap((p) => p.items) ?? []).filter((r) => !dryRuns.has(r.jobId));
  const sourceName = (id: string) => sources.data?.items.find((s) => s.id === id)?.name ?? id;
  const jobName = (id: string) => jobs.data?.items.find((j) => j.id === id)?.fileName ?? id;
  const selected = rows.find((r) => r.id === open);
  const setOpen = (id: string | null) => {
    const next = new URLSearchParams(params);
    if (id) next.set('row', id);
    else next.delete('row');
    setParams(next, { replace: true });
  };
  const resubmitAll = useMutation({
    mutationFn: () => api<{ results: ResubmitResult[] }>('POST', '/quarantine/resubmit', { body: { job, all: true } }),
    onSuccess: (r) => {
      const ok = r.results.filter((x) => x.outcome !== 'rejected' && x.outcome !== 'skipped').length;
      notifications.show({ color: ok === r.results.length ? 'teal' : 'yellow', title: `${ok} of ${r.results.length} rows accepted`, message: ok === r.results.length ? 'They are records now.' : 'The others still fail validation; open them to see why.' });
      void qc.invalidateQueries({ queryKey: ['quarantine'] });
      void qc.invalidateQueries({ queryKey: ['records'] });
      void qc.invalidateQueries({ queryKey: ['quality'] });
    },
  });

  if (list.isPending || jobs.isPending) return <LoadingState label="Loading rejected import rows…" />;
  if (list.isError) return <ErrorState error={list.error} context="the import quarantine" onRetry={() => void list.refetch()} />;
  return (
    <Stack gap="md">
      {job && (
        <Group justify="space-between">
          <Group gap="xs">
            <Text size="sm">
              Rows of <b>{jobName(job)}</b>
            </Text>
            <Button
              size="compact-xs"
              variant="subtle"
              onClick={() => {
                const next = new URLSearchParams(params);
                next.delete('job');
                setParams(next, { replace: true });
              }}
            >
              show all imports
            </Button>
          </Group>
          {rows.length > 1 && (
            <Button size="xs" variant="light" onClick={() => resubmitAll.mutate()} loading={resubmitAll.isPending}>
              Resubmit all {rows.length} rows
            </Button>
          )}
        </Group>
      )}
      {rows.length === 0 ? (
        <Paper p="lg">
          <Empty title="No import rows waiting" description="Every imported row passed validation or has been fixed." icon={<CheckIcon size={22} />} />
        </Paper>
      ) : (
        <DataTable
          label="Rejected import rows"
          rows={rows}
          rowKey={(r) => r.id}
          onOpen={(r) => setOpen(r.id)}
          rowLabel={(r) => `Rejected import row ${r.key ?? `line ${r.line}`} from ${sourceName(r.sourceId)}`}
          minWidth={720}
          columns={[
            { key: 'src', header: 'Source', width: 120, cell: (r) => <Badge variant="light" tt="none" radius="sm">{sourceName(r.sourceId)}</Badge> },
            { key: 'file', header: 'File · line', width: 200, cell: (r) => <Text size="sm" truncate maw={190}>{jobName(r.jobId)} · {r.line ?? r.row}</Text> },
            { key: 'key', header: 'Key', width: 120, cell: (r) => <Text size="sm" ff="monospace">{r.key ?? '—'}</Text> },
            { key: 'err', header: 'Problem', cell: (r) => <Text size="sm" c="red.8" lineClamp={2}>{problemSummary(r.errors.map((e) => ({ ...e, field: e.field.replace(/^\$/, '') })))}</Text> },
            { key: 'at', header: 'Updated', width: 120, cell: (r) => <Text size="sm"><RelativeTime iso={r.updatedAt} /></Text> },
          ]}
        />
      )}
      <Drawer opened={!!open} onClose={() => setOpen(null)} position="right" size="lg" title={<Text fw={650}>Fix a rejected import row</Text>}>
        {selected ? <RowEditor row={selected} sourceName={sourceName(selected.sourceId)} fileName={jobName(selected.jobId)} onDone={() => setOpen(null)} /> : <Empty title="This row is no longer waiting" description="It was fixed or resubmitted meanwhile." />}
      </Drawer>
    </Stack>
  );
}

function RowEditor({ row, sourceName, fileName, onDone }: { row: QuarantineView; sourceName: string; fileName: string; onDone: () => void }) {
  const qc = useQueryClient();
  const { can } = useSession();
  const sources = useQuery({ queryKey: ['sources'], queryFn: ({ signal }) => get<Items<SourceView>>('/sources', undefined, signal) });
  const schemaId = sources.data?.items.find((s) => s.id === row.sourceId)?.schemaId;
  const schema = useQuery({ queryKey: ['schemas', schemaId], queryFn: ({ signal }) => get<SchemaWithDefinition>(`/schemas/${schemaId}`, undefined, signal), enabled: !!schemaId });
  const [edits, setEdits] = useState<Record<string, string>>({});
  const [key, setKey] = useState<string | null>(null);
  const [errors, setErrors] = useState(row.errors);
  const values = row.values ?? {};
  const fields = editableFields({ raw: values, errors, masked: row.masked }, schema.data?.definition.attributes ?? [], attributeLabel);
  const keyError = errors.find((e) => e.field === '$key');

  const save = useMutation({
    mutationFn: async () => {
      const patch: Record<string, unknown> = {};
      for (const [name, text] of Object.entries(edits)) patch[name] = parseEditedValue(text, values[name]);
      if (Object.keys(patch).length || key) await api('PATCH', `/quarantine/${row.id}`, { body: { ...(Object.keys(patch).length ? { values: patch } : {}), ...(key ? { key } : {}) } });
      const r = await api<{ results: ResubmitResult[] }>('POST', '/quarantine/resubmit', { body: { ids: [row.id] } });
      return r.results[0]!;
    },
    onSuccess: (res) => {
      void qc.invalidateQueries({ queryKey: ['quarantine'] });
      void qc.invalidateQueries({ queryKey: ['records'] });
      void qc.invalidateQueries({ queryKey: ['quality'] });
      void qc.invalidateQueries({ queryKey: ['customers'] });
      if (res.outcome === 'rejected') {
        setErrors(res.errors);
        setEdits({});
        return;
      }
      notifications.show({ color: 'teal', title: 'Row accepted', message: `Line ${row.line ?? row.row} is now a record in ${sourceName}.` });
      onDone();
    },
  });
  const stillRejected = save.isSuccess && save.data.outcome === 'rejected';
  const writable = can('records:write');
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate();
      }}
      aria-label="Correct the import row"
    >
      <Stack gap="md">
        <Group gap="sm">
          <Badge variant="light" tt="none" radius="sm">
            {sourceName}
          </Badge>
          <Text size="sm">
            {fileName}, line {row.line ?? row.row}
          </Text>
        </Group>
        <Text size="sm" c="dimmed">
          Fields with a problem are listed first. Correct them and resubmit; the row is validated again and written as a record.
        </Text>
        {stillRejected && (
          <Alert color="red" variant="light" role="alert" title="Still not valid">
            Your corrections were saved, but some values still fail validation. See the messages below.
          </Alert>
        )}
        {save.isError && (
          <Alert color="red" variant="light" role="alert" title={describeError(save.error).title}>
            {describeError(save.error).message}
            {describeError(save.error).details.map((d) => (
              <Text size="sm" key={d}>
                • {d}
              </Text>
            ))}
          </Alert>
        )}
        {row.rawText && (
          <Alert color="gray" variant="light" title="The line as read from the file">
            <Text ff="monospace" size="xs" style={{ wordBreak: 'break-all' }}>
              {row.rawText}
            </Text>
          </Alert>
        )}
        <TextInput label="Source key" value={key ?? row.key ?? ''} onChange={(e) => setKey(e.currentTarget.value)} error={keyError && key === null ? keyError.message : null} disabled={!writable} />
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
            disabled={!writable || f.masked}
          />
        ))}
        <Group justify="flex-end" mt="sm">
          <Button variant="default" onClick={onDone}>
            Cancel
          </Button>
          <Button type="submit" loading={save.isPending} disabled={!writable || row.masked.length > 0}>
            Resubmit
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

