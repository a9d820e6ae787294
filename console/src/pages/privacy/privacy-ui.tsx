// Small pieces shared by the privacy pages and the customer privacy panel.
import { Badge, Box, Card, Group, Text, Textarea, Tooltip } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { api, apiUrl, get } from '../../api/client';
import type { ChannelView, PurposeView, RequestView, RestrictionStatusView } from '../../api/privacy';
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

/** A privacy card: title and hint, with actions at the right of the title when given. */
export function SectionCard({ title, hint, actions, children }: { title: string; hint: string; actions?: ReactNode; children?: ReactNode }) {
  return (
    <Card>
      {actions ? (
        <Group justify="space-between" mb="sm" gap="xs" wrap="wrap">
          <Box>
            <Text fw={600}>{title}</Text>
            <Text size="xs" c="dimmed">
              {hint}
            </Text>
          </Box>
          <Group gap="xs">{actions}</Group>
        </Group>
      ) : (
        <>
          <Text fw={600}>{title}</Text>
          <Text size="xs" c="dimmed" mb="sm">
            {hint}
          </Text>
        </>
      )}
      {children}
    </Card>
  );
}

/** Is processing of the customer restricted? Shared by the customer page's badge and the request's restriction card. */
export function useRestriction(customerId: string) {
  return useQuery({
    queryKey: ['dsr', 'restriction', customerId],
    queryFn: ({ signal }) => get<RestrictionStatusView>(`/dsr/customers/${encodeURIComponent(customerId)}/restriction`, undefined, signal),
  });
}

/** Everything held about a customer (the access / portability export), as a download link. */
export function exportUrl(customerId: string, format: 'json' | 'csv'): string {
  return apiUrl(`/dsr/customers/${encodeURIComponent(customerId)}/export`, { format });
}

/** Logs a data-subject request taken by staff; it starts the legal deadline. */
export function logRequest(body: { customer: string; kind: string; note: string; dueInDays?: number }): Promise<RequestView> {
  const { note, ...rest } = body;
  return api<RequestView>('POST', '/dsr/requests', { body: { ...rest, channel: 'staff', ...(note.trim() ? { note: note.trim() } : {}) } });
}

export function RequestNoteField({ value, onChange }: { value: string; onChange: (v: string) => void }) {
  return <Textarea label="Note" description="How the customer asked, anything the reviewer should know" value={value} maxLength={2000} autosize minRows={2} onChange={(e) => onChange(e.currentTarget.value)} />;
}
