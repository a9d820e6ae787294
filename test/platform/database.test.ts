import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { migrateDatabase, openDatabase, rows } from '../../src/platform/db/database.js';

// The embedded database opened from a data directory: persistence across reopen, the single connection's
// transaction semantics, error fields and type parsing that the services rely on.
describe('PGlite database from a data directory', () => {
  const dir = mkdtempSync(join(tmpdir(), 'custodian-db-'));
  const dataDir = join(dir, 'pglite');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('migrates, writes, closes, and reads the data back after reopening', async () => {
    const first = await openDatabase({ dataDir });
    await migrateDatabase(first);
    await first.raw(`insert into customers (id, display_name) values ($1, $2)`, ['cus_persist', 'Ada Lovelace']);
    await first.close();
    const second = await openDatabase({ dataDir });
    try {
      await migrateDatabase(second); // already applied: a no-op
      expect(await second.raw<{ display_name: string }>('select display_name from customers where id = $1', ['cus_persist'])).toEqual([{ display_name: 'Ada Lovelace' }]);
    } finally {
      await second.close();
    }
  }, 120_000); // two PGlite start-ups and a full migration: like the suites' shared-instance hooks

  it('commits transactions, rolls back failed ones, and runs outside queries only after the transaction', async () => {
    const database = await openDatabase({ dataDir });
    try {
      const order: string[] = [];
      const tx = database.db.transaction(async (t) => {
        await t.execute(sql`insert into customers (id, display_name) values ('cus_tx1', 'One')`);
        order.push('tx-insert');
        await new Promise((r) => setTimeout(r, 50));
        // Inside the transaction the uncommitted row is visible.
        const seen = await rows<{ n: number }>(t, sql`select count(*)::int n from customers where id = 'cus_tx1'`);
        order.push(`tx-sees-${seen[0]!.n}`);
      });
      // Issued while the transaction holds the connection: must wait and then see the committed row.
      const outside = database.raw<{ n: number }>(`select count(*)::int n from customers where id = 'cus_tx1'`).then((r) => {
        order.push(`outside-sees-${r[0]!.n}`);
      });
      await Promise.all([tx, outside]);
      expect(order).toEqual(['tx-insert', 'tx-sees-1', 'outside-sees-1']);

      await expect(
        database.db.transaction(async (t) => {
          await t.execute(sql`insert into customers (id, display_name) values ('cus_tx2', 'Two')`);
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      await expect(
        database.db.transaction(async (t) => {
          await t.execute(sql`insert into customers (id, display_name) values ('cus_tx3', 'Three')`);
          t.rollback();
        }),
      ).rejects.toThrow();
      expect(await database.raw(`select id from customers where id in ('cus_tx2', 'cus_tx3')`)).toEqual([]);
    } finally {
      await database.close();
    }
  });

  it('keeps PostgreSQL error fields, int8 as numbers and drizzle timestamps as strings', async () => {
    const database = await openDatabase({ dataDir });
    try {
      const err = await database.raw(`insert into customers (id, display_name) values ('cus_persist', 'dup')`).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Error);
      expect((err as { code?: string }).code).toBe('23505');
      expect(await database.raw('select 9007199254740991::int8 as big, 2::int4 as small')).toEqual([{ big: 9007199254740991, small: 2 }]);
      const [row] = await rows<{ t: unknown; d: unknown }>(database.db, sql`select '2024-02-29 10:00:00+00'::timestamptz t, '2024-02-29'::date d`);
      expect(typeof row!.t).toBe('string');
      expect(row!.d).toBe('2024-02-29');
      // The connection is usable after the error.
      expect(await database.raw('select 1 as one')).toEqual([{ one: 1 }]);
    } finally {
      await database.close();
    }
  });

  it('refuses queries after close', async () => {
    const database = await openDatabase({ dataDir });
    await database.close();
    await expect(database.raw('select 1')).rejects.toThrow(/closed/);
  });
});
