import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, expect, it } from 'vitest';
import { recomputeGolden } from '../../src/modules/golden/index.js';
import { loadRules } from '../../src/modules/quality/rules.js';
import type { IncomingRecord, WriteContext } from '../../src/modules/records/index.js';
import { prepareRecords, writeRecordBatch } from '../../src/modules/records/index.js';
import { Actor } from '../../src/platform/auth/actor.js';
import { newId } from '../../src/platform/ids.js';
import { describeTiers } from '../support/tiers.js';
import { activeModel } from '../../src/modules/stewardship/model-store.js';
import { rolesOf } from '../../src/modules/stewardship/match-fields.js';
import { PERSON, setupSources, useGoldenSystem, write, type GoldenSystem } from './golden-system.js';

const ANNA = { first_name: 'Anna', last_name: 'Smith', email: 'anna.smith@example.com', phone: '07911 123456', birth_date: '1980-04-01', city: 'Leeds' };
const CSV = [
  'customer_id,first_name,last_name,email,phone,birth_date,city',
  'K1,Anna,Smith,anna.smith@example.com,07911 123456,1980-04-01,Leeds',
  'K2,Carl,Brown,carl@brown.net,,,Bath',
  'K3,Anna,Smith,anna.smith@example.com,07911 123456,,York',
  'K4,Dora,Lee,dora.lee@example.net,,1990-12-24,',
  'K5,Carl,Brown,carl@brown.net,07911 123499,,Bristol',
  'K5,Carl,Brown,carl@brown.net,07911 123499,,Hull',
].join('\n');

// Match on arrival scores an import's next batch while the database writes the current one (PostgreSQL, one
// lane). The outcome must be what scoring inside each batch's transaction gives.
describeTiers('golden: scoring an import batch ahead of its transaction', (tier) => {
  const sys = useGoldenSystem(tier);
  const dir = mkdtempSync(join(tmpdir(), 'custodian-ahead-'));
  const file = join(dir, 'people.csv');
  writeFileSync(file, CSV);
  const actor = Actor.system();
  let s: GoldenSystem;
  beforeEach(async () => {
    s = sys();
    await s.resetData();
    await setupSources(s, [{ name: 'crm', trustRank: 50 }, { name: 'pos', trustRank: 40 }]);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Anna's record of source crm, validated and scored ahead (as an import does) under a reserved id. */
  async function annaScoredAhead(): Promise<{ ctx: WriteContext; rec: IncomingRecord }> {
    const source = await s.services.sources.resolve(actor, 'crm');
    const ctx = await s.services.records.writeContext(source);
    const rules = await loadRules(s.database.db, source.schemaId, ctx.definition);
    const rec: IncomingRecord = { key: 'I-anna', values: ANNA };
    prepareRecords(ctx, rules, [rec]);
    rec.prepared!.id = newId('record');
    [rec.prepared!.prescored] = await ctx.customerAssigner!.prescore!(s.database.db, ctx, [{ id: rec.prepared!.id, key: rec.key, values: rec.prepared!.validation.values }], {});
    return { ctx, rec };
  }

  it('a key of the batch being written, repeated in the next one, is not scored ahead as a new record', async () => {
    const csv = join(dir, 'repeat.csv');
    writeFileSync(csv, [CSV.split('\n')[0], CSV.split('\n')[1], CSV.split('\n')[2], 'K2,Carl,Brown,carl@brown.net,,,Hull', CSV.split('\n')[4]].join('\n'));
    const before = s.g.stewardship.arrivalStats.prescored ?? 0;
    const job = await s.services.ingest.importFile(actor, csv, { source: 'crm', batchSize: 2 });
    expect(job.counters).toMatchObject({ read: 4, created: 3, updated: 1, rejected: 0 });
    // K1, K2 and K4: K2 again (in the second batch, scored while the first is written) is an update, and an id
    // reserved for it would never exist yet stay in the index as a candidate.
    expect((s.g.stewardship.arrivalStats.prescored ?? 0) - before).toBe(tier === 'postgres' ? 3 : 0);
  });

  it('links duplicates across batches, updates a key repeated in its batch, and stores golden records as a recompute gives them', async () => {
    const before = s.g.stewardship.arrivalStats.prescored ?? 0;
    const job = await s.services.ingest.importFile(actor, file, { source: 'crm', batchSize: 2 });
    expect(job.counters).toMatchObject({ read: 6, created: 5, updated: 1, rejected: 0 });
    // Scored ahead on PostgreSQL only: the five new records (K5 again is written as an update of the first).
    expect((s.g.stewardship.arrivalStats.prescored ?? 0) - before).toBe(tier === 'postgres' ? 5 : 0);
    const linked = await s.query<{ key: string; customer: string }>(`select source_key as key, customer_id as customer from source_records order by source_key`);
    const of = Object.fromEntries(linked.map((l) => [l.key, l.customer]));
    expect(of.K3).toBe(of.K1);
    expect(of.K5).toBe(of.K2);
    expect(new Set(Object.values(of)).size).toBe(3);
    const customers = await s.query<{ id: string }>(`select id from customers where status = 'active' order by id`);
    expect(customers).toHaveLength(3);
    expect(await s.database.db.transaction((tx) => recomputeGolden(tx, customers.map((c) => c.id)))).toEqual([]);
  });

  it('scores again in the transaction when another writer indexed the same person after the scoring ahead', async () => {
    const { ctx, rec } = await annaScoredAhead();
    // The same person arrives through the API (and commits) before the import's transaction.
    const api = await write(s, 'pos', 'P-anna', ANNA);
    const rescored = s.g.stewardship.arrivalStats.rescored ?? 0;
    const [written] = await s.database.db.transaction((tx) => writeRecordBatch(tx, s.services.audit, actor, ctx, [rec]));
    expect(written).toMatchObject({ outcome: 'created', id: rec.prepared!.id });
    expect((s.g.stewardship.arrivalStats.rescored ?? 0) - rescored).toBe(1);
    const [row] = await s.query<{ customer_id: string }>(`select customer_id from source_records where source_key = 'I-anna'`);
    expect(row!.customer_id).toBe(api.customerId);
  });

  it('uses the scores ahead when nothing was indexed since, and they still find stored records', async () => {
    const first = await write(s, 'pos', 'P-anna', ANNA);
    const { ctx, rec } = await annaScoredAhead();
    const rescored = s.g.stewardship.arrivalStats.rescored ?? 0;
    await s.database.db.transaction((tx) => writeRecordBatch(tx, s.services.audit, actor, ctx, [rec]));
    expect((s.g.stewardship.arrivalStats.rescored ?? 0) - rescored).toBe(0);
    const [row] = await s.query<{ customer_id: string }>(`select customer_id from source_records where source_key = 'I-anna'`);
    expect(row!.customer_id).toBe(first.customerId);
  });

  it('a record scored ahead that turns out to exist is written as an update, and its reserved id is no candidate afterwards', async () => {
    const stored = await write(s, 'crm', 'I-anna', { ...ANNA, city: 'York' });
    const { ctx, rec } = await annaScoredAhead();
    const reserved = rec.prepared!.id!;
    const [written] = await s.database.db.transaction((tx) => writeRecordBatch(tx, s.services.audit, actor, ctx, [rec]));
    expect(written).toMatchObject({ outcome: 'updated', id: stored.id });
    // Anna again, from another source: the index offers her stored record, never the id reserved for the update.
    const source = await s.services.sources.resolve(actor, 'pos');
    const posCtx = await s.services.records.writeContext(source);
    const indexes = s.g.stewardship.indexes;
    const entry = await indexes.get(s.database.db, source.schemaId, rolesOf(posCtx.definition), await activeModel(s.database.db, source.schemaId, rolesOf(posCtx.definition), { cached: true }));
    const found = indexes.match(entry, 'probe', ANNA, 0.5).map((c) => c.recordId);
    expect(found).toContain(stored.id);
    expect(found).not.toContain(reserved);
  });

  it('a record prepared with an older schema version is validated again with the version its write uses', async () => {
    const { rec } = await annaScoredAhead();
    expect(rec.prepared!.validation.ok).toBe(true);
    // Version 2 requires a loyalty number Anna's record does not have.
    await s.services.schemas.update(actor, 'person', { definition: { ...PERSON, attributes: [...PERSON.attributes, { name: 'loyalty_no', type: 'text', required: true }] } });
    const ctx2 = await s.services.records.writeContext(await s.services.sources.resolve(actor, 'crm'));
    expect(ctx2.schemaVersion).toBe(2);
    const [written] = await s.database.db.transaction((tx) => writeRecordBatch(tx, s.services.audit, actor, ctx2, [rec]));
    expect(written).toMatchObject({ outcome: 'rejected', status: 'rejected', errors: [{ field: 'loyalty_no', rule: 'required' }] });
    const [row] = await s.query<{ status: string; schema_version: number; customer_id: string | null }>(`select status, schema_version, customer_id from source_records where source_key = 'I-anna'`);
    expect(row).toEqual({ status: 'rejected', schema_version: 2, customer_id: null });
  });
});
