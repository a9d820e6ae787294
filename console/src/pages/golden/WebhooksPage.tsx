import { Alert, Anchor, Badge, Box, Button, Code, CopyButton, Group, Modal, MultiSelect, NumberInput, Paper, SegmentedControl, Stack, Switch, Table, Text, TextInput, Title, Tooltip } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Fragment, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { api, get } from '../../api/client';
import type { CreatedSubscription, DeliveryView, SubscriptionView } from '../../api/golden';
import type { Items } from '../../api/types';
import { Empty, ErrorState, IdText, LoadingState, PageHeader, RelativeTime } from '../../components/common';
import { DataTable } from '../../components/DataTable';
import { describeError } from '../../lib/errors';
import { deliveryState, EVENT_TYPE_OPTIONS, eventLabel, webhookFormErrors, type WebhookForm } from '../../lib/golden-ops';

export default function WebhooksPage() {
  const { id } = useParams();
  return id ? <SubscriptionDetail key={id} id={id} /> : <SubscriptionList />;
}

function SubscriptionList() {
  const navigate = useNavigate();
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<CreatedSubscription | null>(null);
  const subs = useQuery({ queryKey: ['webhooks'], queryFn: ({ signal }) => get<Items<SubscriptionView>>('/webhooks', undefined, signal) });
  return (
    <Box>
      <PageHeader
        eyebrow="Governance"
        title="Webhooks"
        description="Send change events (customers merged, records updated, review decisions…) to other systems. Each request is signed with the subscription's secret; failed deliveries are retried with backoff and dead-lettered after the last attempt."
        actions={<Button onClick={() => setCreating(true)}>New subscription</Button>}
      />
      {subs.isPending ? (
        <LoadingState label="Loading subscriptions…" />
      ) : subs.isError ? (
        <ErrorState error={subs.error} context="the webhook subscriptions" onRetry={() => void subs.refetch()} />
      ) : subs.data.items.length === 0 ? (
        <Paper p="lg">
          <Empty title="No subscriptions yet" description="Create one with the URL of the system that should receive events. You can also poll GET /api/v1/events instead." action={<Button onClick={() => setCreating(true)}>New subscription</Button>} />
        </Paper>
      ) : (
        <DataTable
          label="Webhook subscriptions"
          rows={subs.data.items}
          rowKey={(s) => s.id}
          minWidth={760}
          onOpen={(s) => navigate(`/webhooks/${s.id}`)}
          rowLabel={(s) => `Subscription ${s.url}`}
          columns={[
            {
              key: 'url',
              header: 'URL',
              cell: (s) => (
                <>
                  <Text size="sm" ff="monospace" style={{ overflowWrap: 'anywhere' }}>
                    {s.url}
                  </Text>
                  {s.description && (
                    <Text size="xs" c="dimmed">
                      {s.description}
                    </Text>
                  )}
                </>
              ),
            },
            { key: 'events', header: 'Events', cellProps: { fz: 'sm' }, cell: (s) => (s.eventTypes.length === 0 ? 'All events' : s.eventTypes.length <= 2 ? s.eventTypes.join(', ') : `${s.eventTypes.length} types`) },
            {
              key: 'state',
              header: 'State',
              width: 90,
              cell: (s) => (
                <Badge color={s.active ? 'teal' : 'gray'} variant="light" radius="sm" tt="none">
                  {s.active ? 'active' : 'disabled'}
                </Badge>
              ),
            },
            { key: 'deliveries', header: 'Deliveries', width: 220, cell: (s) => <Counts counts={s.counts} /> },
            { key: 'created', header: 'Created', width: 120, cellProps: { fz: 'sm' }, cell: (s) => <RelativeTime iso={s.createdAt} /> },
          ]}
        />
      )}
      {creating && (
        <SubscriptionForm
          onClose={() => setCreating(false)}
          onSaved={(s) => {
            setCreating(false);
            setCreated(s as CreatedSubscription);
          }}
        />
      )}
      <Modal opened={!!created} onClose={() => setCreated(null)} title="Subscription created: copy the secret now" closeOnClickOutside={false}>
        {created && (
          <Stack gap="sm">
            <Alert color="yellow" title="Shown only once">
              The receiver needs this secret to check the <Code>x-custodian-signature</Code> header. It cannot be shown again; if it is lost, delete the subscription and create a new one.
            </Alert>
            <Group gap="xs" wrap="nowrap">
              <Code style={{ flex: 1, overflowWrap: 'anywhere' }} data-testid="webhook-secret">
                {created.secret}
              </Code>
              <CopyButton value={created.secret}>{({ copied, copy }) => <Button size="xs" onClick={copy}>{copied ? 'Copied' : 'Copy'}</Button>}</CopyButton>
            </Group>
            <Group justify="flex-end">
              <Button
                onClick={() => {
                  const id = created.id;
                  setCreated(null);
                  navigate(`/webhooks/${id}`);
                }}
              >
                I have saved it
              </Button>
            </Group>
          </Stack>
        )}
      </Modal>
    </Box>
  );
}

function Counts({ counts }: { counts: SubscriptionView['counts'] }) {
  return (
    <Group gap={4}>
      <Badge color="teal" variant="light" radius="sm" tt="none">
        {counts.delivered} delivered
      </Badge>
      {counts.pending > 0 && (
        <Badge color="blue" variant="light" radius="sm" tt="none">
          {counts.pending} pending
        </Badge>
      )}
      {counts.dead > 0 && (
        <Badge color="red" variant="light" radius="sm" tt="none">
          {counts.dead} dead
        </Badge>
      )}
    </Group>
  );
}

/** Create (no `existing`) or edit a subscription; the secret can only be set when creating. */
function SubscriptionForm({ existing, onClose, onSaved }: { existing?: SubscriptionView; onClose: () => void; onSaved: (s: SubscriptionView | CreatedSubscription) => void }) {
  const qc = useQueryClient();
  const [form, setForm] = useState<WebhookForm>({ url: existing?.url ?? '', eventTypes: existing?.eventTypes ?? [], secret: '', maxAttempts: existing?.maxAttempts ?? 8, description: existing?.description ?? '' });
  const [tried, setTried] = useState(false);
  const errors = webhookFormErrors(form);
  const save = useMutation({
    mutationFn: () =>
      existing
        ? api<SubscriptionView>('PATCH', `/webhooks/${encodeURIComponent(existing.id)}`, { body: { url: form.url.trim(), eventTypes: form.eventTypes, maxAttempts: form.maxAttempts, description: form.description.trim() || null } })
        : api<CreatedSubscription>('POST', '/webhooks', { body: { url: form.url.trim(), eventTypes: form.eventTypes, maxAttempts: form.maxAttempts, ...(form.secret ? { secret: form.secret } : {}), ...(form.description.trim() ? { description: form.description.trim() } : {}) } }),
    onSuccess: (s) => {
      void qc.invalidateQueries({ queryKey: ['webhooks'] });
      notifications.show({ color: 'teal', title: existing ? 'Subscription saved' : 'Subscription created', message: s.url });
      onSaved(s);
    },
  });
  const set = <K extends keyof WebhookForm>(k: K, v: WebhookForm[K]) => setForm((f) => ({ ...f, [k]: v }));
  const err = (k: keyof WebhookForm) => (tried ? errors[k] : undefined);
  return (
    <Modal opened onClose={onClose} title={existing ? 'Edit subscription' : 'New webhook subscription'} size="lg">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          setTried(true);
          if (Object.keys(errors).length === 0) save.mutate();
        }}
      >
        <Stack gap="sm">
          <TextInput label="URL" required placeholder="https://crm.example.com/hooks/custodian" value={form.url} onChange={(e) => set('url', e.currentTarget.value)} error={err('url')} data-autofocus />
          <MultiSelect label="Event types" description="Leave empty to receive every event." placeholder={form.eventTypes.length ? undefined : 'All events'} data={EVENT_TYPE_OPTIONS} value={form.eventTypes} onChange={(v) => set('eventTypes', v)} searchable clearable />
          {!existing && <TextInput label="Secret (optional)" description="At least 16 characters. Leave empty and a strong one is generated and shown once." value={form.secret} onChange={(e) => set('secret', e.currentTarget.value)} error={err('secret')} autoComplete="off" />}
          <NumberInput label="Attempts before dead-lettering" min={1} max={30} value={form.maxAttempts} onChange={(v) => set('maxAttempts', typeof v === 'number' ? v : Number(v))} error={err('maxAttempts')} w={260} />
          <TextInput label="Description (optional)" value={form.description} onChange={(e) => set('description', e.currentTarget.value)} error={err('description')} />
          {save.isError && (
            <Alert color="red" role="alert" title={describeError(save.error).title}>
              {describeError(save.error).message}
              {describeError(save.error).details.map((d) => (
                <Text size="sm" key={d}>
                  {d}
                </Text>
              ))}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={save.isPending}>
              {existing ? 'Save' : 'Create subscription'}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function SubscriptionDetail({ id }: { id: string }) {
  const qc = useQueryClient();
  const navigate = useNavigate();
  const [status, setStatus] = useState<'' | 'pending' | 'delivered' | 'dead'>('');
  const [editing, setEditing] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [replaying, setReplaying] = useState(false);
  const [fromSeq, setFromSeq] = useState<number | ''>('');
  const [open, setOpen] = useState<string | null>(null);
  const sub = useQuery({ queryKey: ['webhooks', id], queryFn: ({ signal }) => get<SubscriptionView>(`/webhooks/${encodeURIComponent(id)}`, undefined, signal), refetchInterval: 5000 });
  const deliveries = useQuery({
    queryKey: ['webhooks', id, 'deliveries', status],
    queryFn: ({ signal }) => get<Items<DeliveryView>>(`/webhooks/${encodeURIComponent(id)}/deliveries`, { status: status || undefined, limit: 200 }, signal),
    refetchInterval: 5000,
  });
  const toggle = useMutation({
    mutationFn: (active: boolean) => api<SubscriptionView>('PATCH', `/webhooks/${encodeURIComponent(id)}`, { body: { active } }),
    onSuccess: (s) => {
      qc.setQueryData(['webhooks', id], s);
      void qc.invalidateQueries({ queryKey: ['webhooks'] });
      notifications.show({ color: s.active ? 'teal' : 'gray', title: s.active ? 'Subscription enabled' : 'Subscription disabled', message: s.active ? 'Events are delivered again.' : 'No events are sent until you enable it again.' });
    },
  });
  const remove = useMutation({
    mutationFn: () => api<null>('DELETE', `/webhooks/${encodeURIComponent(id)}`),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ['webhooks'] });
      notifications.show({ color: 'gray', title: 'Subscription deleted', message: 'No more events are sent to it.' });
      navigate('/webhooks');
    },
  });
  const replay = useMutation({
    mutationFn: () => api<SubscriptionView>('POST', `/webhooks/${encodeURIComponent(id)}/replay`, { body: { fromSeq } }),
    onSuccess: (s) => {
      qc.setQueryData(['webhooks', id], s);
      void qc.invalidateQueries({ queryKey: ['webhooks', id, 'deliveries'] });
      setReplaying(false);
      notifications.show({ color: 'blue', title: 'Replay started', message: `Every matching event from #${fromSeq} on is delivered again.` });
    },
  });

  if (sub.isPending) return <LoadingState label="Loading the subscription…" />;
  if (sub.isError) {
    return (
      <Stack>
        <Anchor component={Link} to="/webhooks">
          ← All subscriptions
        </Anchor>
        <ErrorState error={sub.error} context="this subscription" onRetry={() => void sub.refetch()} />
      </Stack>
    );
  }
  const s = sub.data;
  return (
    <Box>
      <Anchor component={Link} to="/webhooks" size="sm">
        ← All subscriptions
      </Anchor>
      <PageHeader
        eyebrow="Webhook subscription"
        title={<span style={{ overflowWrap: 'anywhere' }}>{s.url}</span>}
        description={
          <>
            {s.description ? `${s.description} · ` : ''}
            {s.eventTypes.length === 0 ? 'All events' : s.eventTypes.map(eventLabel).join(', ')} · secret {s.secretHint} · <IdText id={s.id} />
          </>
        }
        actions={
          <Group gap="xs">
            <Switch label={s.active ? 'Active' : 'Disabled'} checked={s.active} onChange={(e) => toggle.mutate(e.currentTarget.checked)} disabled={toggle.isPending} />
            <Button variant="default" onClick={() => setEditing(true)}>
              Edit
            </Button>
            <Button variant="default" onClick={() => setReplaying(true)}>
              Replay…
            </Button>
            <Button color="red" variant="light" onClick={() => setDeleting(true)}>
              Delete
            </Button>
          </Group>
        }
      />
      <Group justify="space-between" mb="sm" wrap="wrap">
        <Group gap="sm">
          <Title order={2} fz="lg">
            Delivery log
          </Title>
          <Counts counts={s.counts} />
        </Group>
        <SegmentedControl
          aria-label="Delivery status"
          value={status}
          onChange={(v) => setStatus(v as typeof status)}
          data={[
            { value: '', label: 'All' },
            { value: 'pending', label: 'Pending' },
            { value: 'delivered', label: 'Delivered' },
            { value: 'dead', label: 'Dead-lettered' },
          ]}
        />
      </Group>
      <Text size="xs" c="dimmed" mb="xs">
        Dispatched up to event #{s.dispatchedSeq}. Events of one customer are delivered in order; a dead-lettered one no longer holds back later ones.
      </Text>
      {deliveries.isPending ? (
        <LoadingState label="Loading deliveries…" />
      ) : deliveries.isError ? (
        <ErrorState error={deliveries.error} context="the delivery log" onRetry={() => void deliveries.refetch()} />
      ) : deliveries.data.items.length === 0 ? (
        <Paper p="lg">
          <Empty title={status ? `No ${status === 'dead' ? 'dead-lettered' : status} deliveries` : 'No deliveries yet'} description={status ? 'Choose “All” to see every delivery.' : 'Deliveries appear when a subscribed event happens (for example a customer is merged). Use Replay to send past events.'} />
        </Paper>
      ) : (
        <div className="cst-table-wrap">
          <Table.ScrollContainer minWidth={760}>
            <Table aria-label="Deliveries">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th w={80}>Seq</Table.Th>
                  <Table.Th>Event</Table.Th>
                  <Table.Th w={130}>Status</Table.Th>
                  <Table.Th w={80}>Attempts</Table.Th>
                  <Table.Th w={100}>Response</Table.Th>
                  <Table.Th w={140}>Next retry</Table.Th>
                  <Table.Th w={80} />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {deliveries.data.items.map((d) => {
                  const st = deliveryState(d);
                  return (
                    <Fragment key={d.id}>
                      <Table.Tr>
                        <Table.Td ff="monospace" fz="sm">
                          #{d.eventSeq}
                        </Table.Td>
                        <Table.Td fz="sm">
                          {eventLabel(d.eventType)}
                          <Text size="xs" c="dimmed" ff="monospace">
                            {d.aggregateKey}
                          </Text>
                        </Table.Td>
                        <Table.Td>
                          <Tooltip label={st.hint} multiline w={260} withArrow>
                            <Badge color={st.color} variant="light" radius="sm" tt="none" tabIndex={0}>
                              {st.label}
                            </Badge>
                          </Tooltip>
                        </Table.Td>
                        <Table.Td fz="sm">{d.attempts}</Table.Td>
                        <Table.Td fz="sm" ff="monospace">
                          {d.lastStatusCode ?? (d.lastError ? 'error' : '—')}
                        </Table.Td>
                        <Table.Td fz="sm">{d.status === 'pending' && d.nextAttemptAt ? <RelativeTime iso={d.nextAttemptAt} /> : '—'}</Table.Td>
                        <Table.Td>
                          {d.log.length > 0 && (
                            <Button size="compact-xs" variant="subtle" onClick={() => setOpen(open === d.id ? null : d.id)} aria-expanded={open === d.id}>
                              {open === d.id ? 'Hide' : 'Attempts'}
                            </Button>
                          )}
                        </Table.Td>
                      </Table.Tr>
                      {open === d.id && (
                        <Table.Tr>
                          <Table.Td colSpan={7} bg="gray.0">
                            <Table aria-label={`Attempts of delivery ${d.eventSeq}`}>
                              <Table.Tbody>
                                {d.log.map((a) => (
                                  <Table.Tr key={a.attempt}>
                                    <Table.Td fz="xs">#{a.attempt}</Table.Td>
                                    <Table.Td fz="xs">
                                      <RelativeTime iso={a.at} />
                                    </Table.Td>
                                    <Table.Td fz="xs" ff="monospace">
                                      {a.statusCode ?? '—'}
                                    </Table.Td>
                                    <Table.Td fz="xs">{a.error ?? 'ok'}</Table.Td>
                                    <Table.Td fz="xs">{a.durationMs} ms</Table.Td>
                                  </Table.Tr>
                                ))}
                              </Table.Tbody>
                            </Table>
                          </Table.Td>
                        </Table.Tr>
                      )}
                    </Fragment>
                  );
                })}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </div>
      )}

      {editing && <SubscriptionForm existing={s} onClose={() => setEditing(false)} onSaved={(n) => { qc.setQueryData(['webhooks', id], n); setEditing(false); }} />}
      <Modal opened={deleting} onClose={() => setDeleting(false)} title="Delete this subscription?">
        <Text size="sm">No more events are sent to {s.url}. Its delivery log is deleted with it. To pause deliveries instead, disable it.</Text>
        {remove.isError && (
          <Alert color="red" mt="sm" role="alert">
            {describeError(remove.error).message}
          </Alert>
        )}
        <Group justify="flex-end" mt="md">
          <Button variant="default" onClick={() => setDeleting(false)}>
            Cancel
          </Button>
          <Button color="red" loading={remove.isPending} onClick={() => remove.mutate()}>
            Delete
          </Button>
        </Group>
      </Modal>
      <Modal opened={replaying} onClose={() => setReplaying(false)} title="Replay events">
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (typeof fromSeq === 'number' && fromSeq >= 1) replay.mutate();
          }}
        >
          <Stack gap="sm">
            <Text size="sm">Every subscribed event from this sequence number on is delivered again (receivers should ignore event ids they have seen).</Text>
            <NumberInput label="From sequence number" min={1} required value={fromSeq} onChange={(v) => setFromSeq(typeof v === 'number' ? v : '')} data-autofocus description={`Currently dispatched up to #${s.dispatchedSeq}.`} />
            {replay.isError && (
              <Alert color="red" role="alert">
                {describeError(replay.error).message}
              </Alert>
            )}
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setReplaying(false)}>
                Cancel
              </Button>
              <Button type="submit" loading={replay.isPending} disabled={!(typeof fromSeq === 'number' && fromSeq >= 1)}>
                Replay
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
    </Box>
  );
}
