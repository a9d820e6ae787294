import { Alert, Badge, Box, Button, Group, Modal, Paper, Progress, Select, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { api, get } from '../../api/client';
import type { JobView } from '../../api/golden';
import type { Items, SchemaView, SourceView } from '../../api/types';
import { Empty, ErrorState, IdText, LoadingState, PageHeader, RelativeTime } from '../../components/common';
import { DataTable } from '../../components/DataTable';
import { LabelledSegments } from '../../components/LabelledSegments';
import { describeError } from '../../lib/errors';
import { formatProbability } from '../../lib/explanation';
import { JOB_FINISHED, progressPercent, readRematchReport, type RematchExample, type RematchReport } from '../../lib/golden-ops';
import { CustomerLink } from './merge-parts';

const STATUS_COLORS: Record<string, string> = { queued: 'gray', running: 'blue', succeeded: 'teal', failed: 'red', cancelled: 'orange' };

export default function RematchPage() {
  const qc = useQueryClient();
  const [params, setParams] = useSearchParams();
  const jobId = params.get('job');
  const [scope, setScope] = useState<'schema' | 'source'>('schema');
  const [target, setTarget] = useState<string | null>(null);
  const schemas = useQuery({ queryKey: ['schemas'], queryFn: ({ signal }) => get<Items<SchemaView>>('/schemas', undefined, signal), staleTime: 60_000 });
  const sources = useQuery({ queryKey: ['sources'], queryFn: ({ signal }) => get<Items<SourceView>>('/sources', undefined, signal), staleTime: 60_000 });
  const jobs = useQuery({
    queryKey: ['rematch-jobs'],
    queryFn: ({ signal }) => get<Items<JobView>>('/rematch-jobs', undefined, signal),
    refetchInterval: (q) => (q.state.data?.items.some((j) => !JOB_FINISHED.has(j.status)) ? 2000 : false),
  });
  const start = useMutation({
    mutationFn: (body: { schema?: string; source?: string; dryRun: boolean }) => api<JobView>('POST', '/rematch-jobs', { body }),
    onSuccess: (j) => {
      void qc.invalidateQueries({ queryKey: ['rematch-jobs'] });
      setParams({ job: j.id }, { replace: true });
      notifications.show({ color: 'blue', title: j.dryRun ? 'Dry run started' : 'Re-match started', message: j.dryRun ? 'Nothing changes; the report shows what would happen.' : 'Changes are applied as the job runs.' });
    },
  });
  const options = scope === 'schema' ? (schemas.data?.items ?? []).map((s) => ({ value: s.id, label: s.name })) : (sources.data?.items ?? []).map((s) => ({ value: s.id, label: s.name }));
  const nameOf = (j: JobView) => (j.sourceId ? `source ${sources.data?.items.find((s) => s.id === j.sourceId)?.name ?? j.sourceId}` : `schema ${schemas.data?.items.find((s) => s.id === j.schemaId)?.name ?? j.schemaId}`);

  return (
    <Box>
      <PageHeader
        eyebrow="Stewardship"
        title="Re-match"
        description="Run matching again over a source or a whole schema, for example after training a new model or changing thresholds. Always start with a dry run: it reports what would be merged, split or sent to review, without changing anything."
      />
      <Paper withBorder p="md" mb="md">
        <Group align="flex-end" gap="md" wrap="wrap">
          <LabelledSegments
            label="Scope"
            fullWidth={false}
            value={scope}
            onChange={(v) => {
              setScope(v);
              setTarget(null);
            }}
            data={[
              { value: 'schema', label: 'Whole schema' },
              { value: 'source', label: 'One source' },
            ]}
          />
          <Select label={scope === 'schema' ? 'Schema' : 'Source'} placeholder={scope === 'schema' ? 'Choose a schema' : 'Choose a source'} w={240} data={options} value={target} onChange={setTarget} searchable nothingFoundMessage="None found" />
          <Button disabled={!target} loading={start.isPending} onClick={() => target && start.mutate({ [scope]: target, dryRun: true })}>
            Start dry run
          </Button>
        </Group>
        {start.isError && (
          <Alert color="red" mt="sm" role="alert" title={describeError(start.error).title}>
            {describeError(start.error).message}
          </Alert>
        )}
      </Paper>

      <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="md">
        <Box>
          <Title order={2} fz="lg" mb="xs">
            Recent runs
          </Title>
          {jobs.isPending ? (
            <LoadingState label="Loading re-match runs…" rows={3} />
          ) : jobs.isError ? (
            <ErrorState error={jobs.error} context="the re-match runs" onRetry={() => void jobs.refetch()} />
          ) : jobs.data.items.length === 0 ? (
            <Paper p="lg">
              <Empty title="No re-match runs yet" description="Pick a schema or a source above and start a dry run to see what a re-match would change." />
            </Paper>
          ) : (
            <DataTable
              label="Re-match runs"
              highlightOnHover
              rows={jobs.data.items}
              rowKey={(j) => j.id}
              minWidth={480}
              onOpen={(j) => setParams({ job: j.id }, { replace: true })}
              rowLabel={(j) => `${j.dryRun ? 'Dry run' : 'Re-match'} of ${nameOf(j)}, ${j.status}`}
              rowProps={(j) => (j.id === jobId ? { 'aria-current': 'true', bg: 'var(--mantine-color-blue-0)' } : {})}
              columns={[
                { key: 'scope', header: 'Scope', cellProps: { fz: 'sm' }, cell: (j) => nameOf(j) },
                {
                  key: 'kind',
                  header: 'Kind',
                  width: 110,
                  cell: (j) => (
                    <Badge variant="outline" radius="sm" tt="none" color={j.dryRun ? 'gray' : 'violet'}>
                      {j.dryRun ? 'dry run' : 'applied'}
                    </Badge>
                  ),
                },
                {
                  key: 'status',
                  header: 'Status',
                  width: 130,
                  cell: (j) => (
                    <Badge color={STATUS_COLORS[j.status]} variant="light" radius="sm" tt="none">
                      {j.status}
                    </Badge>
                  ),
                },
                { key: 'started', header: 'Started', width: 110, cellProps: { fz: 'sm' }, cell: (j) => <RelativeTime iso={j.createdAt} /> },
              ]}
            />
          )}
        </Box>
        <Box>{jobId ? <JobPanel key={jobId} id={jobId} scopeName={nameOf} onStart={(body) => start.mutate(body)} starting={start.isPending} /> : <Paper p="lg" withBorder><Empty compact title="No run selected" description="Start a dry run, or choose a run on the left to see its progress and report." /></Paper>}</Box>
      </SimpleGrid>
    </Box>
  );
}

function JobPanel({ id, scopeName, onStart, starting }: { id: string; scopeName: (j: JobView) => string; onStart: (b: { schema?: string; source?: string; dryRun: boolean }) => void; starting: boolean }) {
  const qc = useQueryClient();
  const [confirm, setConfirm] = useState(false);
  const job = useQuery({
    queryKey: ['rematch-jobs', id],
    queryFn: ({ signal }) => get<JobView>(`/rematch-jobs/${encodeURIComponent(id)}`, undefined, signal),
    refetchInterval: (q) => (q.state.data && JOB_FINISHED.has(q.state.data.status) ? false : 1000),
  });
  const cancel = useMutation({
    mutationFn: () => api<JobView>('POST', `/rematch-jobs/${encodeURIComponent(id)}/cancel`),
    onSuccess: (j) => {
      qc.setQueryData(['rematch-jobs', id], j);
      void qc.invalidateQueries({ queryKey: ['rematch-jobs'] });
    },
  });
  if (job.isPending) return <LoadingState label="Loading the run…" rows={3} />;
  if (job.isError) return <ErrorState error={job.error} context="this re-match run" onRetry={() => void job.refetch()} />;
  const j = job.data;
  const pct = progressPercent(j.progress);
  const running = !JOB_FINISHED.has(j.status);
  const report = readRematchReport(j.report);
  const body = j.sourceId ? { source: j.sourceId } : { schema: j.schemaId };
  return (
    <Paper withBorder p="md" data-testid="rematch-job">
      <Group justify="space-between" mb="sm" wrap="wrap">
        <div>
          <Title order={2} fz="lg">
            {j.dryRun ? 'Dry run' : 'Re-match'} of {scopeName(j)}
          </Title>
          <Text size="xs" c="dimmed">
            <IdText id={j.id} /> · started <RelativeTime iso={j.startedAt ?? j.createdAt} />
            {j.finishedAt ? (
              <>
                {' '}
                · finished <RelativeTime iso={j.finishedAt} />
              </>
            ) : null}
          </Text>
        </div>
        <Badge size="lg" color={STATUS_COLORS[j.status]} variant="light" radius="sm" tt="none">
          {j.status}
        </Badge>
      </Group>
      {running && (
        <Stack gap={6} mb="md">
          <Text size="sm" role="status" aria-live="polite">
            {j.progress.phase || 'starting'}
            {j.progress.total > 0 ? ` — ${j.progress.done.toLocaleString('en-GB')} of ${j.progress.total.toLocaleString('en-GB')}` : '…'}
          </Text>
          <Progress value={pct ?? 100} animated striped={pct === null} aria-label="Re-match progress" />
          <Group>
            <Button color="red" variant="light" size="xs" onClick={() => cancel.mutate()} loading={cancel.isPending}>
              Cancel run
            </Button>
          </Group>
        </Stack>
      )}
      {j.status === 'failed' && (
        <Alert color="red" mb="md" title="The run failed">
          {j.error ?? 'No error message was recorded.'} Nothing after the failure was changed; start a new dry run when the cause is fixed.
        </Alert>
      )}
      {j.status === 'cancelled' && (
        <Alert color="orange" mb="md" title="Cancelled">
          {j.dryRun ? 'The dry run was stopped before it finished; nothing was changed.' : 'Changes applied before the cancel stay; each is in the merge history.'}
        </Alert>
      )}
      {report && <ReportView report={report} dryRun={j.dryRun} />}
      {j.status === 'succeeded' && j.dryRun && report && (
        <Group mt="md">
          <Button color="violet" onClick={() => setConfirm(true)} disabled={report.merges.count + report.splits.count + report.reviewTasks.count === 0}>
            Run for real…
          </Button>
          {report.merges.count + report.splits.count + report.reviewTasks.count === 0 && (
            <Text size="sm" c="dimmed">
              Nothing would change, so there is nothing to run.
            </Text>
          )}
        </Group>
      )}
      <Modal opened={confirm} onClose={() => setConfirm(false)} title="Apply this re-match?">
        <Text size="sm">
          This plans again with the data as it is now and applies it: about {report?.splits.count ?? 0} split(s), {report?.merges.count ?? 0} merge(s) and {report?.reviewTasks.count ?? 0} new review task(s). Every merge and split can be undone from the merge history.
        </Text>
        <Group justify="flex-end" mt="md">
          <Button variant="default" onClick={() => setConfirm(false)}>
            Cancel
          </Button>
          <Button
            color="violet"
            loading={starting}
            onClick={() => {
              setConfirm(false);
              onStart({ ...body, dryRun: false });
            }}
            data-autofocus
          >
            Apply re-match
          </Button>
        </Group>
      </Modal>
    </Paper>
  );
}

function Stat({ label, value, hint }: { label: string; value: number; hint?: string }) {
  return (
    <Paper withBorder p="sm">
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text fz={24} fw={650}>
        {value.toLocaleString('en-GB')}
      </Text>
      {hint && (
        <Text size="xs" c="dimmed">
          {hint}
        </Text>
      )}
    </Paper>
  );
}

function ReportView({ report: r, dryRun }: { report: RematchReport; dryRun: boolean }) {
  return (
    <Stack gap="sm">
      <Text size="sm" c="dimmed">
        {r.records.toLocaleString('en-GB')} records, {r.pairsScored.toLocaleString('en-GB')} pairs scored
        {r.thresholds ? ` (merge at ≥ ${formatProbability(r.thresholds.upper)}, review at ≥ ${formatProbability(r.thresholds.lower)})` : ''}.
      </Text>
      <SimpleGrid cols={{ base: 2, sm: 4 }} spacing="xs">
        <Stat label={dryRun ? 'Would merge' : 'Merges planned'} value={r.merges.count} hint={`${r.merges.customersAbsorbed} customers absorbed`} />
        <Stat label={dryRun ? 'Would split' : 'Splits planned'} value={r.splits.count} />
        <Stat label="Review tasks" value={r.reviewTasks.count} />
        <Stat label="Kept apart" value={r.notDuplicateHonoured} hint="confirmed not duplicates" />
      </SimpleGrid>
      {r.applied && (
        <Alert color="teal" title="Applied">
          {r.applied.merges} merges, {r.applied.splits} splits, {r.applied.reviewTasks} review tasks.
          {r.applied.skipped.length > 0 && ` ${r.applied.skipped.length} skipped (data changed meanwhile): ${r.applied.skipped.slice(0, 3).join('; ')}`}
        </Alert>
      )}
      <Examples title="Example merges" items={r.merges.examples} kind="merge" />
      <Examples title="Example splits" items={r.splits.examples} kind="split" />
      <Examples title="Example review tasks" items={r.reviewTasks.examples} kind="review" />
    </Stack>
  );
}

function Examples({ title, items, kind }: { title: string; items: RematchExample[]; kind: 'merge' | 'split' | 'review' }) {
  if (items.length === 0) return null;
  return (
    <Box>
      <Text size="sm" fw={600} mb={4}>
        {title}
      </Text>
      <Table aria-label={title}>
        <Table.Tbody>
          {items.map((e, i) => {
            const pair = e.pair ?? (e.a && e.b ? { a: e.a, b: e.b, probability: e.probability ?? 0 } : null);
            return (
              <Table.Tr key={i}>
                {kind === 'merge' && (
                  <Table.Td fz="sm">
                    {(e.customers ?? []).filter((c) => !c.startsWith('split:')).map((c, k) => (
                      <span key={c}>
                        {k > 0 && ' + '}
                        <CustomerLink id={c} />
                      </span>
                    ))}
                  </Table.Td>
                )}
                {kind === 'split' && (
                  <Table.Td fz="sm">
                    Record <IdText id={e.recordId ?? ''} /> out of <CustomerLink id={e.customerId ?? ''} />
                  </Table.Td>
                )}
                {kind === 'review' && pair && (
                  <Table.Td fz="sm">
                    <IdText id={pair.a} /> ↔ <IdText id={pair.b} />
                  </Table.Td>
                )}
                <Table.Td fz="sm" ta="right" w={110}>
                  {kind === 'split' ? (e.bestProbability == null ? 'no match' : `best ${formatProbability(e.bestProbability)}`) : pair ? formatProbability(pair.probability) : ''}
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Box>
  );
}
