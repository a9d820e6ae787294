import { Alert, Badge, Box, Button, Code, CopyButton, Group, Modal, MultiSelect, Paper, PasswordInput, Stack, Switch, Tabs, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { createApiKeySchema, createUserSchema, roleSchema } from '@server/modules/governance/governance.schemas.js';
import { api, get } from '../api/client';
import type { ApiKeyView, BusinessAreaView, Items, UserView } from '../api/types';
import { useMe } from '../auth/session';
import { Empty, ErrorState, LoadingState, PageHeader, RelativeTime, StatusBadge } from '../components/common';
import { DataTable } from '../components/DataTable';
import { describeError, humanField } from '../lib/errors';

const ROLE_HELP: Record<string, string> = {
  admin: 'everything',
  steward: 'fix and load data, sees sensitive values',
  agent: 'looks customers up, sees personal data',
  analyst: 'reads data, personal values masked',
  auditor: 'reads the audit log',
};
const ROLE_OPTIONS = roleSchema.options.map((r) => ({ value: r, label: `${r} — ${ROLE_HELP[r] ?? ''}` }));

function Roles({ roles }: { roles: readonly string[] }) {
  return (
    <Group gap={4}>
      {roles.map((r) => (
        <Badge key={r} size="sm" variant="light" tt="none" radius="sm" color={r === 'admin' ? 'grape' : 'indigo'}>
          {r}
        </Badge>
      ))}
    </Group>
  );
}

/** zod issues (from the server's own schemas) → one message per field. */
function zodProblems(result: { success: boolean; error?: { issues: Array<{ path: PropertyKey[]; message: string }> } }): Record<string, string> {
  const out: Record<string, string> = {};
  if (!result.success) for (const i of result.error!.issues) out[String(i.path[0] ?? '')] ??= i.message;
  return out;
}

export default function UsersPage() {
  const [params, setParams] = useSearchParams();
  return (
    <Box>
      <PageHeader title="Users & API keys" description="People who sign in to the console, and keys that integrations use to call the API. Roles decide what each can see and change." />
      <Tabs value={params.get('tab') ?? 'users'} onChange={(t) => setParams(t === 'keys' ? { tab: 'keys' } : {}, { replace: true })}>
        <Tabs.List mb="md">
          <Tabs.Tab value="users">Users</Tabs.Tab>
          <Tabs.Tab value="keys">API keys</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="users">
          <Users />
        </Tabs.Panel>
        <Tabs.Panel value="keys">
          <ApiKeys />
        </Tabs.Panel>
      </Tabs>
    </Box>
  );
}

function useAreas() {
  return useQuery({ queryKey: ['business-areas'], queryFn: ({ signal }) => get<Items<BusinessAreaView>>('/business-areas', undefined, signal) });
}

function Users() {
  const me = useMe();
  const qc = useQueryClient();
  const [creating, setCreating] = useState(false);
  const users = useQuery({ queryKey: ['users'], queryFn: ({ signal }) => get<Items<UserView>>('/users', undefined, signal) });
  const toggle = useMutation({
    mutationFn: (u: UserView) => api<UserView>('PATCH', `/users/${u.id}`, { body: { disabled: !u.disabled } }),
    onSuccess: (u) => {
      void qc.invalidateQueries({ queryKey: ['users'] });
      notifications.show({ color: u.disabled ? 'gray' : 'teal', title: u.disabled ? 'User disabled' : 'User enabled', message: `${u.displayName} ${u.disabled ? 'can no longer sign in' : 'can sign in again'}.` });
    },
    onError: (err) => notifications.show({ color: 'red', title: describeError(err).title, message: describeError(err).message }),
  });
  if (users.isPending) return <LoadingState label="Loading users…" />;
  if (users.isError) return <ErrorState error={users.error} context="users" onRetry={() => void users.refetch()} />;
  return (
    <Stack>
      <Group justify="flex-end">
        <Button onClick={() => setCreating(true)}>Add a user</Button>
      </Group>
      <DataTable
        label="Users"
        rows={users.data.items}
        rowKey={(u) => u.id}
        minWidth={760}
        columns={[
          { key: 'name', header: 'Name', cell: (u) => <Box><Text size="sm" fw={600}>{u.displayName}</Text><Text size="xs" c="dimmed">{u.email}</Text></Box> },
          { key: 'roles', header: 'Roles', width: 200, cell: (u) => <Roles roles={u.roles} /> },
          { key: 'last', header: 'Last sign-in', width: 140, cell: (u) => <Text size="sm">{u.lastLoginAt ? <RelativeTime iso={u.lastLoginAt} /> : <Text span c="dimmed" size="sm">never</Text>}</Text> },
          { key: 'status', header: 'Status', width: 100, cell: (u) => <StatusBadge status={u.disabled ? 'disabled' : 'active'} /> },
          {
            key: 'actions',
            header: 'Can sign in',
            width: 120,
            cell: (u) => <Switch checked={!u.disabled} disabled={u.id === me.id || toggle.isPending} onChange={() => toggle.mutate(u)} aria-label={`${u.disabled ? 'Enable' : 'Disable'} ${u.displayName}`} />,
          },
        ]}
      />
      <Modal opened={creating} onClose={() => setCreating(false)} title={<Text fw={650}>Add a user</Text>}>
        <CreateUser onDone={() => setCreating(false)} />
      </Modal>
    </Stack>
  );
}

function CreateUser({ onDone }: { onDone: () => void }) {
  const qc = useQueryClient();
  const areas = useAreas();
  const [f, setF] = useState({ email: '', displayName: '', password: '', roles: [] as string[], businessAreaIds: [] as string[] });
  const [problems, setProblems] = useState<Record<string, string>>({});
  const create = useMutation({
    mutationFn: (body: unknown) => api<UserView>('POST', '/users', { body }),
    onSuccess: (u) => {
      void qc.invalidateQueries({ queryKey: ['users'] });
      notifications.show({ color: 'teal', title: 'User added', message: `${u.displayName} can now sign in with ${u.email}.` });
      onDone();
    },
  });
  const submit = () => {
    const parsed = createUserSchema.safeParse(f);
    setProblems(zodProblems(parsed));
    if (parsed.success) create.mutate(parsed.data);
  };
  const err = create.isError ? describeError(create.error) : null;
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
      noValidate
    >
      <Stack gap="sm">
        <TextInput label="Name" required value={f.displayName} onChange={(e) => setF({ ...f, displayName: e.currentTarget.value })} error={problems.displayName} />
        <TextInput label="E-mail" type="email" required value={f.email} onChange={(e) => setF({ ...f, email: e.currentTarget.value })} error={problems.email && 'Enter a valid e-mail address'} />
        <PasswordInput label="Initial password" description="At least 12 characters; ask them to change it" required value={f.password} onChange={(e) => setF({ ...f, password: e.currentTarget.value })} error={problems.password} />
        <MultiSelect label="Roles" placeholder="Choose one or more" searchable required data={ROLE_OPTIONS} value={f.roles} onChange={(roles) => setF({ ...f, roles })} error={problems.roles && 'Choose at least one role'} />
        <MultiSelect label="Business areas" description="Leave empty for access to all areas" data={(areas.data?.items ?? []).map((a) => ({ value: a.id, label: a.name }))} value={f.businessAreaIds} onChange={(businessAreaIds) => setF({ ...f, businessAreaIds })} />
        {err && (
          <Alert color="red" variant="light" title={err.title} role="alert">
            {err.message}
          </Alert>
        )}
        <Group justify="flex-end" mt="sm">
          <Button variant="default" onClick={onDone}>
            Cancel
          </Button>
          <Button type="submit" loading={create.isPending}>
            Add user
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function ApiKeys() {
  const qc = useQueryClient();
  const [creating, setCreating] = useState(false);
  const [revoking, setRevoking] = useState<ApiKeyView | null>(null);
  const keys = useQuery({ queryKey: ['api-keys'], queryFn: ({ signal }) => get<Items<ApiKeyView>>('/api-keys', undefined, signal) });
  const revoke = useMutation({
    mutationFn: (k: ApiKeyView) => api<ApiKeyView>('DELETE', `/api-keys/${k.id}`),
    onSuccess: (k) => {
      void qc.invalidateQueries({ queryKey: ['api-keys'] });
      notifications.show({ color: 'gray', title: 'Key revoked', message: `${k.name} no longer works.` });
      setRevoking(null);
    },
  });
  const status = (k: ApiKeyView) => (k.revokedAt ? 'revoked' : k.expiresAt && Date.parse(k.expiresAt) < Date.now() ? 'expired' : 'active');
  if (keys.isPending) return <LoadingState label="Loading API keys…" />;
  if (keys.isError) return <ErrorState error={keys.error} context="API keys" onRetry={() => void keys.refetch()} />;
  return (
    <Stack>
      <Group justify="flex-end">
        <Button onClick={() => setCreating(true)}>Create an API key</Button>
      </Group>
      {keys.data.items.length === 0 ? (
        <Paper p="lg">
          <Empty title="No API keys" description="Integrations (a web shop, a CRM sync, an ETL job) call the API with a key. Create one per integration so you can revoke it alone." />
        </Paper>
      ) : (
        <DataTable
          label="API keys"
          rows={keys.data.items}
          rowKey={(k) => k.id}
          minWidth={760}
          columns={[
            { key: 'name', header: 'Name', cell: (k) => <Text size="sm" fw={600}>{k.name}</Text> },
            { key: 'roles', header: 'Roles', width: 180, cell: (k) => <Roles roles={k.roles} /> },
            { key: 'created', header: 'Created', width: 120, cell: (k) => <Text size="sm"><RelativeTime iso={k.createdAt} /></Text> },
            { key: 'used', header: 'Last used', width: 120, cell: (k) => <Text size="sm">{k.lastUsedAt ? <RelativeTime iso={k.lastUsedAt} /> : <Text span size="sm" c="dimmed">never</Text>}</Text> },
            { key: 'status', header: 'Status', width: 100, cell: (k) => <StatusBadge status={status(k)} /> },
            { key: 'act', header: <span className="sr-only">Actions</span>, width: 100, cell: (k) => (k.revokedAt ? null : <Button size="xs" variant="subtle" color="red" onClick={() => setRevoking(k)}>Revoke</Button>) },
          ]}
        />
      )}
      <Modal opened={creating} onClose={() => setCreating(false)} title={<Text fw={650}>Create an API key</Text>}>
        <CreateKey onDone={() => setCreating(false)} />
      </Modal>
      <Modal opened={!!revoking} onClose={() => setRevoking(null)} title={<Text fw={650}>Revoke {revoking?.name}?</Text>}>
        <Text size="sm">Integrations using this key stop working immediately. This cannot be undone; create a new key if you need one.</Text>
        {revoke.isError && (
          <Alert mt="sm" color="red" variant="light">
            {describeError(revoke.error).message}
          </Alert>
        )}
        <Group justify="flex-end" mt="lg">
          <Button variant="default" onClick={() => setRevoking(null)}>
            Keep it
          </Button>
          <Button color="red" loading={revoke.isPending} onClick={() => revoking && revoke.mutate(revoking)}>
            Revoke key
          </Button>
        </Group>
      </Modal>
    </Stack>
  );
}

function CreateKey({ onDone }: { onDone: () => void }) {
  const qc = useQueryClient();
  const [f, setF] = useState({ name: '', roles: [] as string[] });
  const [problems, setProblems] = useState<Record<string, string>>({});
  const [created, setCreated] = useState<string | null>(null);
  const create = useMutation({
    mutationFn: (body: unknown) => api<{ key: string; apiKey: ApiKeyView }>('POST', '/api-keys', { body }),
    onSuccess: (r) => {
      void qc.invalidateQueries({ queryKey: ['api-keys'] });
      setCreated(r.key);
    },
  });
  if (created) {
    return (
      <Stack>
        <Alert color="yellow" variant="light" title="Copy the key now">
          This is the only time it is shown. Store it in your integration's secret store.
        </Alert>
        <Code block style={{ wordBreak: 'break-all' }} data-testid="new-api-key">
          {created}
        </Code>
        <Group justify="flex-end">
          <CopyButton value={created}>{({ copied, copy }) => <Button variant="light" onClick={copy}>{copied ? 'Copied' : 'Copy key'}</Button>}</CopyButton>
          <Button onClick={onDone}>Done</Button>
        </Group>
      </Stack>
    );
  }
  const submit = () => {
    const parsed = createApiKeySchema.safeParse(f);
    setProblems(zodProblems(parsed));
    if (parsed.success) create.mutate(parsed.data);
  };
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
      noValidate
    >
      <Stack gap="sm">
        <TextInput label="Name" description="Which integration uses it, e.g. “webshop sync”" required value={f.name} onChange={(e) => setF({ ...f, name: e.currentTarget.value })} error={problems.name && `${humanField('name')}: ${problems.name}`} />
        <MultiSelect label="Roles" placeholder="Choose one or more" searchable required data={ROLE_OPTIONS} value={f.roles} onChange={(roles) => setF({ ...f, roles })} error={problems.roles && 'Choose at least one role'} />
        {create.isError && (
          <Alert color="red" variant="light" title={describeError(create.error).title}>
            {describeError(create.error).message}
          </Alert>
        )}
        <Group justify="flex-end" mt="sm">
          <Button variant="default" onClick={onDone}>
            Cancel
          </Button>
          <Button type="submit" loading={create.isPending}>
            Create key
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
