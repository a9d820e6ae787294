import { Alert, Anchor, Badge, Box, Button, Checkbox, Group, Kbd, Modal, Paper, Progress, RangeSlider, SegmentedControl, Select, SimpleGrid, Stack, Table, Text, Textarea, Title, Tooltip, VisuallyHidden } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { api, get } from '../../api/client';
import type { Decision, DecisionResult, TaskCounts, TaskView } from '../../api/golden';
import type { Items, Page, RecordView, SchemaView, SchemaWithDefinition, SourceView, UserView } from '../../api/types';
import { useMe, useSession } from '../../auth/session';
import { Empty, ErrorState, IdText, LoadMore, LoadingState, PageHeader, RelativeTime, StatusBadge, ValueText } from '../../components/common';
import { DataTable } from '../../components/DataTable';
import { CheckIcon } from '../../components/icons';
import { describeError } from '../../lib/errors';
import {
  comparedAttributes,
  comparisonLabel,
  DEFAULT_REVIEW_FILTERS,
  explanationRows,
  explanationSummary,
  filtersFromParams,
  filtersToParams,
  formatBayesFactor,
  formatProbability,
  formatWeight,
  levelLabel,
  recordTitle,
  reviewQuery,
  sameValue,
  scoreBand,
  type ReviewFilters,
  type Tone,
} from '../../lib/explanation';
import { isTypingTarget, nextAfterDecision, REVIEW_SHORTCUTS, reviewActionFor, stepTask } from '../../lib/review-keys';
import { attributeLabel, isMasked } from '../../lib/values';

const STATUS_LABELS: Record<string, string> = { open: 'Open', match: 'Matched', not_match: 'Not a match', skipped: 'Skipped', superseded: 'Superseded' };
const DECISION_LABELS: Record<Decision, string> = { match: 'Match', not_match: 'Not a match', skip: 'Skip' };
const TONE_COLORS: Record<Tone, string> = { agree: 'teal', partial: 'yellow', disagree: 'red', missing: 'gray' };
const BAND_COLORS = { strong: 'teal', borderline: 'yellow', weak: 'gray' } as const;

function useTaskList(filters: ReviewFilters) {
  const query = reviewQuery(filters);
  return useInfiniteQuery({
    queryKey: ['review-tasks', 'list', query],
    queryFn: ({ pageParam, signal }) => get<Page<TaskView>>('/review-tasks', { ...query, cursor: pageParam, limit: 50 }, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

export default function ReviewQueuePage() {
  const { id } = useParams();
  const [params] = useSearchParams();
  const filters = useMemo(() => filtersFromParams(params), [params]);
  // Tasks decided in this visit: the list may still hold them until it refetches, and "next" must skip them.
  const decided = useRef(new Set<string>());
  return id ? <TaskDetail key={id} id={id} filters={filters} decided={decided.current} /> : <Queue filters={filters} decided={decided.current} />;
}

function ShortcutHint({ list }: { list?: boolean }) {
  if (list) {
    return (
      <Text size="xs" c="dimmed">
        Shortcuts: <Kbd size="xs">j</Kbd>/<Kbd size="xs">k</Kbd> move · <Kbd size="xs">Enter</Kbd> open · <Kbd size="xs">x</Kbd> select for a bulk decision · in a task <Kbd size="xs">m</Kbd> match, <Kbd size="xs">n</Kbd> not a match, <Kbd size="xs">s</Kbd> skip · <Kbd size="xs">?</Kbd> all
      </Text>
    );
  }
  return (
    <Text size="xs" c="dimmed">
      Shortcuts: <Kbd size="xs">m</Kbd> match · <Kbd size="xs">n</Kbd> not a match · <Kbd size="xs">s</Kbd> skip · <Kbd size="xs">j</Kbd>/<Kbd size="xs">k</Kbd> next/previous · <Kbd size="xs">?</Kbd> all
    </Text>
  );
}

function ShortcutHelp({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  return (
    <Modal opened={opened} onClose={onClose} title="Keyboard shortcuts" size="sm">
      <Table>
        <Table.Tbody>
          {REVIEW_SHORTCUTS.map((s) => (
            <Table.Tr key={s.key}>
              <Table.Td w={60}>
                <Kbd>{s.key}</Kbd>
              </Table.Td>
              <Table.Td>{s.label}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Text size="sm" mt="sm">
        In the queue list: <Kbd>j</Kbd>/<Kbd>k</Kbd> move between tasks, <Kbd>Enter</Kbd> opens one, <Kbd>x</Kbd> selects it for a bulk decision.
      </Text>
      <Text size="xs" c="dimmed" mt="sm">
        Shortcuts do nothing while you type in a field (for example the note).
      </Text>
    </Modal>
  );
}

// ---------------------------------------------------------------- queue

function Queue({ filters, decided }: { filters: ReviewFilters; decided: Set<string> }) {
  const navigate = useNavigate();
  const qc = useQueryClient();
  const [params, setParams] = useSearchParams();
  const { can } = useSession();
  const me = useMe();
  const counts = useQuery({ queryKey: ['review-tasks', 'counts'], queryFn: ({ signal }) => get<TaskCounts>('/review-tasks/counts', undefined, signal) });
  const schemas = useQuery({ queryKey: ['schemas'], queryFn: ({ signal }) => get<Items<SchemaView>>('/schemas', undefined, signal), staleTime: 60_000 });
  const sources = useQuery({ queryKey: ['sources'], queryFn: ({ signal }) => get<Items<SourceView>>('/sources', undefined, signal), staleTime: 60_000 });
  const users = useQuery({ queryKey: ['users'], queryFn: ({ signal }) => get<Items<UserView>>('/users', undefined, signal), enabled: can('users:manage'), staleTime: 5 * 60_000 });
  const list = useTaskList(filters);
  const tasks = useMemo(() => (list.data?.pages.flatMap((p) => p.items) ?? []).filter((t) => filters.status !== 'open' || !decided.has(t.id)), [list.data, filters.status, decided]);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [confirm, setConfirm] = useState<Decision | null>(null);
  const [score, setScore] = useState<[number, number]>(filters.score);
  const [help, setHelp] = useState(false);
  const [active, setActive] = useState<string | null>(null);
  useEffect(() => setScore(filters.score), [filters.score]);
  useEffect(() => setSelected(new Set()), [params]);

  const setFilters = (f: Partial<ReviewFilters>) => setParams(filtersToParams({ ...filters, ...f }), { replace: true });
  const sourceName = (sid: string) => sources.data?.items.find((s) => s.id === sid)?.name ?? sid;
  const userName = (uid: string | null) => (!uid ? null : uid === me.id ? 'you' : (users.data?.items.find((u) => u.id === uid)?.displayName ?? uid));
  const open = (tid: string) => navigate({ pathname: `/review/${tid}`, search: params.toString() });

  const bulk = useMutation({
    mutationFn: (decision: Decision) => api<Items<DecisionResult>>('POST', '/review-tasks/decisions', { body: { taskIds: [...selected], decision } }),
    onSuccess: (res, decision) => {
      const failed = res.items.filter((r) => r.error);
      for (const r of res.items) if (!r.error) decided.add(r.taskId);
      setSelected(new Set());
      setConfirm(null);
      void qc.invalidateQueries({ queryKey: ['review-tasks'] });
      void qc.invalidateQueries({ queryKey: ['customers'] });
      notifications.show({
        color: failed.length ? 'orange' : 'teal',
        title: `${res.items.length - failed.length} task${res.items.length - failed.length === 1 ? '' : 's'}: ${DECISION_LABELS[decision].toLowerCase()}`,
        message: failed.length ? `${failed.length} could not be decided: ${failed[0]!.error}` : 'Done. The queue is up to date.',
      });
    },
  });

  // j/k move through the rows, Enter opens (the row's own handler), x selects, ? help.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'x' && active && !e.ctrlKey && !e.metaKey && !e.altKey && !isTypingTarget(e.target) && !confirm && !help) {
        setSelected((s) => toggle(s, active));
        return;
      }
      const a = reviewActionFor(e, !!confirm || help);
      if (a === 'help') setHelp((h) => !h);
      if (a === 'next' || a === 'prev') {
        e.preventDefault();
        const next = stepTask(tasks.map((t) => t.id), active, a === 'next' ? 1 : -1);
        if (next) {
          setActive(next);
          document.querySelector<HTMLElement>(`[data-task-row="${next}"]`)?.focus();
        }
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [tasks, active, confirm, help]);

  const byStatus = counts.data?.byStatus ?? {};
  const allSelected = tasks.length > 0 && tasks.every((t) => selected.has(t.id));

  return (
    <Box>
      <PageHeader
        eyebrow="Stewardship"
        title="Review queue"
        description="Pairs of records the matcher was unsure about. Open one to compare both records and the engine's reasoning, then decide: match merges the two customers, not a match is remembered and never suggested again."
      />
      <Stack gap="sm" mb="md">
        <SegmentedControl
          aria-label="Task state"
          value={filters.status}
          onChange={(v) => setFilters({ status: v })}
          data={Object.entries(STATUS_LABELS).map(([value, label]) => ({ value, label: `${label}${byStatus[value] !== undefined ? ` (${byStatus[value]})` : ''}` }))}
          style={{ maxWidth: '100%', overflowX: 'auto' }}
        />
        <Paper p="sm" withBorder>
          <Group gap="md" align="flex-end" wrap="wrap">
            <Select label="Schema" placeholder="All schemas" clearable w={180} data={(schemas.data?.items ?? []).map((s) => ({ value: s.id, label: s.name }))} value={filters.schema} onChange={(v) => setFilters({ schema: v })} />
            <Select label="Source" placeholder="All sources" clearable w={180} data={(sources.data?.items ?? []).map((s) => ({ value: s.id, label: s.name }))} value={filters.source} onChange={(v) => setFilters({ source: v })} />
            <Select
              label="Age"
              w={160}
              allowDeselect={false}
              data={[
                { value: 'any', label: 'Any age' },
                { value: 'lt1h', label: 'Under 1 hour' },
                { value: 'lt24h', label: 'Under 24 hours' },
                { value: 'lt7d', label: 'Under 7 days' },
                { value: 'gt7d', label: 'Older than 7 days' },
              ]}
              value={filters.age}
              onChange={(v) => setFilters({ age: (v ?? 'any') as ReviewFilters['age'] })}
            />
            <Select
              label="Assignee"
              placeholder="Anyone"
              clearable
              w={180}
              data={[{ value: me.id ?? '', label: 'Me' }, ...(users.data?.items ?? []).filter((u) => u.id !== me.id && u.roles.some((r) => r === 'steward' || r === 'admin')).map((u) => ({ value: u.id, label: u.displayName }))].filter((o) => o.value)}
              value={filters.assignee}
              onChange={(v) => setFilters({ assignee: v })}
            />
            <Box w={220}>
              <Text size="sm" fw={500} mb={6} id="score-label">
                Score {score[0]}–{score[1]}%
              </Text>
              <RangeSlider aria-labelledby="score-label" min={0} max={100} step={5} minRange={5} value={score} onChange={setScore} onChangeEnd={(v) => setFilters({ score: v })} label={(v) => `${v}%`} thumbFromLabel="Minimum score" thumbToLabel="Maximum score" />
            </Box>
            {params.toString() !== '' && (
              <Button variant="subtle" onClick={() => setParams(filtersToParams(DEFAULT_REVIEW_FILTERS), { replace: true })}>
                Clear filters
              </Button>
            )}
          </Group>
        </Paper>
        <ShortcutHint list />
      </Stack>

      {selected.size > 0 && filters.status === 'open' && (
        <Paper p="sm" mb="sm" withBorder role="region" aria-label="Bulk decision">
          <Group justify="space-between" wrap="wrap">
            <Text size="sm" fw={600}>
              {selected.size} selected
            </Text>
            <Group gap="xs">
              <Button size="xs" color="teal" onClick={() => setConfirm('match')}>
                Match all
              </Button>
              <Button size="xs" color="red" variant="light" onClick={() => setConfirm('not_match')}>
                Not a match
              </Button>
              <Button size="xs" variant="default" onClick={() => bulk.mutate('skip')} loading={bulk.isPending && bulk.variables === 'skip'}>
                Skip
              </Button>
              <Button size="xs" variant="subtle" onClick={() => setSelected(new Set())}>
                Clear
              </Button>
            </Group>
          </Group>
        </Paper>
      )}

      {list.isPending ? (
        <LoadingState label="Loading review tasks…" />
      ) : list.isError ? (
        <ErrorState error={list.error} context="the review queue" onRetry={() => void list.refetch()} />
      ) : tasks.length === 0 ? (
        <Paper p="lg">
          {filters.status === 'open' && params.toString() === '' ? (
            <Empty title="Nothing to review" description="No suspected duplicates are waiting. New ones appear when arriving records score between the schema's lower and upper thresholds, or after a re-match." icon={<CheckIcon size={22} />} />
          ) : (
            <Empty title="No tasks match these filters" description="Widen the score range or age, pick another state, or clear the filters." action={<Button variant="default" onClick={() => setParams({}, { replace: true })}>Clear filters</Button>} />
          )}
        </Paper>
      ) : (
        <>
          <DataTable
            label="Review tasks"
            testId="review-table"
            highlightOnHover
            rows={tasks}
            rowKey={(t) => t.id}
            minWidth={340}
            onOpen={(t) => open(t.id)}
            rowLabel={(t) => `Review ${taskLabel(t)}`}
            rowProps={(t) => ({ 'data-task-row': t.id, 'aria-selected': selected.has(t.id), onFocus: () => setActive(t.id) })}
            columns={[
              ...(filters.status === 'open'
                ? [
                    {
                      key: 'select',
                      header: <Checkbox aria-label="Select all tasks" checked={allSelected} indeterminate={selected.size > 0 && !allSelected} onChange={() => setSelected(allSelected ? new Set() : new Set(tasks.map((t) => t.id)))} />,
                      width: 36,
                      cell: (t: TaskView) => <Checkbox aria-label={`Select ${taskLabel(t)}`} checked={selected.has(t.id)} onChange={() => setSelected((s) => toggle(s, t.id))} />,
                    },
                  ]
                : []),
              {
                key: 'score',
                header: 'Score',
                width: 90,
                cell: (t) => (
                  <Badge color={BAND_COLORS[scoreBand(t.probability)]} variant="light" radius="sm">
                    {formatProbability(t.probability)}
                  </Badge>
                ),
              },
              {
                key: 'records',
                header: 'Records',
                cell: (t) => (
                  <>
                    <Text size="sm" fw={600}>
                      {recordTitle(t.candidate)} <Text span c="dimmed" fw={400}>↔</Text> {recordTitle(t.record)}
                    </Text>
                    {filters.status !== 'open' && <StatusBadge status={STATUS_LABELS[t.status]?.toLowerCase() ?? t.status} size="xs" />}
                  </>
                ),
              },
              { key: 'sources', header: 'Sources', visibleFrom: 'sm', cellProps: { fz: 'sm' }, cell: (t) => `${t.candidate?.sourceName ?? sourceName(t.candidate?.sourceId ?? '')} · ${t.record?.sourceName ?? sourceName(t.sourceId)}` },
              { key: 'age', header: 'Age', visibleFrom: 'sm', width: 120, cellProps: { fz: 'sm' }, cell: (t) => <RelativeTime iso={t.createdAt} /> },
              { key: 'assignee', header: 'Assignee', visibleFrom: 'md', width: 120, cellProps: { fz: 'sm' }, cell: (t) => userName(t.assignedTo) ?? <Text span c="dimmed" size="sm">—</Text> },
            ]}
          />
          <LoadMore list={list} />
        </>
      )}

      <Modal opened={confirm !== null} onClose={() => setConfirm(null)} title={confirm === 'match' ? `Merge ${selected.size} pairs?` : `Mark ${selected.size} pairs as not a match?`}>
        <Text size="sm">
          {confirm === 'match'
            ? 'Each pair’s two customers become one (the existing candidate survives). Every merge can be undone from the merge history.'
            : 'These record pairs will never be suggested or merged automatically again, until someone removes the decision.'}
        </Text>
        {bulk.isError && (
          <Alert color="red" mt="sm" role="alert">
            {describeError(bulk.error).message}
          </Alert>
        )}
        <Group justify="flex-end" mt="md">
          <Button variant="default" onClick={() => setConfirm(null)}>
            Cancel
          </Button>
          <Button color={confirm === 'match' ? 'teal' : 'red'} loading={bulk.isPending} onClick={() => confirm && bulk.mutate(confirm)} data-autofocus>
            {confirm ? DECISION_LABELS[confirm] : ''} {selected.size}
          </Button>
        </Group>
      </Modal>
      <ShortcutHelp opened={help} onClose={() => setHelp(false)} />
    </Box>
  );
}

/** How a task's row and checkbox are named for screen readers (and the end-to-end tests). */
function taskLabel(t: TaskView): string {
  return `${recordTitle(t.candidate)} and ${recordTitle(t.record)}, ${formatProbability(t.probability)}`;
}

function toggle(s: Set<string>, id: string): Set<string> {
  const n = new Set(s);
  if (n.has(id)) n.delete(id);
  else n.add(id);
  return n;
}

// ---------------------------------------------------------------- one task

function TaskDetail({ id, filters, decided }: { id: string; filters: ReviewFilters; decided: Set<string> }) {
  const navigate = useNavigate();
  const qc = useQueryClient();
  const [params] = useSearchParams();
  const me = useMe();
  const { can } = useSession();
  const task = useQuery({ queryKey: ['review-tasks', id], queryFn: ({ signal }) => get<TaskView>(`/review-tasks/${encodeURIComponent(id)}`, undefined, signal) });
  const list = useTaskList(filters);
  const ids = useMemo(() => (list.data?.pages.flatMap((p) => p.items) ?? []).map((t) => t.id).filter((t) => t === id || !decided.has(t)), [list.data, decided, id]);
  const schema = useQuery({
    queryKey: ['schemas', task.data?.schemaId],
    queryFn: ({ signal }) => get<SchemaWithDefinition>(`/schemas/${task.data!.schemaId}`, undefined, signal),
    enabled: !!task.data,
    staleTime: 5 * 60_000,
  });
  const users = useQuery({ queryKey: ['users'], queryFn: ({ signal }) => get<Items<UserView>>('/users', undefined, signal), enabled: can('users:manage'), staleTime: 5 * 60_000 });
  const [note, setNote] = useState('');
  const [help, setHelp] = useState(false);
  const search = params.toString();
  const goTo = useCallback((tid: string | null) => navigate(tid ? { pathname: `/review/${tid}`, search } : { pathname: '/review', search }), [navigate, search]);

  const decide = useMutation({
    mutationFn: (decision: Decision) => api<DecisionResult>('POST', `/review-tasks/${encodeURIComponent(id)}/decision`, { body: { decision, ...(note.trim() ? { note: note.trim() } : {}) } }),
    onSuccess: (_res, decision) => {
      decided.add(id);
      void qc.invalidateQueries({ queryKey: ['review-tasks'] });
      if (decision !== 'skip') void qc.invalidateQueries({ queryKey: ['customers'] });
      notifications.show({
        color: decision === 'match' ? 'teal' : decision === 'not_match' ? 'red' : 'gray',
        title: decision === 'match' ? 'Merged' : decision === 'not_match' ? 'Marked as not a match' : 'Skipped',
        message: decision === 'match' ? 'The two customers are now one. Undo it from the merge history if needed.' : decision === 'not_match' ? 'This pair will not be suggested again.' : 'The task stays in the queue for later.',
      });
      const next = nextAfterDecision(ids, id, decided);
      if (!next) notifications.show({ color: 'teal', title: 'Queue done', message: 'No more tasks match your filters.' });
      goTo(next);
    },
  });
  const assign = useMutation({
    mutationFn: (assignee: string | null) => api<TaskView>('PUT', `/review-tasks/${encodeURIComponent(id)}/assignee`, { body: { assignee } }),
    onSuccess: (t) => {
      qc.setQueryData(['review-tasks', id], t);
      void qc.invalidateQueries({ queryKey: ['review-tasks', 'list'] });
    },
  });

  const t = task.data;
  const isOpen = t?.status === 'open';
  const busy = decide.isPending;

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const a = reviewActionFor(e, help);
      if (!a) return;
      if (a === 'help') return setHelp((h) => !h);
      if (help) return;
      e.preventDefault();
      if (a === 'next' || a === 'prev') {
        const n = stepTask(ids, id, a === 'next' ? 1 : -1);
        if (n && n !== id) goTo(n);
      } else if (a === 'back') goTo(null);
      else if (a === 'assign_me') {
        if (isOpen && me.id && !assign.isPending) assign.mutate(me.id);
      } else if (isOpen && !busy) decide.mutate(a);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [ids, id, goTo, help, isOpen, busy, decide, assign, me.id]);

  if (task.isPending) return <LoadingState label="Loading the task…" />;
  if (task.isError) {
    return (
      <Stack>
        <Anchor component={Link} to={{ pathname: '/review', search }}>
          ← Back to the queue
        </Anchor>
        <ErrorState error={task.error} context="this review task" onRetry={() => void task.refetch()} />
      </Stack>
    );
  }
  const task_ = t!;
  const pos = ids.indexOf(id);
  const attrs = schema.data?.definition.attributes ?? [];
  const labelOf = (name: string) => attributeLabel(name, attrs.find((a) => a.name === name)?.label);
  const rows = comparedAttributes(
    attrs.map((a) => a.name),
    task_.candidate?.values ?? task_.candidate?.raw,
    task_.record?.values ?? task_.record?.raw,
  );
  const assignee = task_.assignedTo === me.id ? 'you' : (users.data?.items.find((u) => u.id === task_.assignedTo)?.displayName ?? task_.assignedTo);

  return (
    <Box pb={80}>
      <Group justify="space-between" mb="xs" wrap="wrap">
        <Anchor component={Link} to={{ pathname: '/review', search }} size="sm">
          ← Back to the queue
        </Anchor>
        <Group gap="xs">
          <Text size="sm" c="dimmed">
            {pos >= 0 ? `Task ${pos + 1} of ${ids.length}${list.hasNextPage ? '+' : ''}` : ''}
          </Text>
          <Button size="xs" variant="default" onClick={() => goTo(stepTask(ids, id, -1))} disabled={pos <= 0} aria-keyshortcuts="k">
            Previous <Kbd size="xs" ml={6}>k</Kbd>
          </Button>
          <Button size="xs" variant="default" onClick={() => goTo(stepTask(ids, id, 1))} disabled={pos < 0 || pos >= ids.length - 1} aria-keyshortcuts="j">
            Next <Kbd size="xs" ml={6}>j</Kbd>
          </Button>
        </Group>
      </Group>
      <PageHeader
        eyebrow="Review task"
        title={
          <>
            {recordTitle(task_.candidate)} <Text span c="dimmed" inherit fw={400}>↔</Text> {recordTitle(task_.record)}
          </>
        }
        description={explanationSummary(task_.explanation, task_.probability)}
        actions={
          <Stack gap={4} align="flex-end">
            <Badge size="lg" color={BAND_COLORS[scoreBand(task_.probability)]} variant="light" radius="sm" tt="none" data-testid="task-probability">
              {formatProbability(task_.probability)} match
            </Badge>
            <Text size="xs" c="dimmed">
              Created <RelativeTime iso={task_.createdAt} />
            </Text>
          </Stack>
        }
      />

      {!isOpen && (
        <Alert color="gray" mb="md" title={`Already decided: ${STATUS_LABELS[task_.status]?.toLowerCase() ?? task_.status}`}>
          <Text size="sm">
            {task_.decidedAt ? <>Decided <RelativeTime iso={task_.decidedAt} />. </> : null}
            {task_.mergeId ? (
              <Anchor component={Link} to={`/merges/${task_.mergeId}`}>
                Open the merge
              </Anchor>
            ) : null}
            {task_.note ? ` Note: ${task_.note}` : ''}
          </Text>
        </Alert>
      )}

      <Paper withBorder p="sm" mb="md" className="cst-review-actions" style={{ position: 'sticky', bottom: 0, zIndex: 5 }}>
        <Stack gap="xs">
          <Group gap="xs" wrap="wrap">
            <Button color="teal" onClick={() => decide.mutate('match')} disabled={!isOpen} loading={busy && decide.variables === 'match'} aria-keyshortcuts="m">
              Match <Kbd size="xs" ml={8}>m</Kbd>
            </Button>
            <Button color="red" variant="light" onClick={() => decide.mutate('not_match')} disabled={!isOpen} loading={busy && decide.variables === 'not_match'} aria-keyshortcuts="n">
              Not a match <Kbd size="xs" ml={8}>n</Kbd>
            </Button>
            <Button variant="default" onClick={() => decide.mutate('skip')} disabled={!isOpen} loading={busy && decide.variables === 'skip'} aria-keyshortcuts="s">
              Skip <Kbd size="xs" ml={8}>s</Kbd>
            </Button>
            <Box style={{ flex: 1 }} />
            <Group gap={6} wrap="nowrap">
              <Text size="sm" c="dimmed">
                Assigned: {assignee ?? 'nobody'}
              </Text>
              {users.data ? (
                <Select
                  aria-label="Assign to a steward"
                  size="xs"
                  w={170}
                  placeholder="Assign to…"
                  clearable
                  disabled={!isOpen}
                  data={users.data.items.filter((u) => !u.disabled && u.roles.some((r) => r === 'steward' || r === 'admin')).map((u) => ({ value: u.id, label: u.id === me.id ? `${u.displayName} (me)` : u.displayName }))}
                  value={task_.assignedTo}
                  onChange={(v) => assign.mutate(v)}
                />
              ) : task_.assignedTo === me.id ? (
                <Button size="xs" variant="subtle" onClick={() => assign.mutate(null)} disabled={!isOpen} loading={assign.isPending}>
                  Unassign
                </Button>
              ) : (
                <Button size="xs" variant="subtle" onClick={() => me.id && assign.mutate(me.id)} disabled={!isOpen || !me.id} loading={assign.isPending} aria-keyshortcuts="a">
                  Assign to me <Kbd size="xs" ml={6}>a</Kbd>
                </Button>
              )}
            </Group>
          </Group>
          <ShortcutHint />
          {(decide.isError || assign.isError) && (
            <Alert color="red" role="alert" title={describeError(decide.error ?? assign.error).title}>
              {describeError(decide.error ?? assign.error).message}
            </Alert>
          )}
        </Stack>
      </Paper>

      <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="md">
        <Box>
          <Title order={2} fz="lg" mb="xs">
            The two records
          </Title>
          <div className="cst-table-wrap">
            <Table.ScrollContainer minWidth={320}>
              <Table aria-label="Both records side by side" data-testid="side-by-side" layout="fixed">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th w="26%">Attribute</Table.Th>
                    <Table.Th>Existing</Table.Th>
                    <Table.Th>Arriving</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  <Table.Tr>
                    <Table.Td fz="sm" c="dimmed">
                      Source record
                    </Table.Td>
                    <Table.Td>
                      <RecordHead r={task_.candidate} />
                    </Table.Td>
                    <Table.Td>
                      <RecordHead r={task_.record} />
                    </Table.Td>
                  </Table.Tr>
                  {rows.map((name) => {
                    const a = (task_.candidate?.values ?? task_.candidate?.raw ?? {})[name];
                    const b = (task_.record?.values ?? task_.record?.raw ?? {})[name];
                    const same = sameValue(a, b);
                    const differ = !same && a != null && b != null;
                    return (
                      <Table.Tr key={name} data-same={same ? 'true' : 'false'}>
                        <Table.Td fw={500} fz="sm">
                          {labelOf(name)}
                          {same && (
                            <>
                              {' '}
                              <Text span c="teal" aria-hidden>
                                ✓
                              </Text>
                              <VisuallyHidden>same in both</VisuallyHidden>
                            </>
                          )}
                        </Table.Td>
                        <Table.Td bg={differ ? 'var(--mantine-color-yellow-0)' : undefined}>
                          <ValueText value={a} masked={isMasked(task_.candidate?.masked, name)} />
                        </Table.Td>
                        <Table.Td bg={differ ? 'var(--mantine-color-yellow-0)' : undefined}>
                          <ValueText value={b} masked={isMasked(task_.record?.masked, name)} />
                        </Table.Td>
                      </Table.Tr>
                    );
                  })}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          </div>
        </Box>
        <Box>
          <Title order={2} fz="lg" mb="xs">
            Why the engine scored it {formatProbability(task_.probability)}
          </Title>
          <ExplanationTable task={task_} />
        </Box>
      </SimpleGrid>

      <Textarea mt="md" label="Note (optional)" description="Saved with your decision, e.g. why these are or are not the same person." maxLength={2000} autosize minRows={2} value={note} onChange={(e) => setNote(e.currentTarget.value)} disabled={!isOpen} />
      <ShortcutHelp opened={help} onClose={() => setHelp(false)} />
    </Box>
  );
}

function RecordHead({ r }: { r: RecordView | null }) {
  if (!r) {
    return (
      <Text size="xs" c="dimmed">
        Deleted, or outside your business areas.
      </Text>
    );
  }
  return (
    <Stack gap={2} align="flex-start">
      <Group gap={6} wrap="wrap">
        <Badge variant="light" tt="none" radius="sm">
          {r.sourceName ?? r.sourceId}
        </Badge>
        <Text ff="monospace" size="sm">
          {r.sourceKey}
        </Text>
      </Group>
      {r.customerId && (
        <Anchor component={Link} to={`/customers/${r.customerId}`} size="xs">
          Open customer
        </Anchor>
      )}
    </Stack>
  );
}

function ExplanationTable({ task }: { task: TaskView }) {
  const rows = explanationRows(task.explanation);
  if (rows.length === 0) {
    return <Empty compact title="No per-attribute explanation" description="This task was created without the engine's breakdown (for example by an older re-match). Compare the records above." />;
  }
  const ex = task.explanation;
  return (
    <>
      <div className="cst-table-wrap">
        <Table.ScrollContainer minWidth={440}>
          <Table aria-label="Match explanation per attribute" data-testid="explanation" horizontalSpacing="xs">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Comparison</Table.Th>
                <Table.Th>Level</Table.Th>
                <Table.Th ta="right">
                  <Tooltip label="log2 of how much likelier this level is for a match than for a non-match (m/u), plus the term-frequency adjustment" withArrow multiline w={260}>
                    <span tabIndex={0}>Weight</span>
                  </Tooltip>
                </Table.Th>
                <Table.Th ta="right">
                  <Tooltip label="Bayes factor, 2^weight: the odds of a match multiply by this" withArrow>
                    <abbr title="Bayes factor" tabIndex={0} style={{ textDecoration: 'none' }}>
                      BF
                    </abbr>
                  </Tooltip>
                </Table.Th>
                <Table.Th w={80}>Effect</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((r) => (
                <Table.Tr key={r.comparison}>
                  <Table.Td fz="sm" fw={500}>
                    {comparisonLabel(r.comparison)}
                  </Table.Td>
                  <Table.Td>
                    <Group gap={6} wrap="nowrap" align="center">
                      <Box w={8} h={8} style={{ borderRadius: 4, flex: 'none', background: `var(--mantine-color-${TONE_COLORS[r.tone]}-6)` }} aria-hidden />
                      <Text size="sm">{levelLabel(r.level)}</Text>
                    </Group>
                  </Table.Td>
                  <Table.Td ta="right" ff="monospace" fz="sm">
                    {formatWeight(r.contribution)}
                    {r.tfAdjustment !== 0 && (
                      <Text size="xs" c="dimmed" title="Term-frequency adjustment: common values count less, rare ones more">
                        tf {formatWeight(r.tfAdjustment)}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td ta="right" ff="monospace" fz="sm">
                    {formatBayesFactor(r.contribution)}
                  </Table.Td>
                  <Table.Td>
                    <Progress value={r.strength * 100} color={r.contribution >= 0 ? 'teal' : 'red'} size="sm" aria-label={`${comparisonLabel(r.comparison)}: ${r.contribution >= 0 ? 'for' : 'against'} a match`} />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </div>
      <Text size="sm" c="dimmed" mt="xs">
        Prior {formatWeight(ex.priorWeight ?? 0)} + attributes = weight {formatWeight(ex.weight ?? 0)} → probability <b>{formatProbability(ex.probability ?? task.probability)}</b>
      </Text>
      <Group gap={4} mt={4}>
        <Text size="xs" c="dimmed">
          Task <IdText id={task.id} />
        </Text>
      </Group>
    </>
  );
}
