// Consent coverage on the quality dashboard (issue 7): share of active customers with a valid consent per
// purpose and channel. Shown to those who may read consent; the purposes page has the details.
import { Anchor, Group, Paper, Progress, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router-dom';
import { get } from '../../api/client';
import type { Coverage } from '../../api/privacy';
import { useSession } from '../../auth/session';
import { Empty, ErrorState, LoadingState } from '../../components/common';

function percent(share: number | null): string {
  return share === null ? '—' : `${(share * 100).toFixed(1)} %`;
}

export function ConsentCoverageCard() {
  const { can } = useSession();
  const allowed = can('consent:read');
  const coverage = useQuery({
    queryKey: ['consent', 'coverage'],
    queryFn: ({ signal }) => get<Coverage>('/consent/coverage', undefined, signal),
    enabled: allowed,
    staleTime: 60_000,
    retry: false,
  });
  if (!allowed) return null;
  return (
    <Paper p="lg" data-testid="consent-coverage">
      <Group justify="space-between" mb="md">
        <Title order={2} fz={18}>
          Consent coverage
        </Title>
        <Anchor component={Link} to="/consent" size="sm">
          Purposes and notices
        </Anchor>
      </Group>
      {coverage.isPending ? (
        <LoadingState label="Counting consents…" rows={2} />
      ) : coverage.isError ? (
        <ErrorState error={coverage.error} context="consent coverage" onRetry={() => void coverage.refetch()} />
      ) : coverage.data.purposes.length === 0 ? (
        <Empty compact title="No consent purposes yet" description="Define a purpose (e-mail marketing, SMS offers…) to see how many customers may be contacted for it." />
      ) : (
        <Stack gap="sm">
          <Text size="xs" c="dimmed">
            Share of {coverage.data.customers.toLocaleString()} active customers with a valid consent now.
          </Text>
          {coverage.data.purposes.map((p) => (
            <div key={p.purpose}>
              <Group justify="space-between" gap="xs">
                <Text size="sm" fw={600}>
                  {p.name}
                </Text>
                <Text size="sm" data-testid={`coverage-${p.purpose}`}>
                  {percent(p.share)} · {p.consented.toLocaleString()}
                </Text>
              </Group>
              <Progress value={(p.share ?? 0) * 100} color="teal" size="sm" aria-label={`${p.name}: ${percent(p.share)} of customers consented`} />
              {p.byChannel.length > 1 && (
                <Text size="xs" c="dimmed" mt={2}>
                  {p.byChannel.map((c) => `${c.channel} ${percent(c.share)}`).join(' · ')}
                </Text>
              )}
            </div>
          ))}
        </Stack>
      )}
    </Paper>
  );
}
