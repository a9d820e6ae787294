import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Actor } from '../../src/platform/auth/actor.js';
import { describeTiers } from '../support/tiers.js';
import { setupSources, useGoldenSystem } from './golden-system.js';

// The same person under two keys, twice: once with match on arrival (one customer) and once as a bulk load
// that skips it (two customers, each with its golden record, until a re-match links them).
const CSV = [
  'customer_id,first_name,last_name,email,phone,birth_date,city',
  'K1,Annabel,Quimby-Hart,annabel.quimby@example.org,07911 123456,1984-03-09,Leeds',
  'K2,Annabel,Quimby-Hart,annabel.quimby@example.org,07911 123456,1984-03-09,Leeds',
].join('\n');

describeTiers('golden: import without match on arrival', (tier) => {
  const sys = useGoldenSystem(tier);
  const dir = mkdtempSync(join(tmpdir(), 'custodian-nomatch-'));
  const file = join(dir, 'people.csv');
  const actor = Actor.system();
  beforeAll(async () => {
    writeFileSync(file, CSV);
    await setupSources(sys(), [{ name: 'crm', trustRank: 50 }, { name: 'shop', trustRank: 40 }]);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const customersOf = async (source: string) =>
    sys().query<{ customer_id: string; golden: Record<string, { value: unknown }> }>(
      `select r.customer_id, c.golden from source_records r join sources s on s.id = r.source_id join customers c on c.id = r.customer_id where s.name = $1 order by r.source_key`,
      [source],
    );

  it('matches on arrival by default, and a bulk load gives each record its own customer with its golden record', async () => {
    const matched = await sys().services.ingest.importFile(actor, file, { source: 'crm' });
    expect(matched.counters).toMatchObject({ read: 2, created: 2, rejected: 0 });
    const crm = await customersOf('crm');
    expect(new Set(crm.map((r) => r.customer_id)).size).toBe(1);

    const bulk = await sys().services.ingest.importFile(actor, file, { source: 'shop', matchOnArrival: false });
    expect(bulk.counters).toMatchObject({ read: 2, created: 2, rejected: 0 });
    // Two lanes on PostgreSQL once matching is off (the golden system's pool of 6 leaves a budget of 3).
    expect(bulk.detected?.writers).toBe(tier === 'postgres' ? 2 : 1);
    const shop = await customersOf('shop');
    expect(shop).toHaveLength(2);
    expect(new Set([...shop.map((r) => r.customer_id), ...crm.map((r) => r.customer_id)]).size).toBe(3);
    for (const r of shop) expect(r.golden.last_name?.value).toBe('Quimby-Hart');
    const tasks = await sys().query<{ n: number }>(`select count(*)::int as n from review_tasks`);
    expect(tasks[0]!.n).toBe(0);
  });
});
