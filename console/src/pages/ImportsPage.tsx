import { Alert, Anchor, Badge, Box, Button, Card, FileInput, Group, Paper, Progress, Select, SimpleGrid, Stack, Stepper, Table, Text, TextInput } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import { Link } from 'react-router-dom';
import { api, get } from '../api/client';
import { FINISHED_STATES, uploadImport } from '../api/imports';
import type { ImportJobView, Items, Page, QuarantineView, SchemaView, SchemaWithDefinition, SourceView } from '../api/types';
import { Empty, ErrorState, PageHeader, RelativeTime } from '../components/common';
import { DataTable } from '../components/DataTable';
import { mappingOverrides, previewText, targetLabel, type Preview } from '../lib/csv-preview';
import { describeError } from '../lib/errors';

const NEW_SOURCE = '__new__';

function jobColor(state: string): string {
  return state === 'completed' ? 'teal' : state === 'failed' ? 'red' : state === 'running' ? 'indigo' : state === 'queued' ? 'blue' : 'gray';
}

function useJob(id: string | null) {
  return useQuery({
    queryKey: ['imports', id],
    queryFn: ({ signal }) => get<ImportJobView>(`/imports/${id}`, undefined, signal),
    enabled: !!id,
    // Live progress: poll until the job finishes.
    refetchInterval: (q) => (q.state.data && FINISHED_STATES.has(q.state.data.state) ? false : 400),
  });
}

export default function ImportsPage() {
  const qc = useQueryClient();
  const [step, setStep] = useState(0);
  const [file, setFile] = useState<File | null>(null);
  const [preview, setPreview] = useState<Preview | null>(null);
  const [sourceChoice, setSourceChoice] = useState<string | null>(null);
  const [newSource, setNewSource] = useState('');
  const [newSchema, setNewSchema] = useState<string | null>(null);
  const [chosen, setChosen] = useState<Record<string, string>>({});
  const [keyColumn, setKeyColumn] = useState<string | null>(null);
  const [dryRunId, setDryRunId] = useState<string | null>(null);
  const [runId, setRunId] = useState<string | null>(null);

  const sources = useQuery({ queryKey: ['sources'], queryFn: ({ signal }) => get<Items<SourceView>>('/sources', undefined, signal) });
  const schemas = useQuery({ queryKey: ['schemas'], queryFn: ({ signal }) => get<Items<SchemaView>>('/schemas', undefined, signal) });
  const source = sources.data?.items.find((s) => s.id === sourceChoice);
  const schemaId = source?.schemaId ?? schemas.data?.items.find((s) => s.name === newSchema)?.id;
  const schema = useQuery({
    queryKey: ['schemas', schemaId],
    queryFn: ({ signal }) => get<SchemaWithDefinition>(`/schemas/${schemaId}`, undefined, signal),
    enabled: !!schemaId,
  });
  const dryRun = useJob(dryRunId);
  const run = useJob(runId);
  const sourceName = sourceChoice === NEW_SOURCE ? newSource.trim() : source?.name;

  useEffect(() => {
    if (!file) return setPreview(null);
    let cancelled = false;
    void file
      .slice(0, 256 * 1024)
      .text()
      .then((t) => !cancelled && setPreview(previewText(file.name, t)));
    return () => {
      cancelled = true;
    };
  }, [file]);

  const suggested = (dryRun.data?.detected?.mapping as Record<string, string> | undefined) ?? {};
  useEffect(() => {
    if (dryRun.data?.detected) {
      setChosen((c) => (Object.keys(c).length ? c : { ...(dryRun.data!.detected!.mapping as Record<string, string>) }));
      setKeyColumn((k) => k ?? ((dryRun.data!.detected!.keyColumn as string | null) ?? null));
    }
  }, [dryRun.data]);

  const options = (dry: boolean) => ({
    source: sourceName,
    schema: sourceChoice === NEW_SOURCE ? (newSchema ?? undefined) : undefined,
    dryRun: dry,
    map: Object.keys(mappingOverrides(suggested, chosen)).length ? JSON.stringify(mappingOverrides(suggested, chosen)) : undefined,
    key: keyColumn && keyColumn !== (dryRun.data?.detected?.keyColumn as string | undefined) ? keyColumn : undefined,
  });

  const check = useMutation({
    mutationFn: () => uploadImport(file!, options(true)),
    onSuccess: (job) => {
      setDryRunId(job.id);
      setStep(1);
    },
  });
  const start = useMutation({
    mutationFn: () => uploadImport(file!, { ...options(false), force: true }),
    onSuccess: (job) => {
      setRunId(job.id);
      setStep(2);
    },
  });
  const cancel = useMutation({ mutationFn: () => api('POST', `/imports/${runId}/cancel`) });

  useEffect(() => {
    if (run.data && FINISHED_STATES.has(run.data.state) && step === 2) {
      setStep(3);
      void qc.invalidateQueries({ queryKey: ['imports'] });
      void qc.invalidateQueries({ queryKey: ['quarantine'] });
      void qc.invalidateQueries({ queryKey: ['quality'] });
      void qc.invalidateQueries({ queryKey: ['customers'] });
    }
  }, [run.data, step, qc]);

  const reset = () => {
    setStep(0);
    setFile(null);
    setDryRunId(null);
    setRunId(null);
    setChosen({});
    setKeyColumn(null);
    check.reset();
    start.reset();
  };

  const canCheck = !!file && !!sourceName && (sourceChoice !== NEW_SOURCE || (!!newSchema && /^[a-z][a-z0-9_-]{0,62}$/.test(newSource.trim())));
  const attrOptions = useMemo(() => (schema.data?.definition.attributes ?? []).map((a) => ({ value: a.name, label: a.label ? `${a.name} — ${a.label}` : a.name })), [schema.data]);

  return (
    <Box>
      <PageHeader title="Imports" description="Load a CSV, TSV, JSON Lines or Excel file into a source. Custodian checks it first (nothing is written), you adjust the column mapping, then it loads with live progress. Rows that fail validation wait in the quarantine." />
      <Paper p="lg" mb="xl">
        <Stepper active={step} size="sm" allowNextStepsSelect={false} onStepClick={(s) => s < step && step < 2 && setStep(s)}>
          <Stepper.Step label="Upload" description="File and source">
            <Stack gap="md" mt="md">
              <SimpleGrid cols={{ base: 1, sm: 2 }}>
                <Select
                  label="Load into source"
                  placeholder="Choose a source"
                  data={[...(sources.data?.items ?? []).filter((s) => !s.archived).map((s) => ({ value: s.id, label: s.name })), { value: NEW_SOURCE, label: '+ A new source…' }]}
                  value={sourceChoice}
                  onChange={setSourceChoice}
                  required
                />
                <FileInput label="File" placeholder="Choose a .csv, .tsv, .jsonl or .xlsx file" accept=".csv,.tsv,.txt,.jsonl,.ndjson,.xlsx" value={file} onChange={setFile} clearable required data-testid="import-file" />
              </SimpleGrid>
              {sourceChoice === NEW_SOURCE && (
                <SimpleGrid cols={{ base: 1, sm: 2 }}>
                  <TextInput label="New source name" description="Lowercase letters, digits, - and _" value={newSource} onChange={(e) => setNewSource(e.currentTarget.value)} required />
                  <Select label="Schema of its records" data={(schemas.data?.items ?? []).map((s) => s.name)} value={newSchema} onChange={setNewSchema} required />
                </SimpleGrid>
              )}
              {preview && <PreviewTable preview={preview} />}
              {check.isError && <ErrorState error={check.error} context="the file check" />}
              <Group justify="flex-end">
                <Button onClick={() => check.mutate()} disabled={!canCheck} loading={check.isPending}>
                  Check the file
                </Button>
              </Group>
            </Stack>
          </Stepper.Step>

          <Stepper.Step label="Map & validate" description="Dry run, nothing written">
            <Stack gap="md" mt="md">
              {!dryRun.data || !FINISHED_STATES.has(dryRun.data.state) ? (
                <Group gap="sm">
                  <Progress value={(dryRun.data?.progress ?? 0) * 100} animated style={{ flex: 1 }} aria-label="Checking the file" />
                  <Text size="sm" c="dimmed">
                    Checking every row…
                  </Text>
                </Group>
              ) : dryRun.data.state !== 'completed' ? (
                <Alert color="red" title="The file could not be read">
                  {dryRun.data.error?.message ?? 'The check did not finish.'} Fix the file and upload it again.
                </Alert>
              ) : (
                <>
                  {preview && <PreviewTable preview={preview} />}
                  <MappingEditor headers={(dryRun.data.detected?.headers as string[] | undefined) ?? Object.keys(suggested)} suggested={suggested} chosen={chosen} onChange={setChosen} attrOptions={attrOptions} keyColumn={keyColumn} onKey={setKeyColumn} />
                  <DryRunReport job={dryRun.data} />
                  {start.isError && <ErrorState error={start.error} context="the import" />}
                  <Group justify="space-between">
                    <Button variant="default" onClick={() => check.mutate()} loading={check.isPending}>
                      Validate again with this mapping
                    </Button>
                    <Button onClick={() => start.mutate()} loading={start.isPending} data-testid="run-import">
                      Import {dryRun.data.counters.read.toLocaleString()} rows
                    </Button>
                  </Group>
                </>
              )}
            </Stack>
          </Stepper.Step>

          <Stepper.Step label="Import" description="Live progress">
            <Stack gap="sm" mt="md">
              <Group justify="space-between">
                <Text size="sm" fw={600}>
                  {run.data ? `${run.data.counters.read.toLocaleString()} rows read` : 'Starting…'}
                </Text>
                <Text size="sm" c="dimmed">
                  {run.data && run.data.rowsPerSecond > 0 && `${Math.round(run.data.rowsPerSecond).toLocaleString()} rows/s`}
                  {run.data?.etaSeconds ? ` · about ${Math.ceil(run.data.etaSeconds)} s left` : ''}
                </Text>
              </Group>
              <Progress value={(run.data?.progress ?? 0) * 100} size="xl" radius="md" animated aria-label="Import progress" data-testid="import-progress" />
              <Group justify="flex-end">
                <Button variant="default" color="red" onClick={() => cancel.mutate()} loading={cancel.isPending}>
                  Stop after the current batch
                </Button>
              </Group>
            </Stack>
          </Stepper.Step>

          <Stepper.Completed>{run.data && <ResultSummary job={run.data} onAnother={reset} />}</Stepper.Completed>
        </Stepper>
      </Paper>
      <RecentImports />
    </Box>
  );
}

function PreviewTable({ preview }: { preview: Preview }) {
  return (
    <Box>
      <Text size="sm" fw={600} mb={6}>
        First rows of the file
      </Text>
      <div className="cst-table-wrap">
        <Table.ScrollContainer minWidth={Math.max(480, preview.headers.length * 130)}>
          <Table aria-label="File preview" fz="xs" verticalSpacing={6}>
            <Table.Thead>
              <Table.Tr>
                {preview.headers.map((h) => (
                  <Table.Th key={h}>{h}</Table.Th>
                ))}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {preview.rows.map((r, i) => (
                <Table.Tr key={i}>
                  {preview.headers.map((_, j) => (
                    <Table.Td key={j} style={{ whiteSpace: 'nowrap', maxWidth: 220, overflow: 'hidden', textOverflow: 'ellipsis' }}>
                      {r[j] ?? ''}
                    </Table.Td>
                  ))}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </div>
      {preview.truncated && (
        <Text size="xs" c="dimmed" mt={4}>
          Showing the first {preview.rows.length} rows.
        </Text>
      )}
    </Box>
  );
}

function MappingEditor({ headers, suggested, chosen, onChange, attrOptions, keyColumn, onKey }: { headers: string[]; suggested: Record<string, string>; chosen: Record<string, string>; onChange: (m: Record<string, string>) => void; attrOptions: Array<{ value: string; label: string }>; keyColumn: string | null; onKey: (k: string | null) => void }) {
  return (
    <Box>
      <Group justify="space-between" mb={6} align="flex-end">
        <Text size="sm" fw={600}>
          Column mapping <Text span size="xs" c="dimmed" fw={400}>(suggested from the column names; change any you disagree with)</Text>
        </Text>
        <Select label="Source key column" size="xs" w={220} data={headers} value={keyColumn} onChange={onKey} allowDeselect={false} />
      </Group>
      <div className="cst-table-wrap">
        <Table aria-label="Column mapping">
          <Table.Thead>
            <Table.Tr>
              <Table.Th w="35%">Column in the file</Table.Th>
              <Table.Th>Attribute</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {headers.map((h) => {
              const current = (chosen[h] ?? suggested[h] ?? '').replace(/ \(key\)$/, '');
              const special = current === '(key)' || current.startsWith('extra:');
              return (
                <Table.Tr key={h}>
                  <Table.Td ff="monospace" fz="sm">
                    {h}
                    {h === keyColumn && (
                      <Badge ml={8} size="xs" variant="light" tt="none">
                        key
                      </Badge>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Select
                      aria-label={`Attribute for column ${h}`}
                      size="xs"
                      data={[...(special ? [{ value: current, label: targetLabel(current) }] : []), ...attrOptions]}
                      value={current || null}
                      onChange={(v) => v && onChange({ ...chosen, [h]: v })}
                      allowDeselect={false}
                      searchable
                    />
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      </div>
    </Box>
  );
}

function DryRunReport({ job }: { job: ImportJobView }) {
  const rows = useQuery({
    queryKey: ['quarantine', 'job', job.id],
    queryFn: ({ signal }) => get<Page<QuarantineView>>('/quarantine', { job: job.id, limit: 100 }, signal),
  });
  const c = job.counters;
  return (
    <Box data-testid="dry-run-report">
      <Text size="sm" fw={600} mb={6}>
        Validation report
      </Text>
      <SimpleGrid cols={{ base: 2, sm: 4 }} mb="sm">
        <Stat label="Rows read" value={c.read} />
        <Stat label="Would be created" value={c.created} color="teal" />
        <Stat label="Would be updated" value={c.updated + c.unchanged} />
        <Stat label="Would be rejected" value={c.rejected} color={c.rejected ? 'red' : undefined} />
      </SimpleGrid>
      {job.warnings.length > 0 && (
        <Alert color="yellow" variant="light" mb="sm" title="Warnings">
          {job.warnings.map((w) => (
            <Text size="sm" key={w}>
              {w}
            </Text>
          ))}
        </Alert>
      )}
      {c.rejected === 0 ? (
        <Alert color="teal" variant="light">
          Every row passes validation.
        </Alert>
      ) : rows.data ? (
        <DataTable
          label="Rows that would be rejected"
          rows={rows.data.items}
          rowKey={(r) => r.id}
          columns={[
            { key: 'line', header: 'Line', width: 70, cell: (r) => <Text size="sm">{r.line ?? r.row}</Text> },
            { key: 'key', header: 'Key', width: 130, cell: (r) => <Text size="sm" ff="monospace">{r.key ?? '—'}</Text> },
            { key: 'err', header: 'Problem', cell: (r) => <Text size="sm" c="red.8">{r.errors.map((e) => `${e.field.replace(/^\$/, '')}: ${e.message}`).join('; ')}</Text> },
          ]}
        />
      ) : null}
      {c.rejected > 0 && (
        <Text size="xs" c="dimmed" mt={6}>
          You can import anyway: rejected rows go to the quarantine, where you fix and resubmit them.
        </Text>
      )}
    </Box>
  );
}

function Stat({ label, value, color }: { label: string; value: number; color?: string }) {
  return (
    <Card p="sm">
      <Text size="xs" c="dimmed" fw={600} tt="uppercase">
        {label}
      </Text>
      <Text fz={24} fw={700} c={color}>
        {value.toLocaleString()}
      </Text>
    </Card>
  );
}

function ResultSummary({ job, onAnother }: { job: ImportJobView; onAnother: () => void }) {
  const c = job.counters;
  const took = job.startedAt && job.finishedAt ? (Date.parse(job.finishedAt) - Date.parse(job.startedAt)) / 1000 : null;
  return (
    <Stack gap="md" mt="md" data-testid="import-result">
      <Alert color={job.state === 'completed' ? (c.rejected ? 'yellow' : 'teal') : 'red'} variant="light" title={job.state === 'completed' ? (c.rejected ? `Imported; ${c.rejected} row${c.rejected === 1 ? ' needs' : 's need'} attention` : 'Import complete') : `Import ${job.state}`}>
        {job.state === 'completed'
          ? `${c.read.toLocaleString()} rows from ${job.fileName} into ${job.sourceName ?? 'the source'}${took !== null ? ` in ${took.toFixed(1)} s` : ''}.`
          : (job.error?.message ?? 'The import stopped. You can resume it from the list below.')}
      </Alert>
      <SimpleGrid cols={{ base: 2, sm: 4 }}>
        <Stat label="Created" value={c.created} color="teal" />
        <Stat label="Updated" value={c.updated} />
        <Stat label="Unchanged" value={c.unchanged} />
        <Stat label="Rejected" value={c.rejected} color={c.rejected ? 'red' : undefined} />
      </SimpleGrid>
      <Group justify="space-between">
        <Group gap="sm">
          {c.rejected > 0 && (
            <Button component={Link} to={`/quarantine?job=${job.id}`} color="red" variant="light">
              Fix {c.rejected} rejected row{c.rejected === 1 ? '' : 's'}
            </Button>
          )}
          {c.rejected > 0 && (
            <Anchor href={`/api/v1/imports/${job.id}/report.csv`} size="sm">
              Download the report (CSV)
            </Anchor>
          )}
        </Group>
        <Button variant="default" onClick={onAnother}>
          Import another file
        </Button>
      </Group>
    </Stack>
  );
}

function RecentImports() {
  const qc = useQueryClient();
  const jobs = useQuery({ queryKey: ['imports', 'list'], queryFn: ({ signal }) => get<Items<ImportJobView>>('/imports', { limit: 20 }, signal), refetchInterval: 5000 });
  const resume = useMutation({ mutationFn: (id: string) => api('POST', `/imports/${id}/resume`), onSettled: () => qc.invalidateQueries({ queryKey: ['imports'] }) });
  const real = (jobs.data?.items ?? []).filter((j) => !j.dryRun);
  return (
    <Box>
      <Text fw={650} fz={18} mb="sm">
        Recent imports
      </Text>
      {jobs.isError ? (
        <ErrorState error={jobs.error} context="recent imports" />
      ) : jobs.isPending ? null : real.length === 0 ? (
        <Paper p="lg">
          <Empty title="No imports yet" description="Files you import appear here with their counts and any rows that need fixing." />
        </Paper>
      ) : (
        <DataTable
          label="Recent imports"
          rows={real}
          rowKey={(j) => j.id}
          minWidth={760}
          columns={[
            { key: 'file', header: 'File', cell: (j) => <Text size="sm" fw={600} truncate maw={260}>{j.fileName}</Text> },
            { key: 'src', header: 'Source', width: 120, cell: (j) => <Text size="sm">{j.sourceName ?? '—'}</Text> },
            { key: 'state', header: 'State', width: 120, cell: (j) => <Badge color={jobColor(j.state)} variant="light" tt="none" radius="sm">{j.state}</Badge> },
            { key: 'rows', header: 'Rows', width: 210, cell: (j) => <Text size="sm">{j.counters.read.toLocaleString()} read · <Text span c={j.counters.rejected ? 'red.7' : 'dimmed'} size="sm">{j.counters.rejected} rejected</Text></Text> },
            { key: 'when', header: 'Started', width: 120, cell: (j) => <Text size="sm"><RelativeTime iso={j.createdAt} /></Text> },
            {
              key: 'act',
              header: <span className="sr-only">Actions</span>,
              width: 120,
              cell: (j) =>
                j.state === 'interrupted' || j.state === 'failed' || j.state === 'cancelled' ? (
                  <Button size="xs" variant="subtle" onClick={() => resume.mutate(j.id)}>
                    Resume
                  </Button>
                ) : j.counters.rejected > 0 && j.state === 'completed' ? (
                  <Anchor component={Link} to={`/quarantine?job=${j.id}`} size="sm">
                    Fix rows
                  </Anchor>
                ) : null,
            },
          ]}
        />
      )}
      {resume.isError && <Text c="red" size="sm">{describeError(resume.error).message}</Text>}
    </Box>
  );
}

