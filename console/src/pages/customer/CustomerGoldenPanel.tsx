import { Alert, Anchor, Badge, Button, Checkbox, Group, Modal, Paper, SimpleGrid, Stack, Table, Text, Textarea, TextInput, Title, UnstyledButton } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { api, get } from '../../api/client';
import type { CustomerKey, MergeResult, MergeView, SplitResult } from '../../api/golden';
import type { CustomerSummary, CustomerView, Items, Page } from '../../api/types';
import { useSession } from '../../auth/session';
import { Empty, ErrorState, InlineLoader, RelativeTime, StatusBadge, ValueText } from '../../components/common';
import { useDebounced } from '../../lib/use-debounced';
import { describeError } from '../../lib/errors';
import { mergeTitle, splitProblem } from '../../lib/golden-ops';
import { attributeLabel } from '../../lib/values';
import { ActorName, HowBadge, MergeStateBadge, UnmergeButton } from '../golden/merge-parts';

/** Merge history with unmerge, "merge with…" and split, for users who may merge (golden:merge); nothing for others. */
export function CustomerGoldenPanel({ customerId }: { customerId: string }) {
  const { can } = useSession();
  if (!can('golden:merge')) return null;
  return <Panel customerId={customerId} />;
}

function Panel({ customerId }: { customerId: string }) {
  const history = useQuery({ queryKey: ['customers', customerId, 'merges'], queryFn: ({ signal }) => get<Items<MergeView>>(`/customers/${encodeURIComponent(customerId)}/merges`, undefined, signal) });
  const customer = useQuery({ queryKey: ['customers', customerId, 'summary'], queryFn: ({ signal }) => get<CustomerView>(`/customers/${encodeURIComponent(customerId)}`, undefined, signal) });
  const [mergeOpen, setMergeOpen] = useState(false);
  const [splitOpen, setSplitOpen] = useState(false);
  const active = customer.data?.status === 'active';
  return (
    <Paper withBorder p="md" mt="md" component="section" aria-labelledby="golden-panel-title" data-testid="customer-golden-panel">
      <Group justify="space-between" mb="sm" wrap="wrap">
        <div>
          <Title order={2} fz="lg" id="golden-panel-title">
            Merges and splits
          </Title>
          <Text size="sm" c="dimmed">
            Combine this customer with a duplicate, move source records out, or undo an earlier change.
          </Text>
        </div>
        {active && (
          <Group gap="xs">
            <Button variant="light" onClick={() => setMergeOpen(true)}>
              Merge with…
            </Button>
            <Button variant="default" onClick={() => setSplitOpen(true)}>
              Split…
            </Button>
          </Group>
        )}
      </Group>
      {customer.data && !active && (
        <Alert color="gray" mb="sm">
          This customer is {customer.data.status}
          {customer.data.mergedInto ? (
            <>
              {' '}
              into <Anchor component={Link} to={`/customers/${customer.data.mergedInto}`}>{customer.data.mergedInto}</Anchor>
            </>
          ) : null}
          . Only active customers can be merged or split; undo the merge below to bring it back.
        </Alert>
      )}
      {history.isPending ? (
        <InlineLoader label="Loading merge history…" />
      ) : history.isError ? (
        <ErrorState error={history.error} context="the merge history" onRetry={() => void history.refetch()} />
      ) : history.data.items.length === 0 ? (
        <Empty compact title="Never merged or split" description="Duplicates of this customer show up in the review queue; you can also merge by hand with “Merge with…”." />
      ) : (
        <div className="cst-table-wrap">
          <Table.ScrollContainer minWidth={560}>
            <Table aria-label="Merge history of this customer">
              <Table.Tbody>
                {history.data.items.map((m) => (
                  <Table.Tr key={m.id}>
                    <Table.Td fz="sm" w={120}>
                      <RelativeTime iso={m.createdAt} />
                    </Table.Td>
                    <Table.Td>
                      <Anchor component={Link} to={`/merges/${m.id}`} size="sm">
                        {mergeTitle(m)}
                      </Anchor>
                      <Text size="xs" c="dimmed" lineClamp={1}>
                        {m.reason ?? 'no reason given'}
                      </Text>
                    </Table.Td>
                    <Table.Td w={160}>
                      <Group gap={4} wrap="nowrap">
                        <HowBadge automatic={m.automatic} />
                        {!m.automatic && <ActorName id={m.actorId} />}
                      </Group>
                    </Table.Td>
                    <Table.Td w={100}>
                      <MergeStateBadge m={m} />
                    </Table.Td>
                    <Table.Td w={120} ta="right">
                      <UnmergeButton merge={m} size="xs" />
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </div>
      )}
      {mergeOpen && customer.data && <MergeWithDialog customer={customer.data} onClose={() => setMergeOpen(false)} />}
      {splitOpen && <SplitDialog customerId={customerId} onClose={() => setSplitOpen(false)} />}
    </Paper>
  );
}

function MergeWithDialog({ customer, onClose }: { customer: CustomerView; onClose: () => void }) {
  const qc = useQueryClient();
  const [q, setQ] = useState('');
  const query = useDebounced(q.trim(), 250);
  const [other, setOther] = useState<string | null>(null);
  const [reason, setReason] = useState('');
  const results = useQuery({
    queryKey: ['customers', 'search', query, 'merge-with'],
    queryFn: ({ signal }) => get<Page<CustomerSummary>>('/customers', { q: query, status: 'active', limit: 8 }, signal),
    enabled: query.length >= 2 && !other,
  });
  const preview = useQuery({ queryKey: ['customers', other, 'summary'], queryFn: ({ signal }) => get<CustomerView>(`/customers/${encodeURIComponent(other!)}`, undefined, signal), enabled: !!other });
  const merge = useMutation({
    mutationFn: () => api<MergeResult>('POST', '/customers/merge', { body: { customerIds: [customer.id, other], into: customer.id, reason: reason.trim() } }),
    onSuccess: (r) => {
      void qc.invalidateQueries({ queryKey: ['customers'] });
      void qc.invalidateQueries({ queryKey: ['merges'] });
      notifications.show({ color: 'teal', title: 'Customers merged', message: `${r.recordsMoved} record${r.recordsMoved === 1 ? '' : 's'} moved into this customer. Undo from the merge history if needed.` });
      onClose();
    },
  });
  const candidates = (results.data?.items ?? []).filter((c) => c.id !== customer.id);
  const attrs = [...new Set([...Object.keys(customer.golden), ...Object.keys(preview.data?.golden ?? {})])];
  const val = (c: CustomerView | undefined, a: string) => (c?.golden[a] as { value?: unknown } | undefined)?.value;
  return (
    <Modal opened onClose={onClose} title="Merge with another customer" size="lg">
      {!other ? (
        <Stack gap="sm">
          <TextInput label="Find the duplicate" description="Name, e-mail, phone, source key or customer id" placeholder="e.g. Anna Smith" value={q} onChange={(e) => setQ(e.currentTarget.value)} data-autofocus />
          {results.isFetching && <InlineLoader label="Searching…" />}
          {results.isError && <ErrorState error={results.error} context="the customer search" />}
          {query.length >= 2 && results.data && candidates.length === 0 && <Empty compact title="No other active customer found" description="Try another spelling, an e-mail address or a source key." />}
          <Stack gap={4} role="list" aria-label="Customers found">
            {candidates.map((c) => (
              <UnstyledButton key={c.id} role="listitem" onClick={() => setOther(c.id)} className="cst-result" aria-label={`Preview merge with ${c.displayName ?? c.id}`}>
                <Group justify="space-between">
                  <Text size="sm" fw={600}>
                    {c.displayName ?? c.id}
                  </Text>
                  <Text size="xs" c="dimmed" ff="monospace">
                    {c.id}
                  </Text>
                </Group>
              </UnstyledButton>
            ))}
          </Stack>
        </Stack>
      ) : (
        <Stack gap="sm">
          <Text size="sm">
            The other customer’s records move into <b>{customer.displayName ?? customer.id}</b>, which survives; the other is marked merged (never deleted). Golden values are recomputed from all records.
          </Text>
          {preview.isPending ? (
            <InlineLoader label="Loading the preview…" />
          ) : preview.isError ? (
            <ErrorState error={preview.error} context="that customer" />
          ) : (
            <div className="cst-table-wrap">
              <Table aria-label="Merge preview" layout="fixed">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th w="28%">Attribute</Table.Th>
                    <Table.Th>This customer (survives)</Table.Th>
                    <Table.Th>{preview.data.displayName ?? preview.data.id}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {attrs.map((a) => (
                    <Table.Tr key={a}>
                      <Table.Td fz="sm">{attributeLabel(a)}</Table.Td>
                      <Table.Td>
                        <ValueText value={val(customer, a)} />
                      </Table.Td>
                      <Table.Td>
                        <ValueText value={val(preview.data, a)} />
                      </Table.Td>
                    </Table.Tr>
                  ))}
                  <Table.Tr>
                    <Table.Td fz="sm">Source records</Table.Td>
                    <Table.Td fz="sm">{customer.records.length}</Table.Td>
                    <Table.Td fz="sm">{preview.data.records.length}</Table.Td>
                  </Table.Tr>
                </Table.Tbody>
              </Table>
            </div>
          )}
          <Textarea label="Reason" required description="Kept with the merge and in the audit log." maxLength={2000} autosize minRows={2} value={reason} onChange={(e) => setReason(e.currentTarget.value)} />
          {merge.isError && (
            <Alert color="red" role="alert" title={describeError(merge.error).title}>
              {describeError(merge.error).message}
            </Alert>
          )}
          <Group justify="space-between">
            <Button variant="subtle" onClick={() => setOther(null)}>
              ← Choose another
            </Button>
            <Group gap="xs">
              <Button variant="default" onClick={onClose}>
                Cancel
              </Button>
              <Button color="teal" disabled={!reason.trim() || !preview.data} loading={merge.isPending} onClick={() => merge.mutate()}>
                Merge customers
              </Button>
            </Group>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}

function SplitDialog({ customerId, onClose }: { customerId: string; onClose: () => void }) {
  const qc = useQueryClient();
  const navigate = useNavigate();
  const keys = useQuery({ queryKey: ['customers', customerId, 'keys'], queryFn: ({ signal }) => get<Items<CustomerKey>>(`/customers/${encodeURIComponent(customerId)}/keys`, undefined, signal) });
  const [chosen, setChosen] = useState<string[]>([]);
  const [reason, setReason] = useState('');
  const [tried, setTried] = useState(false);
  const all = keys.data?.items.map((k) => k.recordId) ?? [];
  const problem = splitProblem(all, chosen);
  const split = useMutation({
    mutationFn: () => api<SplitResult>('POST', `/customers/${encodeURIComponent(customerId)}/split`, { body: { recordIds: chosen, reason: reason.trim() } }),
    onSuccess: (r) => {
      void qc.invalidateQueries({ queryKey: ['customers'] });
      void qc.invalidateQueries({ queryKey: ['merges'] });
      notifications.show({ color: 'teal', title: 'Customer split', message: `${chosen.length} record${chosen.length === 1 ? '' : 's'} now form a new customer.` });
      onClose();
      navigate(`/customers/${r.newCustomerId}`);
    },
  });
  return (
    <Modal opened onClose={onClose} title="Split records into a new customer" size="lg">
      <Stack gap="sm">
        <Text size="sm">Choose the source records that belong to a different person. They move to a new customer; the split can be undone from the merge history.</Text>
        {keys.isPending ? (
          <InlineLoader label="Loading source records…" />
        ) : keys.isError ? (
          <ErrorState error={keys.error} context="this customer's records" onRetry={() => void keys.refetch()} />
        ) : keys.data.items.length < 2 ? (
          <Empty compact title="Nothing to split" description="This customer has only one source record." />
        ) : (
          <Checkbox.Group value={chosen} onChange={setChosen} label="Records to move out">
            <SimpleGrid cols={{ base: 1, sm: 2 }} mt="xs" spacing="xs">
              {keys.data.items.map((k) => (
                <Checkbox
                  key={k.recordId}
                  value={k.recordId}
                  label={
                    <Group gap={6}>
                      <Badge variant="light" tt="none" radius="sm">
                        {k.sourceName}
                      </Badge>
                      <Text ff="monospace" size="sm">
                        {k.sourceKey}
                      </Text>
                      {k.status !== 'valid' && <StatusBadge status={k.status} size="xs" />}
                    </Group>
                  }
                />
              ))}
            </SimpleGrid>
          </Checkbox.Group>
        )}
        <Textarea label="Reason" required maxLength={2000} autosize minRows={2} value={reason} onChange={(e) => setReason(e.currentTarget.value)} error={tried && !reason.trim() ? 'Say why these records are a different person.' : undefined} />
        {tried && problem && (
          <Text size="sm" c="red" role="alert">
            {problem}
          </Text>
        )}
        {split.isError && (
          <Alert color="red" role="alert" title={describeError(split.error).title}>
            {describeError(split.error).message}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button
            color="orange"
            loading={split.isPending}
            disabled={all.length < 2}
            onClick={() => {
              setTried(true);
              if (!problem && reason.trim()) split.mutate();
            }}
          >
            Split {chosen.length > 0 ? `${chosen.length} record${chosen.length === 1 ? '' : 's'}` : ''}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
