import { Badge, Box, Paper, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useNavigate } from 'react-router-dom';
import { get } from '../api/client';
import type { BusinessAreaView, Items, SchemaView } from '../api/types';
import { Empty, ErrorState, LoadingState, PageHeader, RelativeTime } from '../components/common';
import { DataTable } from '../components/DataTable';

export default function SchemasPage() {
  const navigate = useNavigate();
  const schemas = useQuery({ queryKey: ['schemas'], queryFn: ({ signal }) => get<Items<SchemaView>>('/schemas', undefined, signal) });
  const areas = useQuery({ queryKey: ['business-areas'], queryFn: ({ signal }) => get<Items<BusinessAreaView>>('/business-areas', undefined, signal) });
  const areaName = (id: string) => areas.data?.items.find((a) => a.id === id)?.name ?? '—';

  return (
    <Box>
      <PageHeader title="Schemas" description="The shape of a customer record: attributes, types, rules and privacy class. Every change is a new version; records keep the version they were validated with." />
      {schemas.isPending ? (
        <LoadingState label="Loading schemas…" />
      ) : schemas.isError ? (
        <ErrorState error={schemas.error} context="schemas" onRetry={() => void schemas.refetch()} />
      ) : schemas.data.items.length === 0 ? (
        <Paper p="lg">
          <Empty title="No schemas yet" description="A schema defines the attributes of a customer record. Create one with the API (POST /api/v1/schemas) or the CLI; it will appear here." />
        </Paper>
      ) : (
        <DataTable
          label="Schemas"
          rows={schemas.data.items}
          rowKey={(s) => s.id}
          onOpen={(s) => navigate(`/schemas/${s.id}`)}
          rowLabel={(s) => `Open schema ${s.name}`}
          columns={[
            { key: 'name', header: 'Name', width: 200, cell: (s) => <Text fw={600} size="sm">{s.name}</Text> },
            { key: 'desc', header: 'Description', cell: (s) => <Text size="sm" c={s.description ? undefined : 'dimmed'} lineClamp={2}>{s.description ?? 'No description'}</Text> },
            { key: 'area', header: 'Business area', width: 150, cell: (s) => <Text size="sm">{areaName(s.businessAreaId)}</Text> },
            { key: 'version', header: 'Version', width: 100, cell: (s) => <Badge variant="light" radius="sm">v{s.currentVersion}</Badge> },
            { key: 'updated', header: 'Updated', width: 140, cell: (s) => <Text size="sm"><RelativeTime iso={s.updatedAt} /></Text> },
          ]}
        />
      )}
    </Box>
  );
}
