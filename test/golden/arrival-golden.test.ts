import { beforeAll, expect, it } from 'vitest';
import { recomputeGolden } from '../../src/modules/golden/index.js';
import { Actor } from '../../src/platform/auth/actor.js';
import { describeTiers } from '../support/tiers.js';
import { setupSources, useGoldenSystem, type GoldenSystem } from './golden-system.js';

// Match on arrival computes the golden record of a new single-record customer from the values it has just
// written, without reading them back: the result must be exactly what a full recompute from storage gives.
describeTiers('golden: values written on arrival', (tier) => {
  const sys = useGoldenSystem(tier);
  let s: GoldenSystem;
  beforeAll(async () => {
    s = sys();
    await setupSources(s, [{ name: 'crm', trustRank: 90 }, { name: 'shop', trustRank: 50 }]);
    const actor = Actor.system();
    // One batch: three people alone, and Anna twice (her second record joins the customer her first one creates).
    await s.services.records.writeMany(actor, 'crm', [
      { key: 'C-1', values: { first_name: 'Anna', last_name: 'Smith', email: 'anna.smith@example.com', phone: '07911 123456', birth_date: '1980-04-01', city: 'Leeds' } },
      { key: 'C-2', values: { first_name: 'Carl', last_name: 'Brown', email: 'carl@brown.net', city: 'Bath' } },
      { key: 'C-3', values: { first_name: 'Anna', last_name: 'Smith', email: 'anna.smith@example.com', phone: '07911 123456', city: 'York' } },
      { key: 'C-4', values: { first_name: 'Dora', last_name: 'Lee', email: 'dora.lee@example.net', birth_date: '1990-12-24' } },
      { key: 'C-5', values: { first_name: 'Eve', last_name: 'Adams', phone: '07911 123499', city: 'Derby' } },
    ]);
    // A later record of Carl from another source joins his customer.
    await s.services.records.write(actor, { source: 'shop', key: 'S-1', values: { first_name: 'Carl', last_name: 'Brown', email: 'carl@brown.net', city: 'Bristol' } });
  }, 180_000);

  it('stores the golden records a full recompute from storage gives', async () => {
    const customers = await s.query<{ id: string; golden: Record<string, { recordId: string; sourceName: string; sourceKey: string; rule: string }> }>(
      `select id, golden from customers where status = 'active' order by id`,
    );
    expect(customers).toHaveLength(4);
    const dora = customers.find((c) => c.golden.first_name?.sourceKey === 'C-4')!;
    expect(dora.golden.birth_date).toMatchObject({ value: '1990-12-24', rule: 'verified', sourceName: 'crm', sourceKey: 'C-4' });
    expect(Object.keys(dora.golden).sort()).toEqual(['birth_date', 'email', 'first_name', 'last_name']);
    const changed = await s.database.db.transaction((tx) => recomputeGolden(tx, customers.map((c) => c.id)));
    expect(changed).toEqual([]);
  });
});
