// Small pieces shared by the privacy pages and the customer privacy panel.
import { Badge, Tooltip } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useQuery } from '@tanstack/react-query';
import { get } from '../../api/client';
import type { ChannelView, PurposeView } from '../../api/privacy';
import type { Items } from '../../api/types';
import { describeError } from '../../lib/errors';
import { CONSENT_COLORS, CONSENT_LABELS, deadlineOf, DEADLINE_COLORS } from '../../lib/privacy';

export function ConsentBadge({ status }: { status: string }) {
  return (
    <Badge color={CONSENT_COLORS[status] ?? 'gray'} variant={status === 'none' ? 'outline' : 'light'} size="sm" radius="sm" tt="none" fw={600}>
      {CONSENT_LABELS[status] ?? status}
    </Badge>
  );
}

export function DeadlineBadge({ req }: { req: { dueAt: string; status: string } }) {
  const d = deadlineOf(req);
  return (
    <Tooltip label={`Due ${new Date(req.dueAt).toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric' })}`} withArrow>
      <Badge color={DEADLINE_COLORS[d.tone]} variant={d.tone === 'overdue' ? 'filled' : 'light'} size="sm" radius="sm" tt="none" fw={600} tabIndex={0} data-tone={d.tone}>
        {d.label}
      </Badge>
    </Tooltip>
  );
}

export function usePurposes(includeArchived = false) {
  return useQuery({
    queryKey: ['consent', 'purposes', includeArchived ? 'all' : 'active'],
    queryFn: ({ signal }) => get<Items<PurposeView>>('/consent/purposes', includeArchived ? { archived: 'true' } : undefined, signal),
    staleTime: 60_000,
  });
}

export function useChannels() {
  return useQuery({ queryKey: ['consent', 'channels'], queryFn: ({ signal }) => get<Items<ChannelView>>('/consent/channels', undefined, signal), staleTime: 5 * 60_000 });
}

/** Channel key → readable name ("sms" → "Text message (SMS)"). */
export function channelNamer(channels: readonly ChannelView[] | undefined): (key: string) => string {
  const names = new Map((channels ?? []).map((c) => [c.key, c.name]));
  return (key) => names.get(key) ?? key;
}

export function notifyError(err: unknown, context?: string): void {
  const d = describeError(err, context);
  notifications.show({ color: 'red', title: d.title, message: [d.message, ...d.details].join(' ') });
}

export function notifyDone(title: string, message: string): void {
  notifications.show({ color: 'teal', title, message });
}

export const SOURCE_LABELS: Record<string, string> = { pos: 'At the till', web_form: 'Web form', portal: 'Customer portal', import: 'Import', agent: 'Staff', api: 'API', system: 'System' };
export const BASIS_LABELS: Record<string, string> = {
  consent: 'Consent',
  contract: 'Contract',
  legal_obligation: 'Legal obligation',
  vital_interests: 'Vital interests',
  public_task: 'Public task',
  legitimate_interests: 'Legitimate interests',
};

export function dateText(iso: string | null | undefined): string {
  if (!iso) return '—';
  return new Date(iso).toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric' });
}
