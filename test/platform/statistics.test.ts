import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateDatabase, openDatabase, type Database } from '../../src/platform/db/database.js';
import { analyzeStaleTables } from '../../src/platform/db/statistics.js';

// PGlite has no autovacuum: without these statistics the planner believes every table is empty.
describe('planner statistics on PGlite', () => {
  const dir = mkdtempSync(join(tmpdir(), 'custodian-stats-'));
  let database: Database;
  beforeAll(async () => {
    database = await openDatabase({ dataDir: join(dir, 'pglite') });
    await migrateDatabase(database);
  }, 120_000);
  afterAll(async () => {
    await database?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('analyzes the tables that changed enough, and only those, like autovacuum', async () => {
    await analyzeStaleTables(database);
    await database.raw(`insert into customers (id, display_name) select 'cus_s' || g, 'Name ' || g from generate_series(1, 2000) g`);
    expect(await analyzeStaleTables(database)).toEqual(['customers']);
    const [c] = await database.raw<{ reltuples: number }>(`select reltuples::int as reltuples from pg_class where relname = 'customers'`);
    expect(c!.reltuples).toBe(2000);
    expect(await analyzeStaleTables(database)).toEqual([]);
    // 50 + 10 % of 2,000 = 250 changed rows are needed before the next analyze.
    await database.raw(`update customers set display_name = display_name || '!' where id in (select id from customers order by id limit 200)`);
    expect(await analyzeStaleTables(database)).toEqual([]);
    await database.raw(`update customers set display_name = display_name || '?' where id in (select id from customers order by id limit 100)`);
    expect(await analyzeStaleTables(database)).toEqual(['customers']);
  });
});
