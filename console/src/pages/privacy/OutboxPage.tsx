// The development outbox: verification e-mails written to files because no mail server is configured.
import { Alert, Anchor, Box, Button, Card, Code, Grid, Group, Stack, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { get } from '../../api/client';
import type { Outbox, OutboxEntry } from '../../api/privacy';
import { fetchOutboxMessage } from '../../api/privacy-outbox';
import { Empty, ErrorState, LoadingState, PageHeader } from '../../components/common';
import { DataTable } from '../../components/DataTable';
import { decodeHeader, linkify, parseMail } from '../../lib/privacy';

export default function OutboxPage() {
  const [open, setOpen] = useState<string | null>(null);
  const outbox = useQuery({ queryKey: ['portal', 'outbox'], queryFn: ({ signal }) => get<Outbox>('/portal/outbox', undefined, signal), refetchInterval: 15_000 });
  let body;
  if (outbox.isPending) body = <LoadingState label="Loading the outbox…" />;
  else if (outbox.isError) body = <ErrorState error={outbox.error} context="outbox" onRetry={() => void outbox.refetch()} />;
  else {
    const smtp = outbox.data.mode === 'smtp';
    body = (
      <Stack>
        {smtp ? (
          <Alert color="teal" variant="light" title="Mail is sent for real">
            A mail server is configured (CUSTODIAN_SMTP_URL), so verification e-mails go to customers and nothing new is written here.
            {outbox.data.items.length > 0 && ' The messages below were written before the mail server was set up.'}
          </Alert>
        ) : (
          <Alert color="yellow" variant="light" title="Development mode: e-mails are not sent">
            No mail server is configured, so verification e-mails are written to files instead of sent. Set CUSTODIAN_SMTP_URL (for example smtp://user:pass@mail.example.com:587) to send them. Erasing a customer deletes their messages here too.
          </Alert>
        )}
        {outbox.data.items.length === 0 ? (
          <Empty title="The outbox is empty" description={smtp ? 'Nothing was written while mail was not configured.' : 'Send a verification link by e-mail from a customer page; the message appears here.'} />
        ) : (
          <Grid gap="lg">
            <Grid.Col span={{ base: 12, lg: open ? 6 : 12 }}>
              <DataTable
                label="Outbox messages"
                rows={outbox.data.items}
                rowKey={(m) => m.file}
                minWidth={420}
                onOpen={(m) => setOpen(m.file)}
                rowLabel={(m) => `Open the mail to ${m.to}`}
                columns={[
                  { key: 'to', header: 'To', width: '35%', cell: (m) => <Text size="sm" fw={m.file === open ? 700 : 500} style={{ overflowWrap: 'anywhere' }}>{m.to}</Text> },
                  { key: 'subject', header: 'Subject', cell: (m) => <Text size="sm">{decodeHeader(m.subject)}</Text> },
                  { key: 'date', header: 'Written', width: 120, cell: (m) => <Text size="sm">{when(m)}</Text> },
                ]}
              />
            </Grid.Col>
            {open && (
              <Grid.Col span={{ base: 12, lg: 6 }}>
                <Message file={open} onClose={() => setOpen(null)} />
              </Grid.Col>
            )}
          </Grid>
        )}
      </Stack>
    );
  }
  return (
    <Box>
      <PageHeader title="Outbox" description="E-mails the server would have sent, newest first. Use it to test verification links without a mail server." />
      {body}
    </Box>
  );
}

function when(m: OutboxEntry): string {
  const t = Date.parse(m.date);
  return Number.isNaN(t) ? m.date : new Date(t).toLocaleString('en-GB', { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });
}

function Message({ file, onClose }: { file: string; onClose: () => void }) {
  const raw = useQuery({ queryKey: ['portal', 'outbox', file], queryFn: ({ signal }) => fetchOutboxMessage(file, signal), staleTime: Infinity });
  const mail = useMemo(() => (raw.data ? parseMail(raw.data) : null), [raw.data]);
  return (
    <Card data-testid="outbox-message">
      <Group justify="space-between" mb="sm">
        <Text fw={600}>Message</Text>
        <Button size="compact-xs" variant="subtle" onClick={onClose}>
          Close
        </Button>
      </Group>
      {raw.isPending ? (
        <LoadingState label="Opening the message…" rows={3} />
      ) : raw.isError ? (
        <ErrorState error={raw.error} context="message" onRetry={() => void raw.refetch()} />
      ) : mail ? (
        <Stack gap="xs">
          <Text size="sm">
            <b>Subject:</b> {mail.subject}
          </Text>
          <Text size="sm">
            <b>To:</b> {mail.to} · <b>From:</b> {mail.from}
          </Text>
          <Text size="xs" c="dimmed">
            {mail.date}
          </Text>
          <Box p="sm" bg="gray.0" style={{ borderRadius: 8 }}>
            <Text size="sm" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
              {linkify(mail.text).map((p, i) =>
                p.href ? (
                  <Anchor key={i} href={p.href} target="_blank" rel="noreferrer noopener">
                    {p.text}
                  </Anchor>
                ) : (
                  <span key={i}>{p.text}</span>
                ),
              )}
            </Text>
          </Box>
          {mail.links.length > 0 && (
            <Box>
              <Text size="sm" fw={600}>
                Links in this mail
              </Text>
              {mail.links.map((l) => (
                <Anchor key={l} href={l} target="_blank" rel="noreferrer noopener" size="sm" display="block" style={{ overflowWrap: 'anywhere' }}>
                  {l}
                </Anchor>
              ))}
            </Box>
          )}
          <Text size="xs" c="dimmed">
            File <Code fz="xs">{file}</Code>
          </Text>
        </Stack>
      ) : null}
    </Card>
  );
}
