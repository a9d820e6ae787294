import { Alert, Anchor, Badge, Box, Card, DataList, Grid, Group, Paper, RingProgress, SimpleGrid, Stack, Table, Text, Timeline, Title, Tooltip } from '@mantine/core';
import { useQueries, useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { Link, useParams } from 'react-router-dom';
import { get } from '../api/client';
import { useUserName } from '../api/users';
import type { CustomerView, RecordQualityView, RecordView, SchemaWithDefinition } from '../api/types';
import { useMe, useSession } from '../auth/session';
import { Empty, ErrorState, IdText, LoadingState, PageHeader, RelativeTime, StatusBadge, ValueText } from '../components/common';
import { goldenRows, ruleLabel, type Verification } from '../lib/golden';
import { buildTimeline, describeChange, type HistoryVersion } from '../lib/history';
import { issueLabel } from '../lib/kpis';
import { customerQuality, scoreColor, type AttributeInfo } from '../lib/quality';
import { attributeLabel, formatValue, isMasked } from '../lib/values';
import { CustomerGoldenPanel } from './customer/CustomerGoldenPanel';
import { CustomerPrivacyPanel } from './customer/CustomerPrivacyPanel';

export default function CustomerPage() {
  const { id = '' } = useParams();
  const customer = useQuery({
    queryKey: ['customers', id, 'full'],
    queryFn: ({ signal }) => get<CustomerView>(`/customers/${encodeURIComponent(id)}`, { include: 'records,history' }, signal),
  });
  const schemaIds = useMemo(() => [...new Set((customer.data?.records ?? []).map((r) => r.schemaId))], [customer.data]);
  const schemas = useQueries({
    queries: schemaIds.map((sid) => ({
      queryKey: ['schemas', sid],
      queryFn: ({ signal }: { signal: AbortSignal }) => get<SchemaWithDefinition>(`/schemas/${sid}`, undefined, signal),
      staleTime: 5 * 60_000,
    })),
  });
  const validIds = useMemo(() => (customer.data?.records ?? []).filter((r) => r.status === 'valid').map((r) => r.id), [customer.data]);
  const qualities = useQueries({
    queries: validIds.map((rid) => ({
      queryKey: ['records', rid, 'quality'],
      queryFn: ({ signal }: { signal: AbortSignal }) => get<RecordQualityView>(`/records/${rid}/quality`, undefined, signal),
      retry: false,
    })),
  });
  const qualityOf = useMemo(() => new Map(qualities.flatMap((q) => (q.data ? [[q.data.recordId, q.data] as const] : []))), [qualities]);
  const attributes = useMemo<AttributeInfo[]>(() => {
    const seen = new Map<string, AttributeInfo & { label?: string }>();
    for (const s of schemas) for (const a of s.data?.definition.attributes ?? []) if (!seen.has(a.name)) seen.set(a.name, { name: a.name, required: a.required, privacy: a.privacy, label: a.label });
    return [...seen.values()];
  }, [schemas]);

  if (customer.isPending) return <LoadingState label="Loading customer…" rows={8} />;
  if (customer.isError) return <ErrorState error={customer.error} context="this customer" onRetry={() => void customer.refetch()} />;
  const c = customer.data;
  const live = c.records.filter((r) => r.status !== 'deleted');
  const quality = customerQuality(attributes, live);
  const labels = new Map(attributes.map((a) => [a.name, attributeLabel(a.name, (a as { label?: string }).label)]));
  const scores = [...qualityOf.values()].map((q) => q.score).filter((x): x is number => x !== null);
  const score = scores.length ? Math.min(...scores) : null;
  const qualityIssues = [...qualityOf.values()].flatMap((q) => q.issues.map((i) => ({ recordId: q.recordId, issue: i })));
  const verificationOf = (recordId: string, attr: string): Verification | null => (qualityOf.get(recordId)?.verification[attr] as Verification | undefined) ?? null;

  return (
    <Box>
      <PageHeader
        eyebrow="Customer"
        title={c.displayName ?? 'Unnamed customer'}
        description={
          <Group gap="sm" component="span" wrap="wrap">
            <IdText id={c.id} chars={30} />
            <StatusBadge status={c.status} />
            <Text span size="sm" c="dimmed">
              created <RelativeTime iso={c.createdAt} /> · updated <RelativeTime iso={c.updatedAt} />
            </Text>
          </Group>
        }
      />
      {c.mergedInto && (
        <Alert color="violet" variant="light" mb="md" title="This customer was merged">
          Its records now belong to <Anchor component={Link} to={`/customers/${c.mergedInto}`}>{c.mergedInto}</Anchor>.
        </Alert>
      )}

      <Grid gap="lg">
        <Grid.Col span={{ base: 12, md: 8 }}>
          <Stack gap="lg">
            <GoldenRecord golden={c.golden} labels={labels} attributes={attributes} verificationOf={verificationOf} />
            <Box>
              <SectionTitle title="Source records" hint={`${live.length} record${live.length === 1 ? '' : 's'} from ${new Set(live.map((r) => r.sourceId)).size} source${new Set(live.map((r) => r.sourceId)).size === 1 ? '' : 's'}`} />
              {c.records.length === 0 ? (
                <Paper p="lg">
                  <Empty title="No source records" description="No source system has sent a record for this customer yet." />
                </Paper>
              ) : (
                <Stack gap="md">
                  {c.records.map((r) => (
                    <SourceRecordCard key={r.id} record={r} attributes={attributes} labels={labels} verificationOf={verificationOf} />
                  ))}
                </Stack>
              )}
            </Box>
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 4 }}>
          <Stack gap="lg">
            <Card>
              <Text fw={600} mb="sm">
                Quality
              </Text>
              {attributes.length === 0 ? (
                <Text size="sm" c="dimmed">
                  Quality is measured against the schema once it has loaded.
                </Text>
              ) : (
                <>
                  {score !== null && (
                    <Group justify="space-between" mb="sm">
                      <Text size="sm" fw={600}>
                        Quality score
                      </Text>
                      <Badge size="lg" variant="light" color={scoreColor(score)} data-testid="quality-score">
                        {score} / 100
                      </Badge>
                    </Group>
                  )}
                  <Group gap="md" wrap="nowrap">
                    <RingProgress
                      size={88}
                      thickness={9}
                      roundCaps
                      sections={[{ value: quality.completeness, color: scoreColor(quality.completeness) }]}
                      label={
                        <Text ta="center" fw={700} size="md" data-testid="completeness">
                          {quality.completeness}%
                        </Text>
                      }
                      aria-label={`Completeness ${quality.completeness} percent`}
                    />
                    <Box>
                      <Text size="sm" fw={600}>
                        Completeness
                      </Text>
                      <Text size="xs" c="dimmed">
                        {quality.filled} of {quality.total} attributes have a valid value
                      </Text>
                    </Box>
                  </Group>
                  {quality.missingRequired.length > 0 && (
                    <Alert mt="md" color="red" variant="light" p="xs" title="Missing required values">
                      <Text size="xs">{quality.missingRequired.map((m) => labels.get(m) ?? m).join(', ')}</Text>
                    </Alert>
                  )}
                  {quality.missing.length > 0 && (
                    <Text size="xs" c="dimmed" mt="sm">
                      Not known: {quality.missing.map((m) => labels.get(m) ?? m).join(', ')}
                    </Text>
                  )}
                  <Text size="sm" fw={600} mt="md" mb={4}>
                    Issues
                  </Text>
                  {qualityIssues.map((i) => (
                    <Text size="xs" key={`${i.recordId}-${i.issue}`}>
                      {issueLabel(i.issue)}
                    </Text>
                  ))}
                  {quality.issues.length === 0 && qualityIssues.length === 0 ? (
                    <Text size="xs" c="dimmed">
                      No validation issues on this customer's records.
                    </Text>
                  ) : (
                    <Stack gap={4}>
                      {quality.issues.map((i, n) => (
                        <Text size="xs" key={n}>
                          <b>{labels.get(i.field) ?? i.field}</b> ({i.source}): {i.message}
                        </Text>
                      ))}
                    </Stack>
                  )}
                </>
              )}
            </Card>
            <Card>
              <Text fw={600} mb="sm">
                At a glance
              </Text>
              <DataList size="sm" labelWidth={110} className="cst-kv">
                <DataList.Item>
                  <DataList.ItemLabel>Sources</DataList.ItemLabel>
                  <DataList.ItemValue>{[...new Set(live.map((r) => r.sourceName ?? r.sourceId))].join(', ') || '—'}</DataList.ItemValue>
                </DataList.Item>
                <DataList.Item>
                  <DataList.ItemLabel>Versions</DataList.ItemLabel>
                  <DataList.ItemValue>{c.history?.length ?? 0} changes recorded</DataList.ItemValue>
                </DataList.Item>
                <DataList.Item>
                  <DataList.ItemLabel>Masked</DataList.ItemLabel>
                  <DataList.ItemValue>{maskedSummary(c.records)}</DataList.ItemValue>
                </DataList.Item>
              </DataList>
            </Card>
          </Stack>
        </Grid.Col>
      </Grid>

      {/* Golden-record actions (merges, unmerge) and privacy (consents, verification link) live in their own files. */}
      <CustomerGoldenPanel customerId={c.id} />
      <CustomerPrivacyPanel customerId={c.id} />

      <Box mt="xl">
        <SectionTitle title="History" hint="Every version of every source record, newest first" />
        <HistoryTimeline history={(c.history ?? []) as HistoryVersion[]} records={c.records} labels={labels} />
      </Box>
    </Box>
  );
}

function maskedSummary(records: RecordView[]): string {
  const fields = [...new Set(records.flatMap((r) => r.masked))];
  return fields.length === 0 ? 'Nothing — your role sees every value' : `${fields.length} field${fields.length === 1 ? '' : 's'} hidden for your role`;
}

function SectionTitle({ title, hint }: { title: string; hint?: string }) {
  return (
    <Group justify="space-between" align="baseline" mb="sm" gap="xs">
      <Title order={2} fz={18}>
        {title}
      </Title>
      {hint && (
        <Text size="xs" c="dimmed">
          {hint}
        </Text>
      )}
    </Group>
  );
}

const VERIFY_COLOR: Record<string, string> = { valid: 'teal', suspect: 'yellow', invalid: 'red' };

function VerificationDot({ v }: { v: Verification | null }) {
  if (!v) return null;
  const by = v.verifiedBy === 'steward' ? 'a steward' : v.verifiedBy === 'customer' ? 'the customer' : 'automatic checks';
  return (
    <Tooltip label={`${v.status === 'valid' ? 'Valid' : v.status === 'suspect' ? 'Suspect' : 'Invalid'} — checked by ${by}, ${new Date(v.verifiedAt).toLocaleDateString()}${v.reasons.length ? `: ${v.reasons.map((r) => r.message).join('; ')}` : ''}`}>
      <Badge size="xs" variant="dot" color={VERIFY_COLOR[v.status] ?? 'gray'} tt="none" tabIndex={0}>
        {v.verifiedBy === 'steward' || v.verifiedBy === 'customer' ? `verified by ${v.verifiedBy}` : v.status}
      </Badge>
    </Tooltip>
  );
}

function GoldenRecord({ golden, labels, attributes, verificationOf }: { golden: Record<string, unknown>; labels: Map<string, string>; attributes: AttributeInfo[]; verificationOf: (recordId: string, attr: string) => Verification | null }) {
  const me = useMe();
  const rows = goldenRows(golden, attributes.map((a) => a.name), new Map(attributes.map((a) => [a.name, a.privacy])), me.permissions, verificationOf);
  return (
    <Box>
      <SectionTitle title="Golden record" hint="The best value of each attribute, with where it came from" />
      {rows.length === 0 ? (
        <Paper p="lg">
          <Empty
            compact
            title="No golden record yet"
            description="Custodian combines this customer's source records into one golden record, showing where each value came from, the rule that chose it and when. Until then, the source records below are the full picture."
          />
        </Paper>
      ) : (
        <div className="cst-table-wrap">
          <Table.ScrollContainer minWidth={560}>
            <Table aria-label="Golden record" data-testid="golden-record" verticalSpacing="xs">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th w={150}>Attribute</Table.Th>
                  <Table.Th>Value</Table.Th>
                  <Table.Th w={230}>Lineage</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.map((g) => (
                  <Table.Tr key={g.attribute}>
                    <Table.Td>
                      <Text size="sm" c="dimmed">
                        {labels.get(g.attribute) ?? attributeLabel(g.attribute)}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Group gap={6} wrap="wrap">
                        <ValueText value={g.value} masked={g.hidden} />
                        <VerificationDot v={g.verification} />
                      </Group>
                    </Table.Td>
                    <Table.Td>
                      <Text size="xs">
                        <b>{g.sourceName ?? 'steward'}</b>
                        {g.sourceKey ? ` · ${g.sourceKey}` : ''}
                      </Text>
                      <Text size="xs" c="dimmed">
                        {ruleLabel(g.rule)} · <RelativeTime iso={g.chosenAt} />
                      </Text>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </div>
      )}
    </Box>
  );
}

function SourceRecordCard({ record: r, attributes, labels, verificationOf }: { record: RecordView; attributes: AttributeInfo[]; labels: Map<string, string>; verificationOf: (recordId: string, attr: string) => Verification | null }) {
  const shown = r.values ?? r.raw;
  const names = [...new Set([...attributes.map((a) => a.name), ...Object.keys(shown)])].filter((n) => n in shown || attributes.some((a) => a.name === n));
  const extras = Object.entries(r.extras ?? {});
  const { can } = useSession();
  return (
    <Card p={0} data-testid="source-record">
      <Group justify="space-between" px="md" py="sm" style={{ borderBottom: '1px solid var(--mantine-color-gray-2)' }} wrap="wrap" gap="xs">
        <Group gap="sm" wrap="wrap">
          <Badge variant="light" color="indigo" radius="sm" tt="none" size="lg">
            {r.sourceName ?? r.sourceId}
          </Badge>
          <Text size="sm" ff="monospace">
            {r.sourceKey}
          </Text>
          <StatusBadge status={r.status} />
        </Group>
        <Text size="xs" c="dimmed">
          version {r.version} · schema v{r.schemaVersion} · updated <RelativeTime iso={r.updatedAt} />
        </Text>
      </Group>
      <Box px="md" py="sm">
        <DataList size="sm" labelWidth={150} className="cst-kv">
          {names.map((n) => (
            <DataList.Item key={n}>
              <DataList.ItemLabel>{labels.get(n) ?? attributeLabel(n)}</DataList.ItemLabel>
              <DataList.ItemValue>
                <Group gap={6} wrap="wrap" component="span">
                  <ValueText value={shown[n]} masked={isMasked(r.masked, n)} />
                  {shown[n] !== null && shown[n] !== undefined && <VerificationDot v={verificationOf(r.id, n)} />}
                </Group>
              </DataList.ItemValue>
            </DataList.Item>
          ))}
        </DataList>
        {extras.length > 0 && (
          <Text size="xs" c="dimmed" mt="sm">
            Not in the schema (kept as extras): {extras.map(([k]) => k).join(', ')}
          </Text>
        )}
        {r.errors.length > 0 && (
          <Alert color="red" variant="light" mt="sm" p="xs" title="Validation problems">
            {r.errors.map((e, i) => (
              <Text size="xs" key={i}>
                {labels.get(e.field) ?? e.field}: {e.message}
              </Text>
            ))}
            {r.status === 'rejected' && can('records:write') && (
              <Anchor component={Link} to={`/quarantine/${r.id}`} size="xs">
                Fix it in quarantine
              </Anchor>
            )}
          </Alert>
        )}
      </Box>
    </Card>
  );
}

function HistoryTimeline({ history, records, labels }: { history: HistoryVersion[]; records: RecordView[]; labels: Map<string, string> }) {
  const entries = buildTimeline(history);
  const nameOf = useUserName();
  const sourceOf = new Map(records.map((r) => [r.id, r.sourceName ?? r.sourceId]));
  const maskedOf = new Map(records.map((r) => [r.id, r.masked]));
  if (entries.length === 0) {
    return (
      <Paper p="lg">
        <Empty title="No history yet" description="Changes to this customer's records will appear here." />
      </Paper>
    );
  }
  return (
    <Paper p="lg">
      <Timeline bulletSize={14} lineWidth={2} active={entries.length} color="indigo">
        {entries.map((e) => (
          <Timeline.Item
            key={`${e.recordId}-${e.version}`}
            color={e.status === 'rejected' ? 'red' : e.status === 'deleted' ? 'gray' : 'indigo'}
            title={
              <Group gap="xs" wrap="wrap">
                <Text fw={600} size="sm">
                  {describeChange(e)}
                </Text>
                <Badge size="xs" variant="light" tt="none" radius="sm">
                  {sourceOf.get(e.recordId) ?? 'source'} · {e.sourceKey}
                </Badge>
                <Text size="xs" c="dimmed">
                  v{e.version}
                </Text>
              </Group>
            }
          >
            <Text size="xs" c="dimmed">
              <RelativeTime iso={e.changedAt} />
              {e.changedBy ? ` · by ${nameOf(e.changedBy) ?? (e.changedBy.startsWith('key_') ? 'an integration' : e.changedBy.startsWith('usr_') ? 'a user' : e.changedBy)}` : ''}
            </Text>
            {e.changes.length > 0 && e.version > 1 && (
              <SimpleGrid cols={1} spacing={2} mt={6}>
                {e.changes.slice(0, 8).map((ch) => (
                  <Text size="xs" key={ch.field}>
                    <b>{labels.get(ch.field) ?? attributeLabel(ch.field)}</b>{' '}
                    {isMasked(maskedOf.get(e.recordId), ch.field) ? (
                      <Tooltip label="Masked for your role">
                        <span>changed (value hidden)</span>
                      </Tooltip>
                    ) : ch.kind === 'added' ? (
                      <>set to “{formatValue(ch.after)}”</>
                    ) : ch.kind === 'removed' ? (
                      <>cleared (was “{formatValue(ch.before)}”)</>
                    ) : (
                      <>
                        “{formatValue(ch.before)}” → “{formatValue(ch.after)}”
                      </>
                    )}
                  </Text>
                ))}
              </SimpleGrid>
            )}
            {e.errors.length > 0 && (
              <Text size="xs" c="red.7" mt={4}>
                {e.errors.map((x) => `${labels.get(x.field) ?? x.field}: ${x.message}`).join('; ')}
              </Text>
            )}
          </Timeline.Item>
        ))}
      </Timeline>
    </Paper>
  );
}
