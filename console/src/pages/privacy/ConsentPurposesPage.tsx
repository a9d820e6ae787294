// Consent purposes and channels: what customers are asked to agree to, the notice text of every version, and
// how many customers currently have a valid consent (coverage).
import { Anchor, Badge, Box, Button, Card, Grid, Group, Modal, MultiSelect, NumberInput, Paper, Progress, Stack, Switch, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { api, get } from '../../api/client';
import { useUserName } from '../../api/users';
import type { ChannelView, Coverage, PurposeDetail, PurposeView } from '../../api/privacy';
import { useSession } from '../../auth/session';
import { Empty, ErrorState, LoadingState, PageHeader, RelativeTime } from '../../components/common';
import { DataTable } from '../../components/DataTable';
import { diffWords, noticeTimeline, shareText } from '../../lib/privacy';
import { channelNamer, dateText, notifyDone, notifyError, useChannels, usePurposes } from './privacy-ui';

export default function ConsentPurposesPage() {
  const { id } = useParams();
  return id ? <PurposeDetailView id={id} /> : <PurposeList />;
}

function useCoverage() {
  return useQuery({ queryKey: ['consent', 'coverage'], queryFn: ({ signal }) => get<Coverage>('/consent/coverage', undefined, signal), staleTime: 60_000, retry: false });
}

function invalidateConsent(qc: ReturnType<typeof useQueryClient>): void {
  void qc.invalidateQueries({ queryKey: ['consent'] });
}

// ---- list ----

function PurposeList() {
  const { can } = useSession();
  const admin = can('consent:admin');
  const navigate = useNavigate();
  const [showArchived, setShowArchived] = useState(false);
  const [creating, setCreating] = useState(false);
  const purposes = usePurposes(true);
  const channels = useChannels();
  const coverage = useCoverage();
  const channelName = channelNamer(channels.data?.items);
  const coverageOf = new Map((coverage.data?.purposes ?? []).map((p) => [p.purpose, p]));
  const items = (purposes.data?.items ?? []).filter((p) => showArchived || p.archivedAt === null);
  const archivedCount = (purposes.data?.items ?? []).filter((p) => p.archivedAt !== null).length;

  let body;
  if (purposes.isPending) body = <LoadingState label="Loading purposes…" />;
  else if (purposes.isError) body = <ErrorState error={purposes.error} context="consent purposes" onRetry={() => void purposes.refetch()} />;
  else if (items.length === 0)
    body = (
      <Empty
        title="No consent purposes yet"
        description={admin ? 'A purpose is something you ask customers to agree to, such as a newsletter by e-mail. Define one with the notice text customers will see.' : 'An administrator defines the purposes customers are asked to agree to.'}
        action={admin && <Button onClick={() => setCreating(true)}>Define a purpose</Button>}
      />
    );
  else
    body = (
      <DataTable
        label="Consent purposes"
        rows={items}
        rowKey={(p) => p.id}
        minWidth={700}
        onOpen={(p) => navigate(`/consent/${p.key}`)}
        rowLabel={(p) => `Open purpose ${p.name}`}
        columns={[
          {
            key: 'name',
            header: 'Purpose',
            cell: (p) => (
              <Box>
                <Group gap={6}>
                  <Text size="sm" fw={600}>
                    {p.name}
                  </Text>
                  {p.archivedAt && (
                    <Badge size="xs" color="gray" variant="outline" tt="none">
                      archived
                    </Badge>
                  )}
                </Group>
                <Text size="xs" c="dimmed" ff="monospace">
                  {p.key}
                </Text>
              </Box>
            ),
          },
          { key: 'channels', header: 'Channels', width: 170, cell: (p) => <Text size="sm">{p.channels.map(channelName).join(', ') || '—'}</Text> },
          { key: 'validity', header: 'Valid for', width: 100, cell: (p) => <Text size="sm">{p.defaultValidityMonths ? `${p.defaultValidityMonths} months` : 'until withdrawn'}</Text> },
          { key: 'notice', header: 'Notice', width: 80, cell: (p) => <Text size="sm">v{p.currentNoticeVersion}</Text> },
          { key: 'coverage', header: 'Consented', width: 170, cell: (p) => <CoverageBar c={coverageOf.get(p.key)} loading={coverage.isPending} /> },
        ]}
      />
    );

  return (
    <Box>
      <PageHeader
        title="Consent purposes"
        description="What customers are asked to agree to, on which channels, and the exact notice text they saw. Notice texts are versioned: a change is a new version, and every consent keeps the version it was given under."
        actions={admin && <Button onClick={() => setCreating(true)}>Define a purpose</Button>}
      />
      <Grid gap="lg">
        <Grid.Col span={{ base: 12, lg: 9 }}>
          <Stack>
            {body}
            {archivedCount > 0 && <Switch label={`Show archived purposes (${archivedCount})`} checked={showArchived} onChange={(e) => setShowArchived(e.currentTarget.checked)} />}
            {coverage.data && (
              <Text size="xs" c="dimmed">
                Consented: share of the {coverage.data.customers.toLocaleString('en-GB')} active customers whose consent is valid now, measured <RelativeTime iso={coverage.data.computedAt} />.
              </Text>
            )}
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 3 }}>
          <Channels channels={channels.data?.items} error={channels.error} admin={admin} />
        </Grid.Col>
      </Grid>
      <Modal opened={creating} onClose={() => setCreating(false)} title={<Text fw={650}>Define a purpose</Text>} size="lg">
        {creating && <PurposeForm onDone={(key) => {
              setCreating(false);
              if (key) void navigate(`/consent/${key}`);
            }} />}
      </Modal>
    </Box>
  );
}

function CoverageBar({ c, loading }: { c: Coverage['purposes'][number] | undefined; loading: boolean }) {
  if (!c) return <Text size="xs" c="dimmed">{loading ? '…' : '—'}</Text>;
  return (
    <Box>
      <Group justify="space-between" gap={4}>
        <Text size="sm" fw={600}>
          {shareText(c.share)}
        </Text>
        <Text size="xs" c="dimmed">
          {c.consented.toLocaleString('en-GB')} {c.consented === 1 ? 'customer' : 'customers'}
        </Text>
      </Group>
      <Progress value={(c.share ?? 0) * 100} size="sm" color="teal" aria-label={`${shareText(c.share)} of customers have consented`} />
    </Box>
  );
}

function Channels({ channels, error, admin }: { channels: ChannelView[] | undefined; error: unknown; admin: boolean }) {
  const qc = useQueryClient();
  const [f, setF] = useState({ key: '', name: '' });
  const add = useMutation({
    mutationFn: () => api<ChannelView>('POST', '/consent/channels', { body: f }),
    onSuccess: (c) => {
      invalidateConsent(qc);
      setF({ key: '', name: '' });
      notifyDone('Channel added', `${c.name} can now be used in purposes.`);
    },
    onError: (err) => notifyError(err, 'the channel'),
  });
  return (
    <Card>
      <Text fw={600}>Channels</Text>
      <Text size="xs" c="dimmed" mb="sm">
        The ways a customer can be contacted. Consent is given per purpose and channel.
      </Text>
      {error ? (
        <ErrorState error={error} context="channels" />
      ) : !channels ? (
        <LoadingState rows={3} label="Loading channels…" />
      ) : (
        <Stack gap={4} role="list" aria-label="Channels">
          {channels.map((c) => (
            <Group key={c.key} justify="space-between" role="listitem">
              <Text size="sm">{c.name}</Text>
              <Text size="xs" c="dimmed" ff="monospace">
                {c.key}
              </Text>
            </Group>
          ))}
        </Stack>
      )}
      {admin && (
        <Stack
          component="form"
          gap="xs"
          mt="md"
          onSubmit={(e) => {
            e.preventDefault();
            add.mutate();
          }}
        >
          <Text size="sm" fw={600}>
            Add a channel
          </Text>
          <Group grow align="flex-start">
            <TextInput size="xs" label="Key (a-z, 0-9, _)" placeholder="whatsapp" value={f.key} onChange={(e) => setF({ ...f, key: e.currentTarget.value })} />
            <TextInput size="xs" label="Name" placeholder="WhatsApp" value={f.name} onChange={(e) => setF({ ...f, name: e.currentTarget.value })} />
          </Group>
          <Group justify="flex-end">
            <Button size="xs" type="submit" variant="light" loading={add.isPending} disabled={!f.key || !f.name}>
              Add channel
            </Button>
          </Group>
        </Stack>
      )}
    </Card>
  );
}

// ---- create / edit ----

function PurposeForm({ purpose, onDone }: { purpose?: PurposeView; onDone: (key?: string) => void }) {
  const qc = useQueryClient();
  const channels = useChannels();
  const [f, setF] = useState({
    key: purpose?.key ?? '',
    name: purpose?.name ?? '',
    description: purpose?.description ?? '',
    noticeText: '',
    channels: purpose?.channels ?? ['email'],
    months: (purpose?.defaultValidityMonths ?? '') as number | string,
    archived: !!purpose?.archivedAt,
  });
  const save = useMutation({
    mutationFn: () => {
      const months = f.months === '' ? null : Number(f.months);
      if (purpose)
        return api<PurposeView>('PATCH', `/consent/purposes/${encodeURIComponent(purpose.key)}`, {
          body: { name: f.name, description: f.description || null, channels: f.channels, defaultValidityMonths: months, archived: f.archived },
        });
      return api<PurposeView>('POST', '/consent/purposes', { body: { key: f.key, name: f.name, ...(f.description ? { description: f.description } : {}), noticeText: f.noticeText, channels: f.channels, defaultValidityMonths: months } });
    },
    onSuccess: (p) => {
      invalidateConsent(qc);
      notifyDone(purpose ? 'Purpose saved' : 'Purpose defined', purpose ? `${p.name} is updated.` : `${p.name} can now be asked for.`);
      onDone(p.key);
    },
    onError: (err) => notifyError(err, 'the purpose'),
  });
  return (
    <Stack
      component="form"
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate();
      }}
    >
      {!purpose && <TextInput label="Key" required description="Used by integrations, cannot change later: lowercase letters, digits and _" placeholder="email_newsletter" value={f.key} onChange={(e) => setF({ ...f, key: e.currentTarget.value })} />}
      <TextInput label="Name" required placeholder="Newsletter" value={f.name} maxLength={200} onChange={(e) => setF({ ...f, name: e.currentTarget.value })} />
      <Textarea label="Description (for staff)" value={f.description} maxLength={2000} autosize minRows={1} onChange={(e) => setF({ ...f, description: e.currentTarget.value })} />
      {!purpose && (
        <Textarea label="Notice text shown to customers" required description="Plain language: what you will send, how often, how to stop it." value={f.noticeText} maxLength={20000} autosize minRows={4} onChange={(e) => setF({ ...f, noticeText: e.currentTarget.value })} />
      )}
      <MultiSelect label="Channels asked for" data={(channels.data?.items ?? []).map((c) => ({ value: c.key, label: c.name }))} value={f.channels} onChange={(v) => setF({ ...f, channels: v })} />
      <NumberInput label="Consent valid for (months)" description="Empty: until the customer withdraws" min={1} max={600} value={f.months} onChange={(v) => setF({ ...f, months: v })} />
      {purpose && <Switch label="Archived (no longer asked; existing consents stay on record)" checked={f.archived} onChange={(e) => setF({ ...f, archived: e.currentTarget.checked })} />}
      <Group justify="flex-end">
        <Button variant="default" onClick={() => onDone()}>
          Cancel
        </Button>
        <Button type="submit" loading={save.isPending} disabled={!f.name || (!purpose && (!f.key || !f.noticeText))}>
          {purpose ? 'Save' : 'Define purpose'}
        </Button>
      </Group>
    </Stack>
  );
}

// ---- one purpose ----

function PurposeDetailView({ id }: { id: string }) {
  const { can } = useSession();
  const admin = can('consent:admin');
  const qc = useQueryClient();
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState<string | null>(null);
  const purpose = useQuery({ queryKey: ['consent', 'purposes', 'one', id], queryFn: ({ signal }) => get<PurposeDetail>(`/consent/purposes/${encodeURIComponent(id)}`, undefined, signal) });
  const channels = useChannels();
  const coverage = useCoverage();
  const channelName = channelNamer(channels.data?.items);
  const publish = useMutation({
    mutationFn: (text: string) => api<PurposeView>('PATCH', `/consent/purposes/${encodeURIComponent(id)}`, { body: { noticeText: text } }),
    onSuccess: (p) => {
      invalidateConsent(qc);
      setDraft(null);
      notifyDone('New notice version published', `Version ${p.currentNoticeVersion} is shown to customers from now on; earlier consents keep their version.`);
    },
    onError: (err) => notifyError(err, 'the notice'),
  });
  const back = (
    <Anchor component={Link} to="/consent" size="sm">
      ← All purposes
    </Anchor>
  );
  if (purpose.isPending) return <LoadingState label="Loading the purpose…" />;
  if (purpose.isError)
    return (
      <Stack>
        {back}
        <ErrorState error={purpose.error} context="purpose" onRetry={() => void purpose.refetch()} />
      </Stack>
    );
  const p = purpose.data;
  const cov = coverage.data?.purposes.find((c) => c.purpose === p.key);
  const current = p.notices.find((n) => n.version === p.currentNoticeVersion);
  return (
    <Box>
      {back}
      <PageHeader
        eyebrow="Consent purpose"
        title={
          <Group gap="xs" component="span">
            {p.name}
            {p.archivedAt && (
              <Badge color="gray" variant="outline" tt="none">
                archived
              </Badge>
            )}
          </Group>
        }
        description={p.description ?? `Key ${p.key}`}
        actions={
          admin && (
            <>
              <Button variant="default" onClick={() => setEditing(true)}>
                Edit purpose
              </Button>
              <Button onClick={() => setDraft(current?.text ?? p.noticeText)} disabled={draft !== null}>
                Publish a new notice version
              </Button>
            </>
          )
        }
      />
      <Grid gap="lg">
        <Grid.Col span={{ base: 12, lg: 8 }}>
          <Stack>
            {draft !== null && (
              <Card withBorder style={{ borderColor: 'var(--mantine-color-indigo-4)' }}>
                <Text fw={600}>New notice version {p.currentNoticeVersion + 1}</Text>
                <Text size="xs" c="dimmed" mb="sm">
                  Customers see this text from now on. Consents already given keep the version they were given under; ask again if the change matters.
                </Text>
                <Textarea label="Notice text" value={draft} maxLength={20000} autosize minRows={4} onChange={(e) => setDraft(e.currentTarget.value)} />
                {draft.trim() && current && draft.trim() !== current.text && (
                  <Box mt="sm">
                    <Text size="xs" fw={600} c="dimmed" mb={4}>
                      Changes from version {current.version}
                    </Text>
                    <Diff before={current.text} after={draft} />
                  </Box>
                )}
                <Group justify="flex-end" mt="sm">
                  <Button variant="default" onClick={() => setDraft(null)}>
                    Cancel
                  </Button>
                  <Button loading={publish.isPending} disabled={!draft.trim() || draft.trim() === current?.text} onClick={() => publish.mutate(draft.trim())}>
                    Publish version {p.currentNoticeVersion + 1}
                  </Button>
                </Group>
              </Card>
            )}
            <Title order={2} fz={18}>
              Notice versions
            </Title>
            <Stack gap="sm" role="list" aria-label="Notice versions">
              {noticeTimeline(p.notices).map(({ notice, previous }) => (
                <NoticeCard key={notice.version} notice={notice} previous={previous} current={notice.version === p.currentNoticeVersion} />
              ))}
            </Stack>
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 4 }}>
          <Stack>
            <Card>
              <Text fw={600} mb="xs">
                Settings
              </Text>
              <Text size="sm">Channels: {p.channels.map(channelName).join(', ') || '—'}</Text>
              <Text size="sm">Valid for: {p.defaultValidityMonths ? `${p.defaultValidityMonths} months, then asked again` : 'until withdrawn'}</Text>
              <Text size="sm">Defined: {dateText(p.createdAt)}</Text>
              <Text size="sm" c="dimmed" ff="monospace" mt={4}>
                {p.key}
              </Text>
            </Card>
            <Card>
              <Text fw={600}>Coverage</Text>
              <Text size="xs" c="dimmed" mb="sm">
                Share of active customers with a consent valid now.
              </Text>
              {coverage.isError ? (
                <Text size="sm" c="dimmed">
                  Coverage is not available right now.
                </Text>
              ) : !cov ? (
                <Text size="sm" c="dimmed">
                  {coverage.isPending ? 'Measuring…' : 'No figures for this purpose yet.'}
                </Text>
              ) : (
                <Stack gap="xs">
                  <CoverageBar c={cov} loading={false} />
                  {cov.byChannel.map((c) => (
                    <Box key={c.channel}>
                      <Group justify="space-between">
                        <Text size="xs">{channelName(c.channel)}</Text>
                        <Text size="xs" c="dimmed">
                          {shareText(c.share)} · {c.consented.toLocaleString('en-GB')}
                        </Text>
                      </Group>
                      <Progress value={(c.share ?? 0) * 100} size="xs" color="teal" aria-label={`${channelName(c.channel)}: ${shareText(c.share)}`} />
                    </Box>
                  ))}
                </Stack>
              )}
            </Card>
          </Stack>
        </Grid.Col>
      </Grid>
      <Modal opened={editing} onClose={() => setEditing(false)} title={<Text fw={650}>Edit {p.name}</Text>} size="lg">
        {editing && <PurposeForm purpose={p} onDone={() => setEditing(false)} />}
      </Modal>
    </Box>
  );
}

function NoticeCard({ notice, previous, current }: { notice: PurposeDetail['notices'][number]; previous: PurposeDetail['notices'][number] | null; current: boolean }) {
  const userName = useUserName();
  const [showDiff, setShowDiff] = useState(false);
  return (
    <Paper withBorder p="md" radius="md" role="listitem" aria-label={`Notice version ${notice.version}`}>
      <Group justify="space-between" mb="xs" gap="xs" wrap="wrap">
        <Group gap="xs">
          <Text fw={600}>Version {notice.version}</Text>
          {current && (
            <Badge color="teal" variant="light" tt="none" size="sm">
              shown now
            </Badge>
          )}
          <Text size="xs" c="dimmed">
            published {new Date(notice.createdAt).toLocaleString('en-GB')}
            {notice.createdBy ? ` by ${userName(notice.createdBy) ?? notice.createdBy}` : ''}
          </Text>
        </Group>
        {previous && (
          <Button size="compact-xs" variant="subtle" onClick={() => setShowDiff((s) => !s)} aria-expanded={showDiff}>
            {showDiff ? 'Show text' : `Compare with version ${previous.version}`}
          </Button>
        )}
      </Group>
      {showDiff && previous ? (
        <Diff before={previous.text} after={notice.text} />
      ) : (
        <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
          {notice.text}
        </Text>
      )}
    </Paper>
  );
}

function Diff({ before, after }: { before: string; after: string }) {
  return (
    <Text size="sm" style={{ whiteSpace: 'pre-wrap' }} data-testid="notice-diff">
      {diffWords(before, after).map((part, i) =>
        part.kind === 'same' ? (
          <span key={i}>{part.text}</span>
        ) : part.kind === 'added' ? (
          <ins key={i} style={{ background: 'var(--mantine-color-teal-1)', textDecoration: 'none' }} aria-label={`added: ${part.text}`}>
            {part.text}
          </ins>
        ) : (
          <del key={i} style={{ background: 'var(--mantine-color-red-1)', color: 'var(--mantine-color-red-9)' }} aria-label={`removed: ${part.text}`}>
            {part.text}
          </del>
        ),
      )}
    </Text>
  );
}
