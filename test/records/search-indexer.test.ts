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

  it('an erasure or anonymisation while a record is queued leaves no terms; 600 queued records in one catch-up', async () => {
    const erased = await write('k10', { first_name: 'Jo', email: 'jo@example.com' });
    const anon = await write('k11', { first_name: 'Kim', email: 'kim@example.com' });
    await services.consent.dsr.erase(actor, erased.record.customerId!, { legalBasis: 'GDPR art. 17', mode: 'erase' });
    await services.consent.dsr.erase(actor, anon.record.customerId!, { legalBasis: 'GDPR art. 17', mode: 'anonymise' });
    const batch = Array.from({ length: 600 }, (_, i) => ({ key: `bulk${i}`, values: { first_name: `Bulk${i}` } }));
    await services.records.writeBatch(actor, { source: sourceId, records: batch });
    expect((await backlog()).length).toBe(602);
    await services.records.searchIndex.catchUp();
    expect(await termsOf(erased.record.id)).toEqual([]);
    expect(await termsOf(anon.record.id)).toEqual([]);
    const [bulk] = await database.raw<{ n: number }>(`select count(*)::int as n from customer_search_terms where term like 'bulk%'`);
    expect(bulk!.n).toBe(1200);
    expect(await backlog()).toEqual([]);
  });

  it('a rejected update under a newer schema version keeps the terms of the values it kept', async () => {
    const w = await write('k12', { first_name: 'Lou', phone: '07911 123456' });
    expect(w.outcome).toBe('created');
    // Version 2 no longer has a phone attribute; the update fails it (first_name missing) and keeps version 1's values.
    await services.schemas.update(actor, 'people', {
      definition: { defaultRegion: 'GB', attributes: [{ name: 'first_name', type: 'text', required: true }, { name: 'mobile', type: 'phone' }] },
    });
    const rejected = await write('k12', { mobile: '07911 000000' });
    expect(rejected.outcome).toBe('rejected');
    await services.records.searchIndex.catchUp();
    expect((await termsOf(w.record.id)).map((t) => [t.kind, t.term])).toEqual([['key', 'k12'], ['name', 'lou'], ['phone', '447911123456']]);
  });

  it('a failing pass fails its catch-up only; searches still answer and the next catch-up indexes', async () => {
    const w = await write('k13', { first_name: 'Max' });
    const schemas = services.schemas as unknown as { loadVersion: (...a: unknown[]) => Promise<unknown> };
    const original = schemas.loadVersion;
    const cache = (services.schemas as unknown as { versionCache: Map<string, unknown> }).versionCache;
    const saved = new Map(cache);
    cache.clear();
    schemas.loadVersion = () => Promise.reject(new Error('schema store down'));
    try {
      await expect(services.records.searchIndex.catchUp()).rejects.toThrow('schema store down');
      const found = await services.customers.list(actor, customerListQuery.parse({ q: 'k13', fuzzy: 'false' }));
      expect(found.items).toEqual([]);
    } finally {
      schemas.loadVersion = original;
      for (const [k, v] of saved) cache.set(k, v);
    }
    const found = await services.customers.list(actor, customerListQuery.parse({ q: 'k13', fuzzy: 'false' }));
    expect(found.items.map((i) => i.id)).toEqual([w.record.customerId]);
  });

  it.runIf(tier === 'postgres')('waits for a record another transaction holds, without holding a lock itself', async () => {
    const w = await write('k9', { first_name: 'Ida' });
    const other = new pg.Client({ connectionString: db().url });
    await other.connect();
    try {
      await other.query('begin');
      await other.query('select 1 from source_records where id = $1 for update', [w.record.id]);
      let done = false;
      const caught = services.records.searchIndex.catchUp().then(() => (done = true));
      await new Promise((r) => setTimeout(r, 300));
      // Still waiting (the record went back to the queue), and the holder can still change the record: the
      // indexer holds nothing while it waits.
      expect(done).toBe(false);
      expect(await termsOf(w.record.id)).toEqual([]);
      await other.query(`update source_records set "values" = '{"first_name": "Ina"}'::jsonb where id = $1`, [w.record.id]);
      await other.query('commit');
      await caught;
      expect((await termsOf(w.record.id)).map((t) => t.term)).toEqual(['k9', 'ina']);
      expect(await backlog()).toEqual([]);
    } finally {
      await other.end();
    }
  });
});
