import { Anchor, Badge, Box, Button, Code, Group, Paper, Select, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useInfiniteQuery, useQueries, useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { get } from '../../api/client';
import type { MergeView } from '../../api/golden';
import type { Page, RecordView } from '../../api/types';
import { useSession } from '../../auth/session';
import { Empty, ErrorState, IdText, LoadMore, LoadingState, PageHeader, RelativeTime } from '../../components/common';
import { DataTable } from '../../components/DataTable';
import { comparisonLabel, formatProbability, formatWeight, levelLabel } from '../../lib/explanation';
import { mergeListQuery, mergeTitle, readEvidence, type MergeListFilters } from '../../lib/golden-ops';
import { ActorName, CustomerLink, HowBadge, MergeStateBadge, UnmergeButton } from './merge-parts';

const filtersFrom = (p: URLSearchParams): MergeListFilters => ({
  kind: (['merge', 'split'].includes(p.get('kind') ?? '') ? p.get('kind') : '') as MergeListFilters['kind'],
  how: (['automatic', 'manual'].includes(p.get('how') ?? '') ? p.get('how') : '') as MergeListFilters['how'],
  state: (['active', 'undone'].includes(p.get('state') ?? '') ? p.get('state') : '') as MergeListFilters['state'],
  customer: p.get('customer') ?? '',
  since: p.get('since') ?? '',
});

export default function MergeHistoryPage() {
  const { id } = useParams();
  return id ? <MergeDetail key={id} id={id} /> : <MergeList />;
}

function MergeList() {
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const filters = useMemo(() => filtersFrom(params), [params]);
  const [customer, setCustomer] = useState(filters.customer);
  const query = mergeListQuery(filters);
  const list = useInfiniteQuery({
    queryKey: ['merges', 'list', query],
    queryFn: ({ pageParam, signal }) => get<Page<MergeView>>('/merges', { ...query, cursor: pageParam, limit: 50 }, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const rows = list.data?.pages.flatMap((p) => p.items) ?? [];
  const set = (f: Partial<MergeListFilters>) => {
    const next = { ...filters, ...f };
    setParams(Object.fromEntries(Object.entries(next).filter(([, v]) => v !== '')), { replace: true });
  };
  const filtered = Object.values(filters).some((v) => v !== '');

  return (
    <Box>
      <PageHeader
        eyebrow="Stewardship"
        title="Merge history"
        description="Every merge and split: who did it, when, why, and the evidence. Open one to see what it changed and undo it with unmerge."
      />
      <Paper p="sm" withBorder mb="md">
        <Group gap="md" align="flex-end" wrap="wrap">
          <Select label="Kind" w={140} data={[{ value: '', label: 'All' }, { value: 'merge', label: 'Merges' }, { value: 'split', label: 'Splits' }]} value={filters.kind} allowDeselect={false} onChange={(v) => set({ kind: (v ?? '') as MergeListFilters['kind'] })} />
          <Select label="Made by" w={160} data={[{ value: '', label: 'Anyone' }, { value: 'manual', label: 'A steward' }, { value: 'automatic', label: 'Automatic' }]} value={filters.how} allowDeselect={false} onChange={(v) => set({ how: (v ?? '') as MergeListFilters['how'] })} />
          <Select label="State" w={150} data={[{ value: '', label: 'Any' }, { value: 'active', label: 'In effect' }, { value: 'undone', label: 'Undone' }]} value={filters.state} allowDeselect={false} onChange={(v) => set({ state: (v ?? '') as MergeListFilters['state'] })} />
          <form
            onSubmit={(e) => {
              e.preventDefault();
              set({ customer: customer.trim() });
            }}
          >
            <TextInput label="Customer id" placeholder="cus_…" w={200} value={customer} onChange={(e) => setCustomer(e.currentTarget.value)} onBlur={() => customer.trim() !== filters.customer && set({ customer: customer.trim() })} />
          </form>
          <TextInput label="Since" type="date" w={160} value={filters.since} onChange={(e) => set({ since: e.currentTarget.value })} />
          {filtered && (
            <Button
              variant="subtle"
              onClick={() => {
                setCustomer('');
                setParams({}, { replace: true });
              }}
            >
              Clear filters
            </Button>
          )}
        </Group>
      </Paper>

      {list.isPending ? (
        <LoadingState label="Loading merges…" />
      ) : list.isError ? (
        <ErrorState error={list.error} context="the merge history" onRetry={() => void list.refetch()} />
      ) : rows.length === 0 ? (
        <Paper p="lg">
          {filtered ? (
            <Empty title="No merges match these filters" description="Change or clear the filters to see more." action={<Button variant="default" onClick={() => setParams({}, { replace: true })}>Clear filters</Button>} />
          ) : (
            <Empty title="No merges yet" description="Merges appear here when a steward matches a review task, merges customers by hand, or a re-match combines duplicates." action={<Button component={Link} to="/review" variant="default">Open the review queue</Button>} />
          )}
        </Paper>
      ) : (
        <>
          <DataTable
            label="Merges and splits"
            testId="merge-table"
            rows={rows}
            rowKey={(m) => m.id}
            minWidth={720}
            onOpen={(m) => navigate(`/merges/${m.id}`)}
            rowLabel={(m) => `${mergeTitle(m)}, ${m.reason ?? 'no reason given'}`}
            columns={[
              { key: 'when', header: 'When', width: 130, cellProps: { fz: 'sm' }, cell: (m) => <RelativeTime iso={m.createdAt} /> },
              {
                key: 'what',
                header: 'What',
                cell: (m) => (
                  <Group gap={6} wrap="nowrap">
                    <Badge variant="light" color={m.kind === 'split' ? 'cyan' : 'violet'} radius="sm" tt="none">
                      {m.kind}
                    </Badge>
                    <Text size="sm">{mergeTitle(m)}</Text>
                  </Group>
                ),
              },
              { key: 'into', header: 'Into', width: 180, cell: (m) => <CustomerLink id={m.intoCustomerId} /> },
              {
                key: 'who',
                header: 'Who',
                width: 140,
                cell: (m) => (
                  <Group gap={4} wrap="nowrap">
                    <HowBadge automatic={m.automatic} />
                    {!m.automatic && <ActorName id={m.actorId} />}
                  </Group>
                ),
              },
              {
                key: 'why',
                header: 'Why',
                cell: (m) => (
                  <Text size="sm" lineClamp={2} c={m.reason ? undefined : 'dimmed'}>
                    {m.reason ?? '—'}
                  </Text>
                ),
              },
              { key: 'state', header: 'State', width: 100, cell: (m) => <MergeStateBadge m={m} /> },
            ]}
          />
          <LoadMore list={list} />
        </>
      )}
    </Box>
  );
}

function MergeDetail({ id }: { id: string }) {
  const { can } = useSession();
  const merge = useQuery({ queryKey: ['merges', id], queryFn: ({ signal }) => get<MergeView>(`/merges/${encodeURIComponent(id)}`, undefined, signal) });
  const recordIds = merge.data?.recordIds.slice(0, 50) ?? [];
  const records = useQueries({
    queries: recordIds.map((rid) => ({ queryKey: ['records', rid], queryFn: ({ signal }: { signal: AbortSignal }) => get<RecordView>(`/records/${encodeURIComponent(rid)}`, undefined, signal), staleTime: 30_000, retry: false })),
  });
  if (merge.isPending) return <LoadingState label="Loading the merge…" />;
  if (merge.isError) {
    return (
      <Stack>
        <Anchor component={Link} to="/merges">
          ← All merges
        </Anchor>
        <ErrorState error={merge.error} context="this merge" onRetry={() => void merge.refetch()} />
      </Stack>
    );
  }
  const m = merge.data;
  const ev = readEvidence(m.evidence);
  return (
    <Box>
      <Anchor component={Link} to="/merges" size="sm">
        ← All merges
      </Anchor>
      <PageHeader
        eyebrow={m.kind === 'split' ? 'Split' : 'Merge'}
        title={mergeTitle(m)}
        description={
          <>
            <RelativeTime iso={m.createdAt} /> · <HowBadge automatic={m.automatic} /> {!m.automatic && <ActorName id={m.actorId} />} · <IdText id={m.id} />
          </>
        }
        actions={
          <Group gap="sm">
            <MergeStateBadge m={m} />
            {can('golden:merge') && <UnmergeButton merge={m} onDone={() => void merge.refetch()} />}
          </Group>
        }
      />
      {m.undoneAt && (
        <Paper withBorder p="sm" mb="md" bg="gray.0">
          <Text size="sm">
            Undone <RelativeTime iso={m.undoneAt} /> by <ActorName id={m.undoneBy} />
            {m.undoReason ? `: ${m.undoReason}` : '.'}
          </Text>
        </Paper>
      )}
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
        <Paper withBorder p="md">
          <Title order={2} fz="md" mb="sm">
            State before
          </Title>
          <Stack gap="xs">
            <Text size="sm">
              {m.kind === 'split' ? 'Customer split:' : 'Surviving customer:'} <CustomerLink id={m.kind === 'split' ? (m.fromCustomerIds[0] ?? m.intoCustomerId) : m.intoCustomerId} />
            </Text>
            {m.kind === 'merge' && (
              <Text size="sm" component="div">
                Absorbed (then active, now marked merged until undone):{' '}
                {m.fromCustomerIds.map((c, i) => (
                  <span key={c}>
                    {i > 0 && ', '}
                    <CustomerLink id={c} />
                  </span>
                ))}
              </Text>
            )}
            {m.kind === 'split' && (
              <Text size="sm">
                New customer: <CustomerLink id={m.intoCustomerId} />
              </Text>
            )}
            <Text size="sm" fw={600} mt="xs">
              Records moved ({m.recordIds.length})
            </Text>
            <Table aria-label="Records moved">
              <Table.Tbody>
                {recordIds.map((rid, i) => {
                  const r = records[i]?.data;
                  return (
                    <Table.Tr key={rid}>
                      <Table.Td>
                        {r ? (
                          <Badge variant="light" tt="none" radius="sm">
                            {r.sourceName ?? r.sourceId}
                          </Badge>
                        ) : null}
                      </Table.Td>
                      <Table.Td ff="monospace" fz="sm">
                        {r?.sourceKey ?? <IdText id={rid} />}
                      </Table.Td>
                      <Table.Td fz="sm">{r?.customerId ? <CustomerLink id={r.customerId} /> : null}</Table.Td>
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            </Table>
            {m.recordIds.length > recordIds.length && <Text size="xs" c="dimmed">…and {m.recordIds.length - recordIds.length} more.</Text>}
          </Stack>
        </Paper>
        <Paper withBorder p="md">
          <Title order={2} fz="md" mb="sm">
            Why: evidence
          </Title>
          <Stack gap="xs">
            <Text size="sm">{m.reason ?? <Text span c="dimmed">No reason was given.</Text>}</Text>
            {ev.source === 'review' && (
              <Text size="sm">
                From review task <Anchor component={Link} to={`/review/${ev.taskId}`}>{ev.taskId}</Anchor>
                {ev.probability !== undefined ? ` (engine score ${formatProbability(ev.probability)})` : ''}.
              </Text>
            )}
            {ev.source === 'rematch' && (
              <Text size="sm">
                From re-match job <Code>{ev.jobId}</Code>
                {ev.probability !== undefined ? `; strongest pair scored ${formatProbability(ev.probability)}` : ''}.
              </Text>
            )}
            {ev.source === 'manual' && <Text size="sm" c="dimmed">Merged by hand; no engine evidence was attached.</Text>}
            {ev.terms.length > 0 && (
              <Table aria-label="Evidence per attribute">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Comparison</Table.Th>
                    <Table.Th>Level</Table.Th>
                    <Table.Th ta="right">Weight</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {ev.terms.map((t) => (
                    <Table.Tr key={t.comparison}>
                      <Table.Td fz="sm">{comparisonLabel(t.comparison)}</Table.Td>
                      <Table.Td fz="sm">{levelLabel(t.level)}</Table.Td>
                      <Table.Td fz="sm" ta="right" ff="monospace">
                        {t.contribution === null ? '—' : formatWeight(t.contribution)}
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            )}
            {ev.source === 'unknown' && (
              <Code block style={{ whiteSpace: 'pre-wrap' }}>
                {JSON.stringify(ev.raw, null, 2)}
              </Code>
            )}
          </Stack>
        </Paper>
      </SimpleGrid>
    </Box>
  );
}
