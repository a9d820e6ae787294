import { beforeEach, describe, expect, it } from 'vitest';
import { Actor } from '../../src/platform/auth/actor.js';
import type { Tx } from '../../src/platform/db/database.js';
import { arrivalLockKeys, lockArrivalKeysAndRead } from '../../src/modules/stewardship/arrival-locks.js';
import { describeTiers } from '../support/tiers.js';
import { setupSources, useGoldenSystem, type GoldenSystem } from './golden-system.js';

const ANNA = { first_name: 'Anna', last_name: 'Smith', email: 'anna.smith@example.com', phone: '07911 123456', birth_date: '1980-04-01', city: 'Leeds' };
const N = 6;

describe('arrival lock keys', () => {
  const roles = { first_name: 'givenName', last_name: 'familyName', email: 'email', phone: 'phone', birth_date: 'dateOfBirth', card: 'identifier' } as const;
  it('are the values duplicates share, normalised, per schema', () => {
    expect(arrivalLockKeys('sch_1', roles, { first_name: 'Anna ', last_name: "O'Neil", email: 'Anna@Example.com', phone: '+44 7911 123456', birth_date: '1980-04-01', card: 'X-1' })).toEqual([
      'arrival:sch_1:e:anna@example.com',
      'arrival:sch_1:p:911123456',
      'arrival:sch_1:i:card:x1',
      'arrival:sch_1:d:oneil|19800401',
    ]);
    // The name is a key only when nothing stronger is there.
    expect(arrivalLockKeys('sch_1', roles, { first_name: 'Anna', last_name: 'Smith', city: 'Leeds' })).toEqual(['arrival:sch_1:n:smith|anna']);
    // Short phone numbers and lone names are too common to serialise on.
    expect(arrivalLockKeys('sch_1', roles, { first_name: 'Anna', phone: '123' })).toEqual([]);
  });
});

describeTiers('golden: concurrent writes of the same new person', (tier) => {
  const sys = useGoldenSystem(tier);
  let s: GoldenSystem;
  beforeEach(async () => {
    s = sys();
    await s.resetData();
    await setupSources(s, [{ name: 'pos', trustRank: 20 }, { name: 'crm', trustRank: 90 }]);
  });

  async function customersOf(keys: string[]): Promise<{ key: string; customer: string }[]> {
    return s.query(`select r.source_key as key, r.customer_id as customer from source_records r where r.source_key = any($1::text[]) order by r.source_key`, [keys]);
  }

  it(`${N} terminals POST the same customer at once → exactly one customer`, async () => {
    // One API key per terminal: writes of one caller would share a transaction (the write coalescer), these do not.
    const keys = await Promise.all(Array.from({ length: N }, () => s.key('steward')));
    const res = await Promise.all(
      keys.map((key, i) => s.request({ method: 'POST', url: '/api/v1/records', key, payload: { source: 'pos', key: `T${i}-001`, values: ANNA } })),
    );
    expect(res.map((r) => r.statusCode)).toEqual(Array(N).fill(201));
    const linked = await customersOf(Array.from({ length: N }, (_, i) => `T${i}-001`));
    expect(linked).toHaveLength(N);
    expect(new Set(linked.map((l) => l.customer)).size).toBe(1);
    const [active] = await s.query<{ n: number }>(`select count(*)::int as n from customers where status = 'active'`);
    expect(Number(active!.n)).toBe(1);
    // The customers the losers would have created were never inserted: no merged or orphan rows.
    const [all] = await s.query<{ n: number }>(`select count(*)::int as n from customers`);
    expect(Number(all!.n)).toBe(1);
  });

  it('an API write during an import batch of the same person joins the same customer', async () => {
    const actor = Actor.system();
    const batch = Array.from({ length: 200 }, (_, i) => ({ key: `B-${i}`, values: { first_name: `Person${i}`, last_name: `Batch${i}`, email: `p${i}@batch.example` } }));
    batch.splice(100, 0, { key: 'B-anna', values: ANNA });
    const [, single] = await Promise.all([
      s.services.records.writeMany(actor, 'crm', batch),
      s.services.records.write(actor, { source: 'pos', key: 'P-anna', values: ANNA }),
    ]);
    const linked = await customersOf(['B-anna', 'P-anna']);
    expect(linked.map((l) => l.customer)).toEqual([single.record.customerId, single.record.customerId]);
    const [active] = await s.query<{ n: number }>(`select count(*)::int as n from customers where status = 'active'`);
    expect(Number(active!.n)).toBe(201);
  });

  it.runIf(tier === 'postgres')('the lock says whether it waited for another transaction (then the warm index catches up)', async () => {
    const db = s.database.db;
    const lockArrivalKeys = async (tx: Tx, keys: string[]): Promise<boolean> => (await lockArrivalKeysAndRead(tx, keys, null)).waited;
    expect(await db.transaction((tx) => lockArrivalKeys(tx, ['k:b', 'k:a']))).toBe(false);
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let locked!: () => void;
    const taken = new Promise<void>((r) => (locked = r));
    const first = db.transaction(async (tx) => {
      await lockArrivalKeys(tx, ['k:b']);
      locked();
      await held;
    });
    await taken;
    const second = db.transaction((tx) => lockArrivalKeys(tx, ['k:a', 'k:b']));
    await new Promise((r) => setTimeout(r, 100));
    release();
    await first;
    expect(await second).toBe(true);
  });
});
