import { PGlite } from '@electric-sql/pglite';
import { fuzzystrmatch } from '@electric-sql/pglite/contrib/fuzzystrmatch';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, inject } from 'vitest';

export type TierName = 'pglite' | 'postgres';
export type Tier = { name: TierName; available: boolean };
export type TierDatabase = { url?: string; pglite?: PGlite; drop(): Promise<void> };

function serverUrl(): string | null {
  return inject('pgUrl') ?? null;
}

/** Both storage tiers; the postgres tier is available only when global setup started a server. */
export function tiers(): Tier[] {
  return [
    { name: 'pglite', available: true },
    { name: 'postgres', available: serverUrl() !== null },
  ];
}

async function adminQuery(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/**
 * A fresh, empty database for one test file: an in-memory PGlite (with pg_trgm and
 * fuzzystrmatch loaded, not yet CREATEd) or a new database on the shared test server.
 */
export async function createTierDatabase(tier: TierName): Promise<TierDatabase> {
  if (tier === 'pglite') {
    const pglite = await PGlite.create({ extensions: { pg_trgm, fuzzystrmatch } });
    return { pglite, drop: () => pglite.close() };
  }
  const admin = serverUrl();
  if (!admin) throw new Error('postgres tier not available (no server started by global setup)');
  // Own database per file so files can run in parallel without seeing each other's rows.
  const name = `t_${randomBytes(6).toString('hex')}`;
  await adminQuery(admin, `CREATE DATABASE "${name}"`);
  const url = new URL(admin);
  url.pathname = `/${name}`;
  let dropped = false;
  return {
    url: url.toString(),
    drop: async () => {
      if (dropped) return;
      dropped = true;
      // FORCE so a leaked pool connection doesn't make teardown fail.
      await adminQuery(admin, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    },
  };
}

/**
 * Registers beforeAll/afterAll that create and drop a tier database; call inside a describe.
 * The returned getter is valid inside tests and hooks registered after this call.
 */
export function useTierDatabase(tier: TierName): () => TierDatabase {
  let db: TierDatabase | undefined;
  beforeAll(async () => {
    db = await createTierDatabase(tier);
  });
  afterAll(async () => {
    await db?.drop();
    db = undefined;
  });
  return () => {
    if (!db) throw new Error('tier database used outside of its describe block');
    return db;
  };
}

/** Runs the same suite once per tier, titled "<name> [<tier>]"; unavailable tiers are skipped visibly. */
export function describeTiers(name: string, fn: (tier: TierName) => void): void {
  for (const tier of tiers()) {
    const title = `${name} [${tier.name}]`;
    if (tier.available) {
      describe(title, () => fn(tier.name));
    } else {
      console.warn(`\u26a0 ${title}: SKIPPED (no PostgreSQL server for the postgres tier)`);
      describe.skip(title, () => fn(tier.name));
    }
  }
}
