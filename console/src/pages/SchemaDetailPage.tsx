import { Alert, Anchor, Badge, Box, Button, Group, JsonInput, Paper, Select, Stack, Tabs, Text, TextInput, Tooltip } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router-dom';
import { api, get } from '../api/client';
import type { AttributeDefinition, Items, SchemaFailures, SchemaVersionView, SchemaWithDefinition, SourceView } from '../api/types';
import { useSession } from '../auth/session';
import { Empty, ErrorState, LoadingState, PageHeader, RelativeTime } from '../components/common';
import { CheckIcon } from '../components/icons';
import { DataTable } from '../components/DataTable';
import { describeError } from '../lib/errors';
import { formatValue } from '../lib/values';

const PRIVACY_COLOR: Record<string, string> = { public: 'gray', personal: 'blue', sensitive: 'red' };

function rules(a: AttributeDefinition): string {
  const out: string[] = [];
  if (a.unique) out.push('unique');
  if (a.minLength !== undefined) out.push(`≥ ${a.minLength} chars`);
  if (a.maxLength !== undefined) out.push(`≤ ${a.maxLength} chars`);
  if (a.min !== undefined) out.push(`min ${a.min}`);
  if (a.max !== undefined) out.push(`max ${a.max}`);
  if (a.pattern) out.push(`pattern ${a.pattern}`);
  if (a.values) out.push(`one of ${a.values.join(', ')}`);
  if (a.currency) out.push(a.currency);
  if (a.defaultRegion) out.push(`region ${a.defaultRegion}`);
  return out.join(' · ');
}

export default function SchemaDetailPage() {
  const { id = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const tab = params.get('tab') ?? 'attributes';
  const { can } = useSession();
  const schema = useQuery({ queryKey: ['schemas', id], queryFn: ({ signal }) => get<SchemaWithDefinition>(`/schemas/${encodeURIComponent(id)}`, undefined, signal) });

  if (schema.isPending) return <LoadingState label="Loading schema…" />;
  if (schema.isError) return <ErrorState error={schema.error} context="this schema" onRetry={() => void schema.refetch()} />;
  const s = schema.data;
  const setTab = (t: string | null) => setParams(t && t !== 'attributes' ? { tab: t } : {}, { replace: true });

  return (
    <Box>
      <PageHeader
        eyebrow={
          <Anchor component={Link} to="/schemas" size="xs" fw={600} c="dimmed">
            Schemas
          </Anchor>
        }
        title={
          <Group gap="sm" component="span">
            {s.name}
            <Badge variant="light" radius="sm" size="lg">
              v{s.currentVersion}
            </Badge>
          </Group>
        }
        description={s.description ?? `${s.definition.attributes.length} attributes · updated ${new Date(s.updatedAt).toLocaleDateString()}`}
      />
      <Tabs value={tab} onChange={setTab} keepMounted={false}>
        <Tabs.List mb="md">
          <Tabs.Tab value="attributes">Attributes</Tabs.Tab>
          <Tabs.Tab value="versions">Versions</Tabs.Tab>
          {can('schemas:write') && <Tabs.Tab value="edit">Edit</Tabs.Tab>}
          <Tabs.Tab value="failures">Failing records</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="attributes">
          <DataTable
            label="Attributes"
            rows={s.definition.attributes}
            rowKey={(a) => a.name}
            minWidth={720}
            columns={[
              { key: 'name', header: 'Attribute', width: 220, cell: (a) => <Box><Text size="sm" fw={600} ff="monospace">{a.name}</Text>{a.label && <Text size="xs" c="dimmed">{a.label}</Text>}</Box> },
              { key: 'type', header: 'Type', width: 110, cell: (a) => <Badge variant="outline" color="gray" radius="sm" tt="none">{a.type}</Badge> },
              { key: 'req', header: 'Required', width: 100, cell: (a) => (a.required ? <Text size="sm" fw={600}>required</Text> : <Text size="sm" c="dimmed">optional</Text>) },
              { key: 'privacy', header: 'Privacy', width: 110, cell: (a) => <Badge color={PRIVACY_COLOR[a.privacy] ?? 'gray'} variant="light" radius="sm" tt="none">{a.privacy}</Badge> },
              { key: 'rules', header: 'Rules', cell: (a) => <Text size="sm" c={rules(a) ? undefined : 'dimmed'} style={{ overflowWrap: 'anywhere' }}>{rules(a) || '—'}</Text> },
            ]}
          />
        </Tabs.Panel>
        <Tabs.Panel value="versions">
          <Versions id={s.id} />
        </Tabs.Panel>
        {can('schemas:write') && (
          <Tabs.Panel value="edit">
            <EditSchema schema={s} onSaved={(v) => setParams({ tab: 'failures', version: String(v) }, { replace: true })} />
          </Tabs.Panel>
        )}
        <Tabs.Panel value="failures">
          <Failures id={s.id} current={s.currentVersion} initial={Number(params.get('version')) || s.currentVersion} />
        </Tabs.Panel>
      </Tabs>
    </Box>
  );
}

function Versions({ id }: { id: string }) {
  const versions = useQuery({ queryKey: ['schemas', id, 'versions'], queryFn: ({ signal }) => get<Items<SchemaVersionView>>(`/schemas/${id}/versions`, undefined, signal) });
  if (versions.isPending) return <LoadingState label="Loading versions…" />;
  if (versions.isError) return <ErrorState error={versions.error} context="the versions" />;
  const items = [...versions.data.items].sort((a, b) => b.version - a.version);
  return (
    <DataTable
      label="Schema versions"
      rows={items}
      rowKey={(v) => String(v.version)}
      columns={[
        { key: 'v', header: 'Version', width: 100, cell: (v) => <Badge variant="light" radius="sm">v{v.version}</Badge> },
        { key: 'note', header: 'Change note', cell: (v) => <Text size="sm" c={v.changeNote ? undefined : 'dimmed'}>{v.changeNote ?? (v.version === 1 ? 'First version' : 'No note')}</Text> },
        { key: 'attrs', header: 'Attributes', width: 110, cell: (v) => <Text size="sm">{(v.definition as { attributes?: unknown[] }).attributes?.length ?? '—'}</Text> },
        { key: 'at', header: 'Created', width: 150, cell: (v) => <Text size="sm"><RelativeTime iso={v.createdAt} /></Text> },
      ]}
    />
  );
}

function EditSchema({ schema, onSaved }: { schema: SchemaWithDefinition; onSaved: (version: number) => void }) {
  const qc = useQueryClient();
  const [text, setText] = useState(() => JSON.stringify(schema.definition, null, 2));
  const [description, setDescription] = useState(schema.description ?? '');
  const [note, setNote] = useState('');
  const [parseError, setParseError] = useState<string | null>(null);
  useEffect(() => setText(JSON.stringify(schema.definition, null, 2)), [schema.definition]);

  const save = useMutation({
    mutationFn: (definition: unknown) =>
      api<SchemaWithDefinition & { created: boolean }>('PUT', `/schemas/${schema.id}`, { body: { definition, description: description || undefined, changeNote: note || undefined } }),
    onSuccess: (res) => {
      void qc.invalidateQueries({ queryKey: ['schemas'] });
      if (res.created) {
        notifications.show({ color: 'teal', title: `Version ${res.currentVersion} saved`, message: 'Showing the records that fail the new version.' });
        onSaved(res.currentVersion);
      } else notifications.show({ color: 'gray', title: 'Nothing to save', message: 'The definition is the same as the current version.' });
      setNote('');
    },
  });

  const submit = () => {
    try {
      const def = JSON.parse(text) as unknown;
      setParseError(null);
      save.mutate(def);
    } catch (e) {
      setParseError(`This is not valid JSON: ${(e as Error).message}`);
    }
  };
  const err = save.isError ? describeError(save.error) : null;

  return (
    <Paper p="lg">
      <Stack gap="md">
        <Text size="sm" c="dimmed">
          Saving a changed definition creates version {schema.currentVersion + 1}. Existing records keep their version; new and resubmitted records are validated with the new one. Afterwards you see which existing records would fail it.
        </Text>
        <TextInput label="Description" value={description} onChange={(e) => setDescription(e.currentTarget.value)} maxLength={2000} />
        <JsonInput
          label="Definition"
          description="Attributes with name, type, required, unique, privacy (public, personal, sensitive) and rules"
          value={text}
          onChange={setText}
          autosize
          minRows={12}
          maxRows={28}
          formatOnBlur
          validationError="This is not valid JSON"
          styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)', fontSize: 13 } }}
          data-testid="schema-definition"
        />
        <TextInput label="Change note" placeholder="What changed and why (shown in the version list)" value={note} onChange={(e) => setNote(e.currentTarget.value)} maxLength={2000} />
        {(parseError || err) && (
          <Alert color="red" variant="light" role="alert" title={parseError ? 'Cannot save' : err!.title}>
            <Text size="sm">{parseError ?? err!.message}</Text>
            {!parseError &&
              err!.details.map((d) => (
                <Text size="sm" key={d}>
                  • {d}
                </Text>
              ))}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={() => setText(JSON.stringify(schema.definition, null, 2))}>
            Reset
          </Button>
          <Button onClick={submit} loading={save.isPending}>
            Save as version {schema.currentVersion + 1}
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}

function Failures({ id, current, initial }: { id: string; current: number; initial: number }) {
  const [version, setVersion] = useState(String(Math.min(initial, current)));
  useEffect(() => setVersion(String(Math.min(initial, current))), [initial, current]);
  const sources = useQuery({ queryKey: ['sources'], queryFn: ({ signal }) => get<Items<SourceView>>('/sources', undefined, signal) });
  const failures = useQuery({
    queryKey: ['schemas', id, 'failures', version],
    queryFn: ({ signal }) => get<SchemaFailures>(`/schemas/${id}/versions/${version}/failures`, { limit: 200 }, signal),
  });
  const sourceName = (sid: string) => sources.data?.items.find((s) => s.id === sid)?.name ?? sid;
  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-end">
        <Text size="sm" c="dimmed" maw={640}>
          Records validated with an earlier version that would not pass the selected version. Fix them at their source, or adjust the schema.
        </Text>
        <Select
          label="Check against version"
          data={Array.from({ length: current }, (_, i) => ({ value: String(current - i), label: `v${current - i}${current - i === current ? ' (current)' : ''}` }))}
          value={version}
          onChange={(v) => v && setVersion(v)}
          allowDeselect={false}
          w={200}
        />
      </Group>
      {failures.isPending ? (
        <LoadingState label="Checking records against this version…" />
      ) : failures.isError ? (
        <ErrorState error={failures.error} context="the failing records" onRetry={() => void failures.refetch()} />
      ) : failures.data.items.length === 0 ? (
        <Paper p="lg">
          <Empty title="No failing records" description={`All ${failures.data.scanned} records checked pass version ${version}.`} icon={<CheckIcon size={22} />} />
        </Paper>
      ) : (
        <>
          <Text size="sm" fw={600} data-testid="failure-count">
            {failures.data.items.length}
            {failures.data.nextCursor ? '+' : ''} of {failures.data.scanned} records checked fail version {version}
          </Text>
          <DataTable
            label="Records failing the version"
            rows={failures.data.items}
            rowKey={(f) => f.recordId}
            columns={[
              { key: 'src', header: 'Source', width: 140, cell: (f) => <Badge variant="light" tt="none" radius="sm">{sourceName(f.sourceId)}</Badge> },
              { key: 'key', header: 'Key', width: 150, cell: (f) => <Text size="sm" ff="monospace">{f.sourceKey}</Text> },
              { key: 'ver', header: 'Validated with', width: 130, cell: (f) => <Text size="sm">v{f.schemaVersion}</Text> },
              {
                key: 'err',
                header: 'Would fail because',
                cell: (f) => (
                  <Stack gap={2}>
                    {f.errors.map((e, i) => (
                      <Text size="sm" c="red.8" key={i}>
                        <b>{e.field}</b>: {e.message}
                        {e.value !== undefined && (
                          <Tooltip label="The stored value">
                            <Text span c="dimmed"> (“{formatValue(e.value)}”)</Text>
                          </Tooltip>
                        )}
                      </Text>
                    ))}
                  </Stack>
                ),
              },
            ]}
          />
        </>
      )}
    </Stack>
  );
}
