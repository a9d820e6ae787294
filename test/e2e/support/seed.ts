// A small, realistic data set loaded through the HTTP API, shared by the console end-to-end tests.
import type { Api } from './harness.js';

export const SCHEMA = {
  name: 'customer',
  description: 'Retail customer: identity, contact details and loyalty',
  definition: {
    defaultRegion: 'GB',
    attributes: [
      { name: 'full_name', type: 'text', label: 'Full name', required: true, maxLength: 200 },
      { name: 'email', type: 'email', label: 'E-mail' },
      { name: 'phone', type: 'phone', label: 'Phone' },
      { name: 'birth_date', type: 'date', label: 'Date of birth', privacy: 'sensitive', min: '1900-01-01' },
      { name: 'city', type: 'text', label: 'City' },
      { name: 'country', type: 'country', label: 'Country', privacy: 'public' },
      { name: 'loyalty_tier', type: 'enum', label: 'Loyalty tier', values: ['bronze', 'silver', 'gold'], privacy: 'public' },
    ],
  },
};

const PEOPLE: Array<[string, string, string, string, string, string]> = [
  ['Jane Doe', 'jane.doe@example.com', '+44 20 7946 0958', '1984-03-12', 'London', 'gold'],
  ['Oliver Bennett', 'oliver.bennett@example.co.uk', '+44 161 496 0321', '1979-11-02', 'Manchester', 'silver'],
  ['Amelia Clarke', 'amelia.clarke@example.com', '+44 117 496 0777', '1991-06-23', 'Bristol', 'bronze'],
  ['Harry Patel', 'harry.patel@example.com', '+44 121 496 0450', '1988-01-30', 'Birmingham', 'gold'],
  ['Isla Murray', 'isla.murray@example.org', '+44 131 496 0112', '1995-09-14', 'Edinburgh', 'silver'],
  ['George Wilson', 'g.wilson@example.com', '+44 29 2018 0444', '1969-12-05', 'Cardiff', 'bronze'],
  ['Sophie Turner', 'sophie.turner@example.com', '+44 113 496 0833', '1993-04-18', 'Leeds', 'gold'],
  ['Noah Hughes', 'noah.hughes@example.net', '+44 114 496 0219', '1986-07-07', 'Sheffield', 'bronze'],
  ['Emily Roberts', 'emily.roberts@example.com', '+44 151 496 0690', '1990-02-25', 'Liverpool', 'silver'],
  ['Jack O\'Connor', 'jack.oconnor@example.ie', '+353 1 555 0142', '1982-10-11', 'Dublin', 'gold'],
  ['Grace Evans', 'grace.evans@example.com', '+44 1865 496 021', '1975-05-29', 'Oxford', 'bronze'],
  ['Thomas Wright', 'tom.wright@example.com', '+44 1223 496 088', '1998-08-03', 'Cambridge', 'silver'],
  ['Lily Thompson', 'lily.thompson@example.com', '+44 191 496 0575', '1987-12-19', 'Newcastle', 'bronze'],
  ['William Green', 'will.green@example.com', '+44 20 7946 0366', '1971-03-08', 'Nottingham', 'gold'],
  ['Mia Walker', 'mia.walker@example.com', '+44 20 7946 0612', '1999-11-27', 'Southampton', 'silver'],
  ['James Hall', 'james.hall@example.com', '+44 1273 496 045', '1983-06-15', 'Brighton', 'bronze'],
  ['Ella Young', 'ella.young@example.com', '+44 1224 496 033', '1992-09-01', 'Aberdeen', 'gold'],
  ['Janet Dowe', 'janet.dowe@example.com', '+44 20 7946 0321', '1966-04-22', 'London', 'silver'],
];

export type Seeded = { schemaId: string; crmId: string; webshopId: string; janeId: string; rejectedId: string; agent: { email: string; password: string }; auditor: { email: string; password: string } };

export async function seed(api: Api): Promise<Seeded> {
  const schema = await api.call('POST', '/schemas', SCHEMA);
  const crm = await api.call('POST', '/sources', {
    name: 'crm',
    schema: 'customer',
    systemType: 'crm',
    description: 'Salesforce CRM used by the sales and service teams',
    owner: 'Sales operations',
    collectionMethod: 'Entered by agents during calls and store visits',
    refreshFrequency: 'hourly',
    trustRank: 80,
    privacyTerms: 'Customer contract, legitimate interest',
    collectedFrom: '2019-01-01T00:00:00Z',
  });
  const webshop = await api.call('POST', '/sources', {
    name: 'webshop',
    schema: 'customer',
    systemType: 'webshop',
    description: 'Accounts created at checkout in the online shop',
    owner: 'E-commerce team',
    collectionMethod: 'Self-service sign-up',
    refreshFrequency: 'daily',
    trustRank: 60,
    privacyTerms: 'Web shop terms v4, consent for marketing',
  });
  await api.call('POST', '/records/batch', {
    source: 'crm',
    records: PEOPLE.map(([name, email, phone, birth, city, tier], i) => ({
      key: `CRM-${1001 + i}`,
      values: { full_name: name, email, phone, birth_date: birth, city, country: city === 'Dublin' ? 'IE' : 'GB', loyalty_tier: tier },
    })),
  });
  await api.call('POST', '/records/batch', {
    source: 'webshop',
    records: PEOPLE.slice(0, 6).map(([name, email, , , city], i) => ({ key: `WEB-${5001 + i}`, values: { full_name: name, email, city } })),
  });
  // Jane's CRM record changes over time: a history to show.
  await api.call('POST', '/records', { source: 'crm', key: 'CRM-1001', values: { full_name: 'Jane Doe', email: 'jane.doe@example.com', phone: '+44 20 7946 0958', birth_date: '1984-03-12', city: 'Cambridge', country: 'GB', loyalty_tier: 'gold' } });
  // A bad row: invalid e-mail address and an unknown loyalty tier; the API keeps it in quarantine.
  const bad = await api.call('POST', '/records', { source: 'webshop', key: 'WEB-5099', values: { full_name: 'Maria Gonzalez', email: 'maria.gonzalez@@example', city: 'Madrid', loyalty_tier: 'platinum' } }, [422]);
  const rejected = await api.call<{ items: Array<{ sourceKey: string; errors: unknown[] }> }>('GET', '/records?status=rejected');
  if (rejected.items.length !== 1) throw new Error(`seed: expected only WEB-5099 in quarantine, got ${JSON.stringify(rejected.items.map((r) => [r.sourceKey, r.errors]))}`);
  const jane = await api.call<{ items: Array<{ id: string; displayName: string }> }>('GET', '/customers?key=CRM-1001');
  const agent = { email: 'alex.agent@example.com', password: 'agent-password-1' };
  const auditor = { email: 'ada.auditor@example.com', password: 'auditor-password-1' };
  await api.call('POST', '/users', { ...agent, displayName: 'Alex Agent', roles: ['agent'] });
  await api.call('POST', '/users', { ...auditor, displayName: 'Ada Auditor', roles: ['auditor'] });
  await api.call('POST', '/users', { email: 'sam.steward@example.com', password: 'steward-password-1', displayName: 'Sam Steward', roles: ['steward'] });
  await api.call('POST', '/api-keys', { name: 'webshop sync', roles: ['steward'] });
  return { schemaId: schema.id, crmId: crm.id, webshopId: webshop.id, janeId: jane.items[0]!.id, rejectedId: bad.record.id, agent, auditor };
}
