// Seeding for the golden-record end-to-end tests: two sources with overlapping people, so match on arrival
// links the obvious duplicate (Anna in both) and leaves one borderline pair (Emma: Anna's surname and phone)
// as a review task. The same data as test/golden/scenario.test.ts, loaded through the HTTP API.
import type { Api } from './harness.js';

export const PERSON_SCHEMA = {
  name: 'person',
  description: 'People seen by the CRM and the web shop',
  definition: {
    defaultRegion: 'GB',
    attributes: [
      { name: 'first_name', type: 'text', label: 'First name', required: true, privacy: 'public' },
      { name: 'last_name', type: 'text', label: 'Last name', required: true, privacy: 'public' },
      { name: 'email', type: 'email', label: 'E-mail' },
      { name: 'phone', type: 'phone', label: 'Phone' },
      { name: 'birth_date', type: 'date', label: 'Date of birth', privacy: 'sensitive' },
      { name: 'city', type: 'text', label: 'City', privacy: 'public' },
    ],
  },
};

export type GoldenSeeded = {
  schemaId: string;
  anna: { crm: string; shop: string; customerId: string };
  emma: { recordId: string; customerId: string };
  taskId: string;
  steward: { email: string; password: string };
  agent: { email: string; password: string };
};

type Written = { record: { id: string; customerId: string } };

export async function seedGolden(api: Api): Promise<GoldenSeeded> {
  const schema = await api.call('POST', '/schemas', PERSON_SCHEMA);
  await api.call('POST', '/sources', { name: 'crm', schema: 'person', systemType: 'crm', trustRank: 90, description: 'Sales CRM' });
  await api.call('POST', '/sources', { name: 'shop', schema: 'person', systemType: 'webshop', trustRank: 50, description: 'Online shop accounts' });
  const write = (source: string, key: string, values: Record<string, unknown>) => api.call<Written>('POST', '/records', { source, key, values });
  const c1 = await write('crm', 'C-1', { first_name: 'Anna', last_name: 'Smith', email: 'anna.smith@example.com', phone: '07911 123456', birth_date: '1980-04-01', city: 'Leeds' });
  await write('crm', 'C-2', { first_name: 'Robert', last_name: 'Jones', email: 'bob.jones@example.org', phone: '07911 222333', birth_date: '1975-09-09', city: 'Hull' });
  const s1 = await write('shop', 'S-1', { first_name: 'Anna', last_name: 'Smith', email: 'anna.smith@example.com', phone: '07911 123456', city: 'Leeds' });
  await write('shop', 'S-2', { first_name: 'Bob', last_name: 'Jones', email: 'bob.jones@example.org', phone: '07911 222333' });
  const s3 = await write('shop', 'S-3', { first_name: 'Emma', last_name: 'Smith', phone: '07911 123456', birth_date: '1983-02-11' });
  await write('crm', 'C-3', { first_name: 'Carl', last_name: 'Brown', email: 'carl@brown.net', city: 'Bath' });
  if (s1.record.customerId !== c1.record.customerId) throw new Error('golden seed: Anna in crm and shop did not link on arrival');
  if (s3.record.customerId === c1.record.customerId) throw new Error('golden seed: Emma was linked to Anna on arrival (expected a review task)');
  const tasks = await api.call<{ items: Array<{ id: string; record: { id: string } | null }> }>('GET', '/review-tasks');
  const task = tasks.items.find((t) => t.record?.id === s3.record.id);
  if (!task || tasks.items.length !== 1) throw new Error(`golden seed: expected one review task for Emma, got ${JSON.stringify(tasks.items.map((t) => t.record?.id))}`);
  const steward = { email: 'sam.steward@example.com', password: 'steward-password-1' };
  const agent = { email: 'alex.agent@example.com', password: 'agent-password-1' };
  await api.call('POST', '/users', { ...steward, displayName: 'Sam Steward', roles: ['steward'] });
  await api.call('POST', '/users', { ...agent, displayName: 'Alex Agent', roles: ['agent'] });
  return {
    schemaId: schema.id,
    anna: { crm: c1.record.id, shop: s1.record.id, customerId: c1.record.customerId },
    emma: { recordId: s3.record.id, customerId: s3.record.customerId },
    taskId: task.id,
    steward,
    agent,
  };
}
