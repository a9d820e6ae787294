// Pieces shared by the merge history page and the customer page's golden panel.
import { Alert, Anchor, Badge, Button, Group, Modal, Stack, Text, Textarea } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { api, get } from '../../api/client';
import type { MergeView, UnmergeResult } from '../../api/golden';
import type { CustomerView } from '../../api/types';
import { useUserName } from '../../api/users';
import { describeError } from '../../lib/errors';
import { mergeState } from '../../lib/golden-ops';

/** A customer id as a link with its display name (when the viewer may read it). */
export function CustomerLink({ id }: { id: string }) {
  const c = useQuery({ queryKey: ['customers', id, 'summary'], queryFn: ({ signal }) => get<CustomerView>(`/customers/${encodeURIComponent(id)}`, undefined, signal), staleTime: 30_000, retry: false });
  return (
    <Anchor component={Link} to={`/customers/${id}`} size="sm">
      {c.data?.displayName ?? id}
      {c.data && c.data.status !== 'active' && (
        <Text span size="xs" c="dimmed">
          {' '}
          ({c.data.status})
        </Text>
      )}
    </Anchor>
  );
}

export function MergeStateBadge({ m }: { m: Pick<MergeView, 'undoneAt'> }) {
  const s = mergeState(m);
  return (
    <Badge color={s.color} variant="light" radius="sm" tt="none">
      {s.label}
    </Badge>
  );
}

export function HowBadge({ automatic }: { automatic: boolean }) {
  return (
    <Badge color={automatic ? 'grape' : 'blue'} variant="outline" radius="sm" tt="none">
      {automatic ? 'automatic' : 'steward'}
    </Badge>
  );
}

/** Who made a change: "you", a user's name (admins see names) or the raw id. */
export function ActorName({ id }: { id: string | null }) {
  const name = useUserName();
  if (!id) return <Text span size="sm" c="dimmed">system</Text>;
  return <Text span size="sm">{name(id) ?? id}</Text>;
}

/** "Unmerge" with a confirmation dialog (and an optional reason); refreshes customers and merges on success. */
export function UnmergeButton({ merge, onDone, size = 'sm' }: { merge: MergeView; onDone?: (r: UnmergeResult) => void; size?: 'xs' | 'sm' }) {
  const qc = useQueryClient();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const undo = useMutation({
    mutationFn: () => api<UnmergeResult>('POST', `/merges/${encodeURIComponent(merge.id)}/unmerge`, { body: reason.trim() ? { reason: reason.trim() } : {} }),
    onSuccess: (r) => {
      setOpen(false);
      setReason('');
      void qc.invalidateQueries({ queryKey: ['customers'] });
      void qc.invalidateQueries({ queryKey: ['merges'] });
      notifications.show({ color: 'teal', title: merge.kind === 'split' ? 'Split undone' : 'Merge undone', message: `${r.recordsMoved} record${r.recordsMoved === 1 ? '' : 's'} moved back; ${r.restored.length} customer${r.restored.length === 1 ? '' : 's'} restored.` });
      onDone?.(r);
    },
  });
  if (merge.undoneAt) return null;
  const what = merge.kind === 'split' ? 'split' : 'merge';
  return (
    <>
      <Button size={size} color="orange" variant="light" onClick={() => setOpen(true)}>
        {merge.kind === 'split' ? 'Undo split' : 'Unmerge'}
      </Button>
      <Modal opened={open} onClose={() => setOpen(false)} title={merge.kind === 'split' ? 'Undo this split?' : 'Unmerge these customers?'}>
        <Stack gap="sm">
          <Text size="sm">
            {merge.kind === 'split'
              ? 'The records that were split off go back to the customer they came from, and the new customer is closed.'
              : `The ${merge.recordIds.length} record${merge.recordIds.length === 1 ? '' : 's'} this merge moved go back to their own customer${merge.fromCustomerIds.length === 1 ? '' : 's'}, which become active again. Records added since stay where they are. Golden values are recomputed.`}
          </Text>
          <Textarea label="Reason (optional)" description="Kept in the merge history and the audit log." maxLength={2000} autosize minRows={2} value={reason} onChange={(e) => setReason(e.currentTarget.value)} />
          {undo.isError && (
            <Alert color="red" role="alert" title={describeError(undo.error).title}>
              {describeError(undo.error, `this ${what}`).message}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setOpen(false)}>
              Cancel
            </Button>
            <Button color="orange" loading={undo.isPending} onClick={() => undo.mutate()} data-autofocus>
              {merge.kind === 'split' ? 'Undo split' : 'Unmerge'}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}
