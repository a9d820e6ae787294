import { beforeEach, expect, it } from 'vitest';
import { recomputeGolden } from '../../src/modules/golden/index.js';
import type { CustomerAssigner, JoinedGolden } from '../../src/modules/records/index.js';
import { Actor } from '../../src/platform/auth/actor.js';
import { describeTiers } from '../support/tiers.js';
import { setupSources, useGoldenSystem, write, type GoldenSystem } from './golden-system.js';

// A record that joins an existing customer on arrival: the customer's golden record is computed from its inputs
// read with the match candidates, before the write, and stored by the writing statement — but only if the
// customer is still at the version it was read at. Otherwise it is recomputed from storage after the write.
describeTiers('golden: joined customers computed ahead of the write', (tier) => {
  const sys = useGoldenSystem(tier);
  let s: GoldenSystem;
  const carl = { first_name: 'Carl', last_name: 'Brown', email: 'carl@brown.net', birth_date: '1971-05-02', city: 'Bath' };
  let original: GoldenSystem['services']['records']['writeContext'];

  beforeEach(async () => {
    s = sys();
    original ??= s.services.records.writeContext.bind(s.services.records);
    s.services.records.writeContext = original;
    await s.resetData();
    await setupSources(s, [{ name: 'crm', trustRank: 90 }, { name: 'shop', trustRank: 50 }, { name: 'web', trustRank: 50 }]);
  });

  const customer = async (id: string) =>
    (await s.query<{ version: number; golden: Record<string, { value: unknown; sourceName: string | null; rule: string }> }>(`select version, golden from customers where id = $1`, [id]))[0]!;

  /** Wraps the matcher the writer is given (the wrapper's own methods run with it as `this`). */
  const wrapAssigner = (wrap: (a: CustomerAssigner) => Partial<CustomerAssigner>) => {
    s.services.records.writeContext = async (...args) => {
      const ctx = await original(...args);
      const a = ctx.customerAssigner!;
      return { ...ctx, customerAssigner: { ...a, ...wrap(a) } };
    };
  };

  it('stores the golden record a recompute gives, in the join, with the recompute version step', async () => {
    const first = await write(s, 'crm', 'C-1', carl);
    expect((await customer(first.customerId)).version).toBe(2);
    const stored: string[] = [];
    wrapAssigner((a) => ({
      afterWrite(tx, ctx, written, goldenStored) {
        stored.push(...(goldenStored ?? []));
        return a.afterWrite.call(this, tx, ctx, written, goldenStored);
      },
    }));
    const joined = await write(s, 'shop', 'S-1', { ...carl, city: 'Bristol', phone: '07911 123456' });
    // Stored by the writing statement: the recompute after the write leaves the customer out.
    expect(stored).toEqual([first.customerId]);
    expect(joined.customerId).toBe(first.customerId);
    const c = await customer(first.customerId);
    // Joined (+1) and a new golden record (+1).
    expect(c.version).toBe(4);
    expect(c.golden.city).toMatchObject({ value: 'Bath', sourceName: 'crm' });
    expect(c.golden.phone).toMatchObject({ value: '+447911123456', sourceName: 'shop' });
    expect(await s.database.db.transaction((tx) => recomputeGolden(tx, [first.customerId]))).toEqual([]);
  });

  it('keeps pins, and leaves the golden record and its version alone when the join changes nothing', async () => {
    const first = await write(s, 'crm', 'C-1', carl);
    await s.g.golden.pin(Actor.system(), first.customerId, 'city', { value: 'Wells', reason: 'customer said so' });
    const pinned = await customer(first.customerId);
    // The same values again from a less trusted source: every golden value stays crm's (or the pin).
    await write(s, 'shop', 'S-1', carl);
    const c = await customer(first.customerId);
    expect(c.golden.city).toMatchObject({ value: 'Wells', rule: 'pinned' });
    expect(c.golden).toEqual(pinned.golden);
    expect(c.version).toBe(pinned.version + 1);
    expect(await s.database.db.transaction((tx) => recomputeGolden(tx, [first.customerId]))).toEqual([]);
  });

  it('recomputes after the write when the customer is no longer at the version read (the computed record is not stored)', async () => {
    const first = await write(s, 'crm', 'C-1', carl);
    let offered = 0;
    // As if another transaction had changed the customer after the read: every version handed over is stale.
    wrapAssigner((a) => ({
      goldenOfJoined(tx, ctx, written, touched) {
        const ahead: Map<string, JoinedGolden> = a.goldenOfJoined!.call(this, tx, ctx, written, touched);
        offered += ahead.size;
        return new Map([...ahead].map(([id, g]) => [id, { version: g.version - 1, golden: { city: { value: 'Nowhere' } } }]));
      },
    }));
    await write(s, 'shop', 'S-1', { ...carl, phone: '07911 123456' });
    expect(offered).toBe(1);
    const c = await customer(first.customerId);
    expect(c.golden.city).toMatchObject({ value: 'Bath', sourceName: 'crm' });
    expect(c.golden.phone).toMatchObject({ value: '+447911123456', sourceName: 'shop' });
    expect(c.version).toBe(4);
    expect(await s.database.db.transaction((tx) => recomputeGolden(tx, [first.customerId]))).toEqual([]);
  });

  it.runIf(tier === 'postgres')('a pin committed between the read and the write is in the stored golden record', async () => {
    const first = await write(s, 'crm', 'C-1', carl);
    // Another connection pins the city (and commits) after the joining write has read the customer with its
    // candidates and before its writing statement locks it.
    let pinned = 0;
    wrapAssigner((a) => ({
      async assign(tx, ctx, records) {
        const joins = await a.assign.call(this, tx, ctx, records);
        await s.g.golden.pin(Actor.system(), first.customerId, 'city', { value: 'Wells', reason: 'phoned in' });
        pinned++;
        return joins;
      },
    }));
    await write(s, 'shop', 'S-1', { ...carl, phone: '07911 123456' });
    expect(pinned).toBe(1);
    const c = await customer(first.customerId);
    expect(c.golden.city).toMatchObject({ value: 'Wells', rule: 'pinned' });
    expect(c.golden.phone).toMatchObject({ value: '+447911123456', sourceName: 'shop' });
    expect(await s.database.db.transaction((tx) => recomputeGolden(tx, [first.customerId]))).toEqual([]);
  });

  it('a deleted or verified record moves its customer version and its golden record follows', async () => {
    const first = await write(s, 'crm', 'C-1', carl);
    const second = await write(s, 'shop', 'S-1', { ...carl, city: 'Bristol', phone: '07911 123456' });
    expect(second.customerId).toBe(first.customerId);
    const before = await customer(first.customerId);
    expect(before.golden.city).toMatchObject({ value: 'Bath', sourceName: 'crm' });
    // A steward verifies the shop's city: a steward-verified value outranks the more trusted source's.
    await s.services.records.verify(Actor.system(), second.id, { attributes: ['city'] });
    const verified = await customer(first.customerId);
    expect(verified.golden.city).toMatchObject({ value: 'Bristol', sourceName: 'shop', rule: 'verified' });
    // Touched (+1), a new golden record (+1).
    expect(verified.version).toBe(before.version + 2);
    await s.services.records.delete(Actor.system(), second.id);
    const deleted = await customer(first.customerId);
    expect(deleted.golden.city).toMatchObject({ value: 'Bath', sourceName: 'crm' });
    expect(deleted.golden.phone).toBeUndefined();
    expect(deleted.version).toBe(verified.version + 2);
    expect(await s.database.db.transaction((tx) => recomputeGolden(tx, [first.customerId]))).toEqual([]);
  });

  it('two records of a batch joining one customer, with a rejected update of its record in the same batch', async () => {
    const first = await write(s, 'crm', 'C-1', carl);
    const second = await write(s, 'crm', 'C-2', { ...carl, phone: '07911 123456', city: 'Wells' });
    expect(second.customerId).toBe(first.customerId);
    const before = await customer(first.customerId);
    const out = await s.services.records.writeMany(Actor.system(), 'shop', [
      { key: 'S-1', values: { ...carl, city: 'Bristol' } },
      { key: 'S-2', values: { ...carl, phone: '07911 123457' } },
    ]);
    expect(out.map((o) => [o.outcome, o.record.errors, o.record.customerId])).toEqual([['created', [], first.customerId], ['created', [], first.customerId]]);
    // C-2 (whose phone was the golden one) turns invalid: it no longer counts, and the shop's phone takes over.
    const rejected = await s.services.records.writeMany(Actor.system(), 'crm', [{ key: 'C-2', values: { last_name: 'Brown' } }]);
    expect(rejected[0]!.outcome).toBe('rejected');
    const c = await customer(first.customerId);
    expect(c.golden.phone).toMatchObject({ value: '+447911123457', sourceName: 'shop' });
    expect(c.golden.city).toMatchObject({ value: 'Bath', sourceName: 'crm' });
    // Batch: joined (+1), golden (+1); rejected update: moved (+1), recomputed (+1).
    expect(c.version).toBe(before.version + 4);
    expect(await s.database.db.transaction((tx) => recomputeGolden(tx, [first.customerId]))).toEqual([]);
  });

  it.runIf(tier === 'postgres')('a record committed by a transaction that began later counts as more recent, as stored', async () => {
    const { city: _city, ...cityless } = carl;
    const first = await write(s, 'crm', 'C-1', cityless);
    // The joining write's transaction has begun; another one, begun after it, writes the same person and commits
    // before the first reads the customer. Equal trust: the most recently updated record's city wins.
    wrapAssigner((a) => ({
      async assign(tx, ctx, records) {
        if (records.some((r) => r.key === 'S-1')) await write(s, 'web', 'W-1', { ...carl, city: 'Cardiff' });
        return a.assign.call(this, tx, ctx, records);
      },
    }));
    await write(s, 'shop', 'S-1', { ...carl, city: 'Bristol' });
    const c = await customer(first.customerId);
    expect(c.golden.city).toMatchObject({ value: 'Cardiff', sourceName: 'web', rule: 'recent' });
    expect(await s.database.db.transaction((tx) => recomputeGolden(tx, [first.customerId]))).toEqual([]);
  });
});
