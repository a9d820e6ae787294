// Measures standardizeRecord cost per typical 12-attribute customer row, with and without phones.
// Run: npx tsx test/standardize/measure-record.ts
import { faker } from '@faker-js/faker';
import { schemaDefinitionSchema } from '../../src/modules/schemas/definition.js';
import { standardizeRecord } from '../../src/modules/standardize/index.js';

const attributes = [
  { name: 'customer_id', type: 'identifier' },
  { name: 'first_name', type: 'text' },
  { name: 'last_name', type: 'text' },
  { name: 'email', type: 'email' },
  { name: 'phone', type: 'phone' },
  { name: 'date_of_birth', type: 'date' },
  { name: 'address', type: 'address' },
  { name: 'country', type: 'country' },
  { name: 'gender', type: 'enum', values: ['f', 'm', 'x'] },
  { name: 'created_at', type: 'datetime' },
  { name: 'loyalty_points', type: 'integer' },
  { name: 'company', type: 'text' },
] as const;
const withPhone = schemaDefinitionSchema.parse({ attributes, defaultRegion: 'GB' });
const withoutPhone = schemaDefinitionSchema.parse({ attributes: attributes.filter((a) => a.type !== 'phone'), defaultRegion: 'GB' });

faker.seed(42);
const N = 50_000;
const domains = ['gmail.com', 'yahoo.com', 'hotmail.co.uk', 'outlook.com'];
const rows = Array.from({ length: N }, (_, i) => {
  const first = faker.person.firstName();
  const last = faker.person.lastName();
  // Realistic mess: a tenth shouting, a tenth lowercase.
  const mess = (s: string) => (i % 10 === 0 ? s.toUpperCase() : i % 10 === 1 ? s.toLowerCase() : s);
  const domain = i % 3 === 0 ? `${faker.internet.domainWord()}.com` : domains[i % domains.length]!;
  return {
    customer_id: `C${i}`,
    first_name: mess(first),
    last_name: mess(last),
    email: `${first}.${last}${i}@${domain}`.toLowerCase(),
    phone: `+447${String(700000000 + ((i * 7919) % 299999999)).padStart(9, '0')}`,
    date_of_birth: faker.date.birthdate().toISOString().slice(0, 10),
    address: { line1: mess(`${faker.location.buildingNumber()} ${faker.location.street()}`), city: mess(faker.location.city()), postcode: 'SW1A 1AA', country: 'GB' },
    country: 'GB',
    gender: 'f',
    created_at: '2024-01-01T00:00:00Z',
    loyalty_points: i,
    company: faker.company.name(),
  };
});
const now = new Date('2025-06-15T00:00:00Z');

// CPU time of this process (user + system), best of several passes: the box is shared, and
// wall-clock time under load measures the neighbours rather than this code.
function pass(def: typeof withPhone, rows: readonly Record<string, unknown>[]): number {
  const t0 = process.cpuUsage();
  for (const row of rows) standardizeRecord(def, row, { now });
  const t = process.cpuUsage(t0);
  return (t.user + t.system) / rows.length;
}

function report(label: string, us: number): void {
  console.log(`${label}: ${us.toFixed(2)} µs/record (${Math.round(1e6 / us)} records/s)`);
}

// First pass over unseen e-mail domains and phone numbers (caches cold), then best of 5 warm.
const half = rows.slice(0, N / 2);
const otherHalf = rows.slice(N / 2);
report('without phone, cold e-mail domain cache', pass(withoutPhone, half));
report('without phone, warm', Math.min(...Array.from({ length: 5 }, () => pass(withoutPhone, half))));
report('with phone, cold phone cache (unique numbers)', pass(withPhone, otherHalf));
report('with phone, warm phone cache', Math.min(...Array.from({ length: 5 }, () => pass(withPhone, otherHalf))));
