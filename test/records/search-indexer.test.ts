import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { customerListQuery } from '../../src/modules/customers/customers.schemas.js';
import { Actor } from '../../src/platform/auth/actor.js';
import type { Database } from '../../src/platform/db/database.js';
import { migrateDatabase, openDatabase } from '../../src/platform/db/database.js';
import { createServices, type Services } from '../../src/server/services.js';
import { describeTiers, useTierDatabase } from '../support/tiers.js';

// API writes queue their records' search terms (search_term_backlog); the indexer replaces them from the records'
// current state, and a search catches up first (records/search-indexer.ts).
describeTiers('search indexer', (tier) => {
  const db = useTierDatabase(tier);
  let database: Database;
  let services: Services;
  const actor = Actor.system('test');
  let sourceId = '';

  beforeAll(async () => {
    const t = db();
    database = await openDatabase(tier === 'pglite' ? { pglite: t.pglite } : { databaseUrl: t.url, poolSize: 3 });
    await migrateDatabase(database);
    services = createServices(database, { sessionTtlHours: 1 }, { matchOnArrival: false });
    const attributes = [
      { name: 'first_name', type: 'text', required: true },
      { name: 'last_name', type: 'text' },
      { name: 'email', type: 'email' },
      { name: 'phone', type: 'phone' },
      { name: 'city', type: 'text' },
    ];
    await services.schemas.create(actor, { name: 'people', definition: { attributes, defaultRegion: 'GB' } });
    sourceId = (await services.sources.create(actor, { name: 'crm', schema: 'people', systemType: 'crm' })).id;
  });
  afterAll(async () => {
    await services.records.searchIndex.stop();
    if (tier === 'postgres') await database.close();
  });

  const write = (key: string, values: Record<string, unknown>) => services.records.write(actor, { source: sourceId, key, values });
  const termsOf = (recordId: string) =>
    database.raw<{ customer_id: string; kind: string; term: string }>(
      'select customer_id, kind, term from customer_search_terms where record_id = $1 order by kind, term',
      [recordId],
    );
  const backlog = async (): Promise<string[]> => (await database.raw<{ record_id: string }>('select record_id from search_term_backlog order by record_id')).map((r) => r.record_id);

  it('indexes queued records after the write, exactly once however often they were queued', async () => {
    const first = await write('k1', { first_name: 'Ann', last_name: 'Lee', email: 'ann@example.com', phone: '07911 123456' });
    await write('k1', { first_name: 'Ann', last_name: 'Lee', email: 'ann.lee@example.com', phone: '07911 123456' });
    // Not background-indexed (nothing started it): both writes are queued, no terms yet.
    expect(await backlog()).toEqual([first.record.id, first.record.id]);
    expect(await termsOf(first.record.id)).toEqual([]);

    await services.records.searchIndex.catchUp();
    const customerId = first.record.customerId!;
    expect(await termsOf(first.record.id)).toEqual([
      { customer_id: customerId, kind: 'email', term: 'ann.lee@example.com' },
      { customer_id: customerId, kind: 'key', term: 'k1' },
      { customer_id: customerId, kind: 'name', term: 'ann lee' },
      { customer_id: customerId, kind: 'phone', term: '447911123456' },
    ]);
    expect(await backlog()).toEqual([]);

    // A change outside the terms keeps the term rows themselves (same physical rows); a changed term replaces them.
    const physical = () => database.raw<{ ctid: string; term: string }>('select ctid::text as ctid, term from customer_search_terms where record_id = $1 order by kind, term', [first.record.id]);
    const before = await physical();
    await write('k1', { first_name: 'Ann', last_name: 'Lee', email: 'ann.lee@example.com', phone: '07911 123456', city: 'Leeds' });
    await services.records.searchIndex.catchUp();
    expect(await physical()).toEqual(before);
    await write('k1', { first_name: 'Anne', last_name: 'Lee', email: 'ann.lee@example.com', phone: '07911 123456', city: 'Leeds' });
    await services.records.searchIndex.catchUp();
    const after = await physical();
    expect(after.map((r) => r.term)).toEqual(['ann.lee@example.com', 'k1', 'anne lee', '447911123456']);
    expect(after.some((r) => before.some((b) => b.ctid === r.ctid))).toBe(false);
  });

  it('a search sees every write committed before it, without anyone indexing first', async () => {
    const w = await write('k2', { first_name: 'Bartholomew', last_name: 'Quince', email: 'bq@example.com' });
    expect(await backlog()).toEqual([w.record.id]);
    const found = await services.customers.list(actor, customerListQuery.parse({ q: 'bq@example.com', fuzzy: 'false' }));
    expect(found.items.map((i) => i.id)).toEqual([w.record.customerId]);
    const fuzzy = await services.customers.list(actor, customerListQuery.parse({ name: 'Bartolomew Quince' }));
    expect(fuzzy.items.map((i) => i.id)).toEqual([w.record.customerId]);
    expect(await backlog()).toEqual([]);
  });

  it('concurrent catch-ups all see the backlog emptied', async () => {
    const a = await write('k3', { first_name: 'Cy' });
    const b = await write('k4', { first_name: 'Di' });
    await Promise.all([services.records.searchIndex.catchUp(), services.records.searchIndex.catchUp(), services.records.searchIndex.catchUp()]);
    expect(await backlog()).toEqual([]);
    expect((await termsOf(a.record.id)).map((t) => t.term)).toEqual(['k3', 'cy']);
    expect((await termsOf(b.record.id)).map((t) => t.term)).toEqual(['k4', 'di']);
  });

  it('a record deleted or erased before its turn gets no terms, and loses those it had', async () => {
    const kept = await write('k5', { first_name: 'Eve', email: 'eve@example.com' });
    await services.records.searchIndex.catchUp();
    expect(await termsOf(kept.record.id)).toHaveLength(3);
    // Queued again, then soft-deleted before the indexer's turn.
    await write('k5', { first_name: 'Eve', email: 'eve2@example.com' });
    await services.records.delete(actor, kept.record.id);
    // Queued, then its row removed behind the writer (as erasure does), leaving stale terms.
    const gone = await write('k6', { first_name: 'Fay' });
    await services.records.searchIndex.catchUp();
    expect(await termsOf(gone.record.id)).toHaveLength(2);
    await write('k6', { first_name: 'Faye' });
    await database.raw('delete from source_record_versions where record_id = $1', [gone.record.id]);
    await database.raw('delete from source_records where id = $1', [gone.record.id]);
    await services.records.searchIndex.catchUp();
    expect(await termsOf(kept.record.id)).toEqual([]);
    expect(await termsOf(gone.record.id)).toEqual([]);
    // The erased customer's records get no terms even when queued (anonymised records stay, their customer is deleted).
    const anon = await write('k7', { first_name: 'Gil' });
    await database.raw(`update customers set status = 'deleted' where id = $1`, [anon.record.customerId]);
    await services.records.searchIndex.catchUp();
    expect(await termsOf(anon.record.id)).toEqual([]);
    expect(await backlog()).toEqual([]);
  });

  it('runs in the background once started, after each write', async () => {
    services.records.searchIndex.start({ everyMs: 60_000, onError: (err) => expect.fail(String(err)) });
    try {
      const w = await write('k8', { first_name: 'Hal' });
      for (let i = 0; i < 100 && (await termsOf(w.record.id)).length === 0; i++) await new Promise((r) => setTimeout(r, 20));
      expect((await termsOf(w.record.id)).map((t) => t.term)).toEqual(['k8', 'hal']);
    } finally {
      await services.records.searchIndex.stop();
    }
  });

  it.runIf(tier === 'postgres')('skips a record another transaction holds, and indexes it once released', async () => {
    const w = await write('k9', { first_name: 'Ida' });
    const other = new pg.Client({ connectionString: db().url });
    await other.connect();
    try {
      await other.query('begin');
      await other.query('select 1 from source_records where id = $1 for update', [w.record.id]);
      // Does not wait for the lock: the record goes back to the backlog.
      await services.records.searchIndex.catchUp();
      expect(await termsOf(w.record.id)).toEqual([]);
      expect(await backlog()).toEqual([w.record.id]);
      await other.query('commit');
      await services.records.searchIndex.catchUp();
      expect((await termsOf(w.record.id)).map((t) => t.term)).toEqual(['k9', 'ida']);
      expect(await backlog()).toEqual([]);
    } finally {
      await other.end();
    }
  });
});
