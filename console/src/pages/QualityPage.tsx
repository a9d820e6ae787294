import '@mantine/charts/styles.css';
import { LineChart } from '@mantine/charts';
import { Anchor, Badge, Box, Button, Card, Group, Paper, Progress, SegmentedControl, Select, SimpleGrid, Stack, Table, Text, Title, Tooltip, UnstyledButton } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { api, get } from '../api/client';
import type { Items, KpiView, ProfileView, QualityRecordView, SnapshotView, SourceView, StaleItemView } from '../api/types';
import { useSession } from '../auth/session';
import { Empty, ErrorState, LoadingState, PageHeader, RelativeTime } from '../components/common';
import { DataTable } from '../components/DataTable';
import { describeError } from '../lib/errors';
import { issueLabel, KPI_TILES, kpiFor, pct, tileTone, tileValue, trend, type KpiKey } from '../lib/kpis';
import { formatValue } from '../lib/values';
import { ConsentCoverageCard } from './quality/ConsentCoverageCard';

const TONE: Record<string, string> = { good: 'teal', warn: 'yellow', bad: 'red', neutral: 'indigo' };
const METRICS = [
  { value: 'quality', label: 'Quality' },
  { value: 'records', label: 'Records' },
];

export default function QualityPage() {
  const [params, setParams] = useSearchParams();
  const scope = params.get('source'); // null: overall
  const drill = params.get('kpi') as KpiKey | null;
  const [metric, setMetric] = useState('quality');
  const qc = useQueryClient();
  const { can } = useSession();
  const sources = useQuery({ queryKey: ['sources'], queryFn: ({ signal }) => get<Items<SourceView>>('/sources', undefined, signal) });
  const kpis = useQuery({
    queryKey: ['quality', 'kpis'],
    queryFn: ({ signal }) => get<{ live: KpiView[] | null; snapshots: SnapshotView[] }>('/quality/kpis', { live: 'true' }, signal),
    refetchInterval: 30_000,
  });
  const snapshot = useMutation({
    mutationFn: () => api('POST', '/quality/kpis/snapshot'),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ['quality'] });
      notifications.show({ color: 'teal', title: 'Snapshot taken', message: 'Today’s KPIs are stored; the trend charts include them.' });
    },
    onError: (err) => notifications.show({ color: 'red', title: describeError(err).title, message: describeError(err).message }),
  });
  const set = (k: string, v: string | null) => {
    const next = new URLSearchParams(params);
    if (v) next.set(k, v);
    else next.delete(k);
    setParams(next, { replace: true });
  };
  const live = kpiFor(kpis.data?.live, scope);
  const points = trend(kpis.data?.snapshots ?? [], live, scope);

  return (
    <Box>
      <PageHeader
        title="Data quality"
        description="How complete, valid, unique and fresh the customer data is — overall and per source, now and over time. Click a tile to see the records behind it."
        actions={
          <>
            <Select
              label="Scope"
              data={[{ value: '', label: 'All sources' }, ...(sources.data?.items ?? []).map((s) => ({ value: s.id, label: s.name }))]}
              value={scope ?? ''}
              onChange={(v) => set('source', v || null)}
              allowDeselect={false}
              w={200}
            />
            {can('records:write') && (
              <Button variant="default" onClick={() => snapshot.mutate()} loading={snapshot.isPending} mt={24}>
                Take a snapshot
              </Button>
            )}
          </>
        }
      />
      {kpis.isPending ? (
        <LoadingState label="Measuring quality…" />
      ) : kpis.isError ? (
        <ErrorState error={kpis.error} context="the quality KPIs" onRetry={() => void kpis.refetch()} />
      ) : !live || live.records === 0 ? (
        <Paper p="lg">
          <Empty title="No records to measure yet" description="Import a file or send records through the API; quality is measured as soon as there are records." action={<Button component={Link} to="/imports" variant="light">Import a file</Button>} />
        </Paper>
      ) : (
        <Stack gap="xl">
          <SimpleGrid cols={{ base: 2, sm: 3, lg: 5 }} spacing="md">
            {KPI_TILES.map((t) => {
              const tone = tileTone(live, t.key);
              return (
                <UnstyledButton key={t.key} onClick={() => set('kpi', drill === t.key ? null : t.key)} aria-pressed={drill === t.key} aria-label={`${t.label} ${tileValue(live, t.key)}: show the records behind it`} data-testid={`kpi-${t.key}`}>
                  <Card p="md" h="100%" style={{ borderColor: drill === t.key ? 'var(--mantine-color-indigo-5)' : undefined, borderWidth: drill === t.key ? 2 : 1 }}>
                    <Text size="xs" fw={600} c="dimmed" tt="uppercase" style={{ letterSpacing: 0.5 }}>
                      {t.label}
                    </Text>
                    <Text fz={28} fw={700} c={tone === 'neutral' ? undefined : `${TONE[tone]}.8`} data-testid={`kpi-${t.key}-value`}>
                      {tileValue(live, t.key)}
                    </Text>
                    <Text size="xs" c="dimmed">
                      {t.help}
                    </Text>
                  </Card>
                </UnstyledButton>
              );
            })}
          </SimpleGrid>

          {drill && <DrillDown kpi={drill} source={scope} live={live} onClose={() => set('kpi', null)} />}

          <Paper p="lg">
            <Group justify="space-between" mb="md">
              <Title order={2} fz={18}>
                Trend
              </Title>
              <SegmentedControl size="xs" data={METRICS} value={metric} onChange={setMetric} aria-label="Trend metric" />
            </Group>
            {points.length < 2 ? (
              <Text size="sm" c="dimmed" mb="sm">
                Only today’s values so far. Snapshots are taken after each import and daily{can('records:write') ? ', or now with “Take a snapshot”' : ''}; the trend fills in as they accumulate.
              </Text>
            ) : null}
            <LineChart
              h={240}
              data={points}
              dataKey="label"
              series={
                metric === 'records'
                  ? [{ name: 'records', label: 'Records', color: 'indigo.6' }]
                  : [
                      { name: 'completeness', label: 'Completeness %', color: 'indigo.6' },
                      { name: 'validity', label: 'Validity %', color: 'teal.6' },
                      { name: 'duplicates', label: 'Duplicate rate %', color: 'orange.6' },
                      { name: 'freshness', label: 'Freshness %', color: 'grape.6' },
                    ]
              }
              yAxisProps={metric === 'records' ? {} : { domain: [0, 100] }}
              withLegend
              curveType="linear"
              connectNulls
              withDots
            />
          </Paper>

          <ConsentCoverageCard />

          <Profile source={scope ?? sources.data?.items[0]?.id ?? null} sources={sources.data?.items ?? []} onPick={(id) => set('source', id)} />
        </Stack>
      )}
    </Box>
  );
}

function DrillDown({ kpi, source, live, onClose }: { kpi: KpiKey; source: string | null; live: KpiView; onClose: () => void }) {
  const tile = KPI_TILES.find((t) => t.key === kpi)!;
  const records = useQuery({
    queryKey: ['quality', 'records', kpi, source],
    queryFn: ({ signal }) => get<{ items: QualityRecordView[] }>('/quality/records', { source, limit: 100, ...(kpi === 'validity' ? { status: 'invalid' } : { maxScore: 99 }) }, signal),
    enabled: kpi === 'completeness' || kpi === 'validity',
  });
  const stale = useQuery({
    queryKey: ['quality', 'stale', source],
    queryFn: ({ signal }) => get<{ items: StaleItemView[]; total: number }>('/quality/stale', { source, limit: 100 }, signal),
    enabled: kpi === 'freshness',
  });
  const c = live.counts;
  return (
    <Paper p="lg" data-testid="kpi-drilldown">
      <Group justify="space-between" mb="sm">
        <Title order={2} fz={18}>
          Behind “{tile.label}”
        </Title>
        <Button size="xs" variant="subtle" onClick={onClose}>
          Close
        </Button>
      </Group>
      {kpi === 'records' && (
        <Text size="sm">
          {live.records.toLocaleString()} valid records. Rejected rows are not counted until they are fixed — see the <Anchor component={Link} to="/quarantine">quarantine</Anchor>.
        </Text>
      )}
      {kpi === 'uniqueness' && (
        <Text size="sm">
          {c.duplicates.toLocaleString()} of {live.records.toLocaleString()} records share their identity with another record (same e-mail, phone or name and birth date). Matching combines such records into one customer; open a customer to see its golden record and every source record behind it.
        </Text>
      )}
      {(kpi === 'completeness' || kpi === 'validity') &&
        (records.isPending ? (
          <LoadingState rows={3} />
        ) : records.isError ? (
          <ErrorState error={records.error} />
        ) : records.data.items.length === 0 ? (
          <Empty title="No records with issues" description={kpi === 'validity' ? 'Every assessed value passes its checks.' : 'Every record scores 100.'} />
        ) : (
          <>
            <Text size="sm" c="dimmed" mb="sm">
              {kpi === 'completeness' ? `${c.slotsFilled} of ${c.slots} important values are filled. Records with the lowest quality score first:` : `${c.invalid} invalid and ${c.suspect} suspect values. Records with an invalid value:`}
            </Text>
            <DataTable
              label="Records behind the KPI"
              rows={records.data.items}
              rowKey={(r) => r.recordId}
              columns={[
                { key: 'score', header: 'Score', width: 90, cell: (r) => <Badge color={r.score >= 80 ? 'teal' : r.score >= 50 ? 'yellow' : 'red'} variant="light">{r.score}</Badge> },
                { key: 'src', header: 'Source · key', width: 200, cell: (r) => <Text size="sm"><b>{r.sourceName}</b> · <Text span ff="monospace" size="sm">{r.sourceKey}</Text></Text> },
                { key: 'issues', header: 'Issues', cell: (r) => <Text size="sm">{r.issues.length ? r.issues.map(issueLabel).join(', ') : 'Missing values'}</Text> },
                { key: 'cust', header: 'Customer', width: 110, cell: (r) => (r.customerId ? <Anchor component={Link} to={`/customers/${r.customerId}`} size="sm">Open</Anchor> : null) },
              ]}
            />
          </>
        ))}
      {kpi === 'freshness' &&
        (stale.isPending ? (
          <LoadingState rows={3} />
        ) : stale.isError ? (
          <ErrorState error={stale.error} />
        ) : stale.data.items.length === 0 ? (
          <Empty title="Nothing out of date" description="Every value was verified within its freshness period." />
        ) : (
          <DataTable
            label="Values past their freshness period"
            rows={stale.data.items}
            rowKey={(r) => `${r.recordId}-${r.attribute}`}
            columns={[
              { key: 'src', header: 'Source · key', width: 200, cell: (r) => <Text size="sm"><b>{r.sourceName}</b> · {r.sourceKey}</Text> },
              { key: 'attr', header: 'Attribute', width: 140, cell: (r) => <Text size="sm">{r.attribute}</Text> },
              { key: 'ver', header: 'Last verified', width: 140, cell: (r) => <Text size="sm"><RelativeTime iso={r.verifiedAt} /></Text> },
              { key: 'since', header: 'Stale since', cell: (r) => <Text size="sm"><RelativeTime iso={r.staleSince} /> (every {r.freshnessMonths} months)</Text> },
            ]}
          />
        ))}
    </Paper>
  );
}

function Profile({ source, sources, onPick }: { source: string | null; sources: SourceView[]; onPick: (id: string) => void }) {
  const profile = useQuery({
    queryKey: ['quality', 'profile', source],
    queryFn: ({ signal }) => get<ProfileView>('/quality/profile', { source }, signal),
    enabled: !!source,
  });
  return (
    <Paper p="lg">
      <Group justify="space-between" mb="md" align="flex-end">
        <Box>
          <Title order={2} fz={18}>
            Attribute profile
          </Title>
          <Text size="xs" c="dimmed">
            {profile.data ? `${profile.data.sourceName}: ${profile.data.records.toLocaleString()} records, profiled ${new Date(profile.data.profiledAt).toLocaleTimeString()} in ${Math.round(profile.data.tookMs)} ms` : 'Per attribute: how often it is filled, how varied, how valid'}
          </Text>
        </Box>
        <Select label="Source" size="xs" data={sources.map((s) => ({ value: s.id, label: s.name }))} value={source} onChange={(v) => v && onPick(v)} allowDeselect={false} w={180} />
      </Group>
      {!source ? (
        <Empty title="No sources yet" />
      ) : profile.isPending ? (
        <LoadingState rows={5} />
      ) : profile.isError ? (
        <ErrorState error={profile.error} context="the profile" />
      ) : (
        <div className="cst-table-wrap">
          <Table.ScrollContainer minWidth={820}>
            <Table aria-label="Attribute profile" data-testid="profile-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th w={170}>Attribute</Table.Th>
                  <Table.Th w={170}>Filled</Table.Th>
                  <Table.Th w={90}>Distinct</Table.Th>
                  <Table.Th w={200}>Valid · suspect · invalid</Table.Th>
                  <Table.Th>Most common</Table.Th>
                  <Table.Th w={150}>Formats</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {profile.data.attributes.map((a) => {
                  const assessed = a.status.valid + a.status.suspect + a.status.invalid;
                  return (
                    <Table.Tr key={a.attribute}>
                      <Table.Td>
                        <Text size="sm" fw={600} ff="monospace">
                          {a.attribute}
                        </Text>
                        <Text size="xs" c="dimmed">
                          {a.type}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <Group gap={8} wrap="nowrap">
                          <Progress value={a.fillRate * 100} w={80} color={a.fillRate >= 0.95 ? 'teal' : a.fillRate >= 0.7 ? 'yellow' : 'red'} aria-label={`${a.attribute} filled ${pct(a.fillRate)}`} />
                          <Text size="sm">{pct(a.fillRate, 0)}</Text>
                        </Group>
                      </Table.Td>
                      <Table.Td fz="sm">{a.distinct.toLocaleString()}</Table.Td>
                      <Table.Td>
                        {assessed === 0 ? (
                          <Text size="xs" c="dimmed">not assessed</Text>
                        ) : (
                          <Tooltip label={`${a.status.valid} valid, ${a.status.suspect} suspect, ${a.status.invalid} invalid`}>
                            <Progress.Root size="lg" w={170} aria-label={`${a.attribute}: ${a.status.valid} valid, ${a.status.suspect} suspect, ${a.status.invalid} invalid`}>
                              <Progress.Section value={(a.status.valid / assessed) * 100} color="teal" />
                              <Progress.Section value={(a.status.suspect / assessed) * 100} color="yellow" />
                              <Progress.Section value={(a.status.invalid / assessed) * 100} color="red" />
                            </Progress.Root>
                          </Tooltip>
                        )}
                      </Table.Td>
                      <Table.Td>
                        {a.masked ? (
                          <Text size="xs" c="dimmed">hidden for your role</Text>
                        ) : (
                          <Text size="xs" lineClamp={2}>
                            {a.topValues.slice(0, 3).map((t) => `${formatValue(t.value)} (${t.count})`).join(', ') || '—'}
                          </Text>
                        )}
                      </Table.Td>
                      <Table.Td>
                        <Text size="xs" ff="monospace" lineClamp={2}>
                          {a.patterns.slice(0, 2).map((p) => p.pattern).join('  ') || '—'}
                        </Text>
                      </Table.Td>
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </div>
      )}
    </Paper>
  );
}

