import { Alert, Badge, Box, Button, DataList, Drawer, Group, Modal, NumberInput, Paper, Select, Stack, Text, TextInput, Textarea } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate, useParams } from 'react-router-dom';
import { DATA_NATURES, SYSTEM_TYPES } from '@server/modules/sources/sources.schemas.js';
import { api, get } from '../api/client';
import type { Items, SchemaView, SourceView } from '../api/types';
import { useSession } from '../auth/session';
import { Empty, ErrorState, LoadingState, PageHeader, RelativeTime } from '../components/common';
import { DataTable } from '../components/DataTable';
import { describeError } from '../lib/errors';

export default function SourcesPage() {
  const navigate = useNavigate();
  const { id } = useParams();
  const { can } = useSession();
  const [creating, setCreating] = useState(false);
  const sources = useQuery({ queryKey: ['sources'], queryFn: ({ signal }) => get<Items<SourceView>>('/sources', undefined, signal) });
  const schemas = useQuery({ queryKey: ['schemas'], queryFn: ({ signal }) => get<Items<SchemaView>>('/schemas', undefined, signal) });
  const schemaName = (sid: string) => schemas.data?.items.find((s) => s.id === sid)?.name ?? '—';
  const selected = sources.data?.items.find((s) => s.id === id || s.name === id);

  return (
    <Box>
      <PageHeader
        title="Sources"
        description="Every system that sends customer records, with its provenance: who owns it, how and when the data was collected, under which terms, and how much it is trusted."
        actions={can('sources:write') && <Button onClick={() => setCreating(true)}>Register a source</Button>}
      />
      {sources.isPending ? (
        <LoadingState label="Loading sources…" />
      ) : sources.isError ? (
        <ErrorState error={sources.error} context="sources" onRetry={() => void sources.refetch()} />
      ) : sources.data.items.length === 0 ? (
        <Paper p="lg">
          <Empty title="No sources yet" description="Register the systems that send customer data (CRM, web shop, point of sale…) so their records can be loaded and traced." action={can('sources:write') && <Button onClick={() => setCreating(true)}>Register a source</Button>} />
        </Paper>
      ) : (
        <DataTable
          label="Sources"
          rows={sources.data.items}
          rowKey={(s) => s.id}
          onOpen={(s) => navigate(`/sources/${s.id}`)}
          rowLabel={(s) => `Open source ${s.name}`}
          minWidth={760}
          columns={[
            { key: 'name', header: 'Source', width: 180, cell: (s) => <Group gap={6}><Text size="sm" fw={600}>{s.name}</Text>{s.archived && <Badge size="xs" color="gray" variant="light">archived</Badge>}</Group> },
            { key: 'type', header: 'System', width: 110, cell: (s) => <Badge variant="outline" color="gray" tt="none" radius="sm">{s.systemType}</Badge> },
            { key: 'schema', header: 'Schema', width: 130, cell: (s) => <Text size="sm">{schemaName(s.schemaId)}</Text> },
            { key: 'owner', header: 'Owner', cell: (s) => <Text size="sm" c={s.owner ? undefined : 'dimmed'}>{s.owner ?? 'Not set'}</Text> },
            { key: 'trust', header: 'Trust', width: 90, cell: (s) => <Text size="sm">{s.trustRank}</Text> },
            { key: 'nature', header: 'Data', width: 100, cell: (s) => <Text size="sm">{s.dataNature}</Text> },
            { key: 'updated', header: 'Updated', width: 130, cell: (s) => <Text size="sm"><RelativeTime iso={s.updatedAt} /></Text> },
          ]}
        />
      )}
      <Drawer opened={!!id} onClose={() => navigate('/sources')} position="right" size="md" title={<Text fw={650}>{selected?.name ?? 'Source'}</Text>}>
        {selected ? <Provenance source={selected} schema={schemaName(selected.schemaId)} /> : sources.isSuccess ? <Empty title="Source not found" description="It may have been removed." /> : <LoadingState />}
      </Drawer>
      <Modal opened={creating} onClose={() => setCreating(false)} title={<Text fw={650}>Register a source</Text>} size="lg">
        <CreateSource schemas={schemas.data?.items ?? []} onDone={() => setCreating(false)} />
      </Modal>
    </Box>
  );
}

function Provenance({ source: s, schema }: { source: SourceView; schema: string }) {
  const row = (label: string, value: React.ReactNode) => (
    <DataList.Item>
      <DataList.ItemLabel>{label}</DataList.ItemLabel>
      <DataList.ItemValue>{value ?? <Text span c="dimmed">Not recorded</Text>}</DataList.ItemValue>
    </DataList.Item>
  );
  return (
    <Stack>
      {s.description && <Text size="sm">{s.description}</Text>}
      <DataList size="sm" labelWidth={150} withDivider className="cst-kv">
        {row('System type', s.systemType)}
        {row('Schema', schema)}
        {row('Owner', s.owner)}
        {row('Collection method', s.collectionMethod)}
        {row('Collected', s.collectedFrom || s.collectedTo ? `${s.collectedFrom ? new Date(s.collectedFrom).toLocaleDateString() : '…'} – ${s.collectedTo ? new Date(s.collectedTo).toLocaleDateString() : 'ongoing'}` : null)}
        {row('Refresh', s.refreshFrequency)}
        {row('Nature of data', s.dataNature)}
        {row('Privacy terms', s.privacyTerms)}
        {row('Licence', s.licence)}
        {row('Trust rank', `${s.trustRank} / 100`)}
        {row('Phone region', s.defaultRegion)}
        {row('Registered', <RelativeTime iso={s.createdAt} />)}
        {row('Status', s.archived ? 'Archived' : 'Active')}
      </DataList>
    </Stack>
  );
}

function CreateSource({ schemas, onDone }: { schemas: SchemaView[]; onDone: () => void }) {
  const qc = useQueryClient();
  const [f, setF] = useState({ name: '', schema: schemas[0]?.name ?? '', systemType: 'crm', owner: '', description: '', collectionMethod: '', refreshFrequency: '', dataNature: 'factual', privacyTerms: '', licence: '', trustRank: 50 as number | string });
  const set = (k: keyof typeof f) => (v: string | number | null) => setF((x) => ({ ...x, [k]: v ?? '' }));
  const create = useMutation({
    mutationFn: () =>
      api<SourceView>('POST', '/sources', {
        body: {
          name: f.name.trim(),
          schema: f.schema,
          systemType: f.systemType,
          dataNature: f.dataNature,
          trustRank: Number(f.trustRank) || 50,
          ...Object.fromEntries((['owner', 'description', 'collectionMethod', 'refreshFrequency', 'privacyTerms', 'licence'] as const).filter((k) => f[k].trim()).map((k) => [k, f[k].trim()])),
        },
      }),
    onSuccess: (s) => {
      void qc.invalidateQueries({ queryKey: ['sources'] });
      notifications.show({ color: 'teal', title: 'Source registered', message: `${s.name} can now send records.` });
      onDone();
    },
  });
  const err = create.isError ? describeError(create.error) : null;
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        create.mutate();
      }}
    >
      <Stack gap="sm">
        {schemas.length === 0 && <Alert color="yellow">Create a schema first: every source sends records of one schema.</Alert>}
        <Group grow align="flex-start">
          <TextInput label="Name" description="Lowercase, e.g. webshop" required value={f.name} onChange={(e) => set('name')(e.currentTarget.value)} />
          <Select label="Schema" required data={schemas.map((s) => s.name)} value={f.schema} onChange={set('schema')} allowDeselect={false} />
        </Group>
        <Group grow>
          <Select label="System type" data={[...SYSTEM_TYPES]} value={f.systemType} onChange={set('systemType')} allowDeselect={false} />
          <Select label="Nature of data" data={[...DATA_NATURES]} value={f.dataNature} onChange={set('dataNature')} allowDeselect={false} />
          <NumberInput label="Trust rank" min={1} max={100} value={f.trustRank} onChange={set('trustRank')} />
        </Group>
        <TextInput label="Owner" value={f.owner} onChange={(e) => set('owner')(e.currentTarget.value)} />
        <Textarea label="Description" value={f.description} onChange={(e) => set('description')(e.currentTarget.value)} autosize minRows={2} />
        <Group grow>
          <TextInput label="Collection method" value={f.collectionMethod} onChange={(e) => set('collectionMethod')(e.currentTarget.value)} />
          <TextInput label="Refresh frequency" placeholder="daily, weekly…" value={f.refreshFrequency} onChange={(e) => set('refreshFrequency')(e.currentTarget.value)} />
        </Group>
        <Group grow>
          <TextInput label="Privacy terms" value={f.privacyTerms} onChange={(e) => set('privacyTerms')(e.currentTarget.value)} />
          <TextInput label="Licence" value={f.licence} onChange={(e) => set('licence')(e.currentTarget.value)} />
        </Group>
        {err && (
          <Alert color="red" variant="light" title={err.title} role="alert">
            {err.message}
            {err.details.map((d) => (
              <Text size="sm" key={d}>
                • {d}
              </Text>
            ))}
          </Alert>
        )}
        <Group justify="flex-end" mt="sm">
          <Button variant="default" onClick={onDone}>
            Cancel
          </Button>
          <Button type="submit" loading={create.isPending}>
            Register source
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
