import { Alert, Badge, Box, Button, Code, Collapse, Group, Paper, SimpleGrid, Stack, Table, Text, TextInput, UnstyledButton } from '@mantine/core';
import { useInfiniteQuery, useMutation } from '@tanstack/react-query';
import { Fragment, useState } from 'react';
import { api, get } from '../api/client';
import { useUserName } from '../api/users';
import type { AuditEntry, AuditVerifyResult } from '../api/types';
import { Empty, ErrorState, LoadingState, PageHeader, RelativeTime } from '../components/common';
import { AlertIcon, CheckIcon, ChevronIcon } from '../components/icons';
import { actionColor, actionLabel, activeFilterCount, auditQuery, EMPTY_FILTERS, type AuditFilters } from '../lib/audit';

export default function AuditPage() {
  const [draft, setDraft] = useState<AuditFilters>(EMPTY_FILTERS);
  const [filters, setFilters] = useState<AuditFilters>(EMPTY_FILTERS);
  const [open, setOpen] = useState<string | null>(null);
  const log = useInfiniteQuery({
    queryKey: ['audit', filters],
    queryFn: ({ pageParam, signal }) => get<{ items: AuditEntry[]; nextBefore: number | null }>('/audit', auditQuery(filters, pageParam), signal),
    initialPageParam: undefined as number | undefined,
    getNextPageParam: (last) => last.nextBefore ?? undefined,
  });
  const verify = useMutation({ mutationFn: () => api<AuditVerifyResult>('POST', '/audit/verify') });
  const nameOf = useUserName();
  const rows = log.data?.pages.flatMap((p) => p.items) ?? [];
  const field = (k: keyof AuditFilters, label: string, placeholder: string, type = 'text') => (
    <TextInput label={label} placeholder={placeholder} type={type} value={draft[k]} onChange={(e) => setDraft({ ...draft, [k]: e.currentTarget.value })} size="sm" />
  );

  return (
    <Box>
      <PageHeader
        title="Audit log"
        description="Every change, sign-in and read of sensitive data, newest first. Entries are chained by hashes; verifying the chain proves none was altered or removed."
        actions={
          <Button onClick={() => verify.mutate()} loading={verify.isPending} variant="filled" data-testid="verify-chain">
            Verify chain
          </Button>
        }
      />
      {verify.data && (
        <Alert
          mb="md"
          color={verify.data.ok ? 'teal' : 'red'}
          variant="light"
          icon={verify.data.ok ? <CheckIcon /> : <AlertIcon />}
          title={verify.data.ok ? 'The audit chain is intact' : 'The audit chain is broken'}
          withCloseButton
          onClose={() => verify.reset()}
          role="status"
          data-testid="verify-result"
        >
          {verify.data.ok ? (
            <Text size="sm">
              {verify.data.checked.toLocaleString()} entries checked; none was altered or removed.
              {verify.data.unsealed > 0 && ` ${verify.data.unsealed} newest entries are not sealed yet (they are within seconds of being written).`}
              {verify.data.redacted > 0 && ` ${verify.data.redacted} payloads were redacted under a privacy request; their hashes still verify.`}
            </Text>
          ) : (
            <Text size="sm">
              The first problem is at entry #{verify.data.firstBroken?.seq}: {verify.data.firstBroken?.reason}. Entries from there on cannot be trusted. Keep the database as it is and alert your security team.
            </Text>
          )}
        </Alert>
      )}
      {verify.isError && <Box mb="md"><ErrorState error={verify.error} context="the chain check" /></Box>}

      <Paper p="md" mb="md">
        <form
          onSubmit={(e) => {
            e.preventDefault();
            setFilters(draft);
          }}
          aria-label="Filter the audit log"
        >
          <SimpleGrid cols={{ base: 1, xs: 2, md: 6 }} spacing="sm">
            {field('action', 'Action', 'e.g. record.update')}
            {field('entityType', 'Entity type', 'record, user, schema…')}
            {field('entityId', 'Entity id', 'rec_…, usr_…')}
            {field('actorId', 'Actor id', 'usr_…, key_…')}
            {field('from', 'From', '', 'date')}
            {field('to', 'To', '', 'date')}
          </SimpleGrid>
          <Group justify="flex-end" mt="sm" gap="sm">
            {activeFilterCount(filters) > 0 && (
              <Button
                variant="subtle"
                onClick={() => {
                  setDraft(EMPTY_FILTERS);
                  setFilters(EMPTY_FILTERS);
                }}
              >
                Clear filters
              </Button>
            )}
            <Button type="submit" variant="light">
              Apply filters
            </Button>
          </Group>
        </form>
      </Paper>

      {log.isPending ? (
        <LoadingState label="Loading the audit log…" rows={8} />
      ) : log.isError ? (
        <ErrorState error={log.error} context="the audit log" onRetry={() => void log.refetch()} />
      ) : rows.length === 0 ? (
        <Paper p="lg">
          <Empty title={activeFilterCount(filters) ? 'No entries match these filters' : 'The audit log is empty'} description={activeFilterCount(filters) ? 'Widen the date range or clear a filter.' : 'Entries appear as soon as anything changes.'} />
        </Paper>
      ) : (
        <>
          <div className="cst-table-wrap">
            <Table.ScrollContainer minWidth={760}>
              <Table aria-label="Audit entries" data-testid="audit-table">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th w={36} />
                    <Table.Th w={150}>When</Table.Th>
                    <Table.Th w={220}>Action</Table.Th>
                    <Table.Th>Entity</Table.Th>
                    <Table.Th w={220}>Actor</Table.Th>
                    <Table.Th w={70}>#</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {rows.map((e) => (
                    <Fragment key={e.id}>
                      <Table.Tr>
                        <Table.Td>
                          <UnstyledButton onClick={() => setOpen(open === e.id ? null : e.id)} aria-expanded={open === e.id} aria-label={`Details of entry ${e.seq}`} style={{ display: 'grid', transform: open === e.id ? 'rotate(90deg)' : undefined, transition: 'transform 120ms' }}>
                            <ChevronIcon />
                          </UnstyledButton>
                        </Table.Td>
                        <Table.Td fz="sm">
                          <RelativeTime iso={e.at} />
                        </Table.Td>
                        <Table.Td>
                          <Badge variant="light" color={actionColor(e.action)} radius="sm" tt="none">
                            {actionLabel(e.action)}
                          </Badge>
                        </Table.Td>
                        <Table.Td>
                          <Text size="sm">
                            {e.entityType}{' '}
                            <Text span ff="monospace" size="xs" c="dimmed">
                              {e.entityId ?? ''}
                            </Text>
                          </Text>
                        </Table.Td>
                        <Table.Td>
                          {nameOf(e.actorId) && (
                            <Text size="sm" truncate>
                              {nameOf(e.actorId)}
                            </Text>
                          )}
                          <Text size="xs" ff="monospace" c="dimmed" truncate>
                            {e.actorType}
                            {e.actorId ? ` · ${e.actorId}` : ''}
                          </Text>
                        </Table.Td>
                        <Table.Td fz="xs" c="dimmed">
                          {e.seq}
                        </Table.Td>
                      </Table.Tr>
                      {open === e.id && (
                        <Table.Tr>
                          <Table.Td colSpan={6} bg="gray.0">
                            <Collapse expanded>
                              <Stack gap={4} p="xs">
                                <Text size="xs" c="dimmed">
                                  {new Date(e.at).toISOString()} · request {e.requestId ?? '—'} · from {e.ip ?? '—'} · {e.sealed ? 'sealed in the chain' : 'not sealed yet'}
                                </Text>
                                {e.payload === null || e.payload === undefined ? (
                                  <Text size="sm" c="dimmed">No details recorded for this entry.</Text>
                                ) : (
                                  <Code block fz="xs" style={{ maxHeight: 320, overflow: 'auto' }}>
                                    {JSON.stringify(e.payload, null, 2)}
                                  </Code>
                                )}
                              </Stack>
                            </Collapse>
                          </Table.Td>
                        </Table.Tr>
                      )}
                    </Fragment>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          </div>
          <Group justify="center" mt="md">
            {log.hasNextPage ? (
              <Button variant="default" onClick={() => void log.fetchNextPage()} loading={log.isFetchingNextPage}>
                Load older entries
              </Button>
            ) : (
              <Text size="xs" c="dimmed">
                {rows.length} entr{rows.length === 1 ? 'y' : 'ies'} — the beginning of the log
              </Text>
            )}
          </Group>
          {log.isFetchNextPageError && <Text c="red" size="sm" ta="center">Could not load older entries. Try again.</Text>}
        </>
      )}
    </Box>
  );
}
