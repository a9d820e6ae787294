import { Alert, Badge, Box, Button, Center, Code, CopyButton, EmptyState, Group, Loader, Skeleton, Stack, Text, Title, Tooltip, UnstyledButton } from '@mantine/core';
import type { ReactNode } from 'react';
import { describeError } from '../lib/errors';
import { absoluteTime, relativeTime } from '../lib/time';
import { formatValue } from '../lib/values';
import { AlertIcon, InboxIcon, LockIcon } from './icons';

export function PageHeader({ title, description, actions, eyebrow }: { title: ReactNode; description?: ReactNode; actions?: ReactNode; eyebrow?: ReactNode }) {
  return (
    <Group justify="space-between" align="flex-end" mb="lg" gap="md" wrap="wrap">
      <Box style={{ minWidth: 0, flex: '1 1 320px' }}>
        {eyebrow && (
          <Text size="xs" fw={600} c="dimmed" tt="uppercase" style={{ letterSpacing: 0.6 }} mb={4}>
            {eyebrow}
          </Text>
        )}
        <Title order={1} fz={26} fw={650} style={{ letterSpacing: -0.3 }}>
          {title}
        </Title>
        {description && (
          <Text component="div" c="dimmed" size="sm" mt={4} maw={720}>
            {description}
          </Text>
        )}
      </Box>
      {actions && <Group gap="sm">{actions}</Group>}
    </Group>
  );
}

export function LoadingState({ label = 'Loading…', rows = 4 }: { label?: string; rows?: number }) {
  return (
    <Stack gap="xs" aria-busy="true" aria-live="polite">
      <Text size="sm" c="dimmed" role="status">
        {label}
      </Text>
      {Array.from({ length: rows }, (_, i) => (
        <Skeleton key={i} height={28} radius="sm" />
      ))}
    </Stack>
  );
}

export function InlineLoader({ label }: { label: string }) {
  return (
    <Center py="xl" role="status" aria-live="polite">
      <Group gap="sm">
        <Loader size="sm" />
        <Text size="sm" c="dimmed">
          {label}
        </Text>
      </Group>
    </Center>
  );
}

/** A plain-language error with what to do next; never raw JSON. */
export function ErrorState({ error, context, onRetry }: { error: unknown; context?: string; onRetry?: () => void }) {
  const e = describeError(error, context);
  return (
    <Alert color={e.title === "You don't have access" ? 'yellow' : 'red'} variant="light" title={e.title} icon={<AlertIcon />} role="alert">
      <Text size="sm">{e.message}</Text>
      {e.details.length > 0 && (
        <Box component="ul" m={0} mt={6} pl="md">
          {e.details.map((d) => (
            <Text component="li" size="sm" key={d}>
              {d}
            </Text>
          ))}
        </Box>
      )}
      {(onRetry || e.requestId) && (
        <Group mt="sm" gap="md">
          {onRetry && (
            <Button size="xs" variant="white" color="red" onClick={onRetry}>
              Try again
            </Button>
          )}
          {e.requestId && (
            <Text size="xs" c="dimmed">
              Reference: <Code>{e.requestId}</Code>
            </Text>
          )}
        </Group>
      )}
    </Alert>
  );
}

export function Empty({ title, description, action, icon, compact }: { title: string; description?: ReactNode; action?: ReactNode; icon?: ReactNode; compact?: boolean }) {
  return (
    <EmptyState
      py={compact ? 'xs' : 'xl'}
      title={title}
      description={description}
      icon={icon ?? <InboxIcon />}
      variant="light"
      color="gray"
      size={compact ? 'xs' : 'sm'}
      align={compact ? 'left' : 'center'}
    >
      {action && <EmptyState.Actions>{action}</EmptyState.Actions>}
    </EmptyState>
  );
}

/** "5 minutes ago", with the absolute date and time on hover and focus. */
export function RelativeTime({ iso, prefix }: { iso: string | null | undefined; prefix?: string }) {
  if (!iso) return <Text span c="dimmed">—</Text>;
  return (
    <Tooltip label={absoluteTime(iso)} withArrow openDelay={200}>
      <Text span inherit style={{ whiteSpace: 'nowrap' }} tabIndex={0}>
        <time dateTime={iso}>
          {prefix}
          {relativeTime(iso)}
        </time>
      </Text>
    </Tooltip>
  );
}

const STATUS_COLORS: Record<string, string> = {
  valid: 'teal',
  active: 'teal',
  rejected: 'red',
  deleted: 'gray',
  merged: 'violet',
  revoked: 'gray',
  disabled: 'gray',
  expired: 'orange',
};

export function StatusBadge({ status, size = 'sm' }: { status: string; size?: 'xs' | 'sm' | 'md' }) {
  return (
    <Badge color={STATUS_COLORS[status] ?? 'blue'} variant="light" size={size} radius="sm" tt="none" fw={600}>
      {status}
    </Badge>
  );
}

/** A value, or a visibly marked masked value ("hidden for your role"). */
export function ValueText({ value, masked }: { value: unknown; masked?: boolean }) {
  if (masked) {
    return (
      <Group gap={6} wrap="nowrap" component="span" data-masked="true">
        <Text span ff="monospace" size="sm" c="dimmed">
          {formatValue(value)}
        </Text>
        <Tooltip label="Masked: your role cannot see this value" withArrow>
          <Badge size="xs" variant="outline" color="gray" radius="sm" leftSection={<LockIcon size={10} />} tt="none" aria-label="Masked for your role" tabIndex={0}>
            masked
          </Badge>
        </Tooltip>
      </Group>
    );
  }
  const text = formatValue(value);
  return (
    <Text span size="sm" c={text === '—' ? 'dimmed' : undefined} style={{ overflowWrap: 'anywhere' }}>
      {text}
    </Text>
  );
}

/** A shortened id with a copy button. */
export function IdText({ id, chars = 12 }: { id: string; chars?: number }) {
  return (
    <CopyButton value={id} timeout={1500}>
      {({ copied, copy }) => (
        <Tooltip label={copied ? 'Copied' : `${id} — click to copy`} withArrow>
          <UnstyledButton onClick={copy} aria-label={`Copy id ${id}`}>
            <Text span ff="monospace" size="xs" c="dimmed">
              {id.length > chars + 4 ? `${id.slice(0, chars)}…` : id}
            </Text>
          </UnstyledButton>
        </Tooltip>
      )}
    </CopyButton>
  );
}

export function Forbidden({ what }: { what?: string }) {
  return (
    <Empty
      title="You don't have access to this page"
      description={`Your role does not include ${what ?? 'this page'}. If you need it for your work, ask an administrator to change your roles.`}
      icon={<LockIcon size={22} />}
    />
  );
}

/** The "Load more" button under a paged list (TanStack infinite query); nothing when there is no next page. */
export function LoadMore({ list, label = 'Load more' }: { list: { hasNextPage: boolean; isFetchingNextPage: boolean; fetchNextPage: () => unknown }; label?: string }) {
  if (!list.hasNextPage) return null;
  return (
    <Group justify="center" mt="md">
      <Button variant="default" onClick={() => void list.fetchNextPage()} loading={list.isFetchingNextPage}>
        {label}
      </Button>
    </Group>
  );
}
