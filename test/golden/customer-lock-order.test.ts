import { sql } from 'drizzle-orm';
import { beforeEach, expect, it } from 'vitest';
import { Actor } from '../../src/platform/auth/actor.js';
import { describeTiers } from '../support/tiers.js';
import { setupSources, useGoldenSystem, write, type GoldenSystem } from './golden-system.js';

const ANNA = { first_name: 'Anna', last_name: 'Smith', email: 'anna.smith@example.com', phone: '07911 123456', birth_date: '1980-04-01', city: 'Leeds' };
const BOB = { first_name: 'Robert', last_name: 'Jones', email: 'bob.jones@example.com', phone: '07922 654321', birth_date: '1975-09-12', city: 'York' };

describeTiers('records writer: customer row locks', (tier) => {
  const sys = useGoldenSystem(tier);
  let s: GoldenSystem;
  beforeEach(async () => {
    s = sys();
    await s.resetData();
    await setupSources(s, [{ name: 'crm', trustRank: 50 }]);
  });

  // Two writes updating records of the same two customers, listed in opposite orders: each locks the customers
  // it updates in id order, so neither can hold one while waiting for the other (the server would abort one).
  it.runIf(tier === 'postgres')('two writes updating records of the same customers in opposite orders do not deadlock', async () => {
    const a1 = await write(s, 'crm', 'a1', ANNA);
    const b1 = await write(s, 'crm', 'b1', BOB);
    // Match on arrival links the second record of each person to the first one's customer.
    expect((await write(s, 'crm', 'a2', ANNA)).customerId).toBe(a1.customerId);
    expect((await write(s, 'crm', 'b2', BOB)).customerId).toBe(b1.customerId);
    // Enough other customers that the update visits the listed customers through the primary key, in list order.
    await s.query(`insert into customers (id, display_name) select 'cus_pad' || lpad(g::text, 6, '0'), 'pad' from generate_series(1, 20000) g`);
    await s.query('analyze customers');
    const [first] = [a1.customerId, b1.customerId].sort();
    const firstKey = first === a1.customerId ? 'a' : 'b';
    const secondKey = firstKey === 'a' ? 'b' : 'a';
    const values = (k: string, n: number) => ({ ...(k === 'a' ? ANNA : BOB), city: `City ${n}` });

    const db = s.database.db;
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let locked!: () => void;
    const taken = new Promise<void>((r) => (locked = r));
    // A third transaction holds the customer with the smaller id.
    const holder = db.transaction(async (tx) => {
      await tx.execute(sql`select 1 from customers where id = ${first} for no key update`);
      locked();
      await held;
    });
    await taken;
    const actor = Actor.system();
    // Write A lists that customer first (it waits for it); write B lists it second, so in list order B would
    // hold the other customer while waiting for the first, and A, once it has the first, would wait for B.
    const a = s.services.records.writeMany(actor, 'crm', [{ key: `${firstKey}1`, values: values(firstKey, 1) }, { key: `${secondKey}1`, values: values(secondKey, 1) }]);
    await waitForLockWaiters(1);
    const b = s.services.records.writeMany(actor, 'crm', [{ key: `${secondKey}2`, values: values(secondKey, 2) }, { key: `${firstKey}2`, values: values(firstKey, 2) }]);
    await waitForLockWaiters(2);
    release();
    await holder;
    const results = await Promise.allSettled([a, b]);
    // Without the ordered locks one of them fails with "deadlock detected".
    expect(results.map((r) => (r.status === 'rejected' ? String((r.reason as { cause?: unknown }).cause ?? r.reason) : 'ok'))).toEqual(['ok', 'ok']);
    const [x] = await s.query<{ n: number }>(`select count(*)::int as n from source_records where "values"->>'city' like 'City %'`);
    expect(Number(x!.n)).toBe(4);
  });

  async function waitForLockWaiters(n: number): Promise<void> {
    for (let i = 0; i < 500; i++) {
      const [w] = await s.query<{ n: number }>(`select count(*)::int as n from pg_stat_activity where wait_event_type = 'Lock' and datname = current_database()`);
      if (Number(w!.n) >= n) return;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error(`fewer than ${n} transactions waiting for a lock`);
  }
});
