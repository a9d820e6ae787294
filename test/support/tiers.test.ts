import pg from 'pg';
import { expect, it } from 'vitest';
import { describeTiers, useTierDatabase, type TierDatabase } from './tiers.js';

type Row = Record<string, unknown>;

// Same SQL on both tiers: PGlite in-process, or node-postgres against the real server.
async function query(db: TierDatabase, sql: string): Promise<Row[]> {
  if (db.pglite) return (await db.pglite.query<Row>(sql)).rows;
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    return (await client.query<Row>(sql)).rows;
  } finally {
    await client.end();
  }
}

describeTiers('test tiers', (tier) => {
  const db = useTierDatabase(tier);

  it('answers select 1', async () => {
    expect(await query(db(), 'select 1 as one')).toEqual([{ one: 1 }]);
  });

  it('has pg_trgm and fuzzystrmatch', async () => {
    const d = db();
    if (d.pglite) {
      await d.pglite.exec('create extension if not exists pg_trgm; create extension if not exists fuzzystrmatch');
    } else {
      await query(d, 'create extension if not exists pg_trgm; create extension if not exists fuzzystrmatch');
    }
    const [row] = await query(d, "select similarity('jon','john') as sim, levenshtein('kitten','sitting') as lev");
    expect(Number(row?.sim)).toBeGreaterThan(0.2);
    expect(row?.lev).toBe(3);
  });

  it('is a database of its own', async () => {
    const [row] = await query(db(), 'select current_database() as name');
    if (tier === 'postgres') expect(String(row?.name)).toMatch(/^t_[0-9a-f]{12}$/);
    else expect(row?.name).toBeTypeOf('string');
  });
});
