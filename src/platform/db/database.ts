import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { fuzzystrmatch } from '@electric-sql/pglite/contrib/fuzzystrmatch';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import type { SQL } from 'drizzle-orm';
import { is } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePg, NodePgSession } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import { packageRoot } from '../paths.js';
import * as schema from './schema.js';

export type DbSchema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, DbSchema>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Tx = PgTransaction<PgQueryResultHKT, DbSchema, any>;
/** Anything that runs SQL: the database or a transaction. Services take this so callers choose the scope. */
export type Executor = Db | Tx;

export type DatabaseKind = 'pglite' | 'postgres';

export interface Database {
  readonly kind: DatabaseKind;
  readonly db: Db;
  /** How many statements can run at once: the pool size on PostgreSQL, 1 on PGlite. */
  readonly connections: number;
  /** Runs a raw query on the pool or embedded instance; for hot paths that skip the query builder. */
  readonly raw: RawQuery;
  /** Holds a session-level advisory lock on a dedicated connection until the returned release is called. */
  advisoryLock(key: number): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

/** `name` makes it a prepared statement on PostgreSQL (parsed and planned once per connection): for hot paths. */
export type RawQuery = <T = Record<string, unknown>>(text: string, params?: unknown[], name?: string) => Promise<T[]>;

export type OpenOptions = { databaseUrl?: string; dataDir?: string; poolSize?: number; pglite?: PGlite };

const MIGRATION_LOCK_KEY = 727_170_001;

function migrationsFolder(): string {
  return join(packageRoot(), 'migrations');
}

/** Opens PostgreSQL when a URL is given, otherwise the embedded PGlite database in dataDir (or memory). */
export async function openDatabase(opts: OpenOptions): Promise<Database> {
  if (opts.databaseUrl) {
    // int8 (bigserial sequences, counts) as JS numbers: our values stay far below 2^53.
    pg.types.setTypeParser(20, (v) => Number(v));
    const connections = opts.poolSize ?? 10;
    const pool = new pg.Pool({ connectionString: opts.databaseUrl, max: connections });
    pool.on('error', () => {
      // An idle client lost its connection; the pool replaces it. Queries surface their own errors.
    });
    const db = drizzlePg({ client: pool, schema }) as unknown as Db;
    return {
      kind: 'postgres',
      db,
      connections,
      raw: async (text, params, name) => (await pool.query(name ? { name, text, values: params as unknown[] } : { text, values: params as unknown[] })).rows,
      advisoryLock: async (key) => {
        const conn = await pool.connect();
        await conn.query('select pg_advisory_lock($1)', [key]);
        return async () => {
          try {
            await conn.query('select pg_advisory_unlock($1)', [key]);
          } finally {
            conn.release();
          }
        };
      },
      close: () => pool.end(),
    };
  }
  let client = opts.pglite;
  if (!client) {
    if (opts.dataDir) mkdirSync(opts.dataDir, { recursive: true });
    client = await PGlite.create({
      dataDir: opts.dataDir,
      extensions: { pg_trgm, fuzzystrmatch },
      parsers: { 20: (v: string) => Number(v) },
    });
  }
  const lite = client;
  const db = drizzlePglite({ client: lite, schema }) as unknown as Db;
  return {
    kind: 'pglite',
    db,
    connections: 1,
    raw: async (text, params) => (await lite.query(text, params as unknown[])).rows as never,
    // A PGlite data directory belongs to one process, and its single connection serialises everything.
    advisoryLock: async () => async () => undefined,
    close: () => lite.close(),
  };
}

/** Applies pending migrations. On PostgreSQL an advisory lock keeps two processes from racing. */
export async function migrateDatabase(database: Database): Promise<void> {
  const folder = migrationsFolder();
  if (database.kind === 'pglite') {
    // One process owns a PGlite data directory, so no lock is needed.
    await migratePglite(database.db as never, { migrationsFolder: folder });
    return;
  }
  const release = await database.advisoryLock(MIGRATION_LOCK_KEY);
  try {
    await migratePg(database.db as never, { migrationsFolder: folder });
  } finally {
    await release();
  }
}

/** Rows of a raw drizzle SQL statement on any executor. */
export async function rows<T>(ex: Executor, query: SQL): Promise<T[]> {
  const res = (await ex.execute(query)) as unknown as { rows: T[] };
  return res.rows;
}

/**
 * `rows` as a named prepared statement on PostgreSQL: parsed and planned once per connection, then only bound and
 * executed (a write's big statements cost the server more to parse and plan than some of them take to run). The
 * name comes from the statement's text, so each distinct text is prepared once per connection whatever the
 * parameters; PGlite runs it as any statement. For statements sent again and again with other values.
 */
export async function preparedRows<T>(ex: Executor, query: SQL): Promise<T[]> {
  const session = (ex as unknown as { session?: unknown }).session;
  if (!session || !is(session, NodePgSession)) return rows<T>(ex, query);
  const pgSession = session as unknown as { dialect: { sqlToQuery(q: SQL): { sql: string; params: unknown[] } }; prepareQuery(q: { sql: string; params: unknown[] }, fields: undefined, name: string, arrayMode: boolean): { execute(): Promise<unknown> } };
  const q = pgSession.dialect.sqlToQuery(query);
  const name = `c_${createHash('sha1').update(q.sql).digest('base64url').slice(0, 20)}`;
  const res = (await pgSession.prepareQuery(q, undefined, name, false).execute()) as unknown as { rows: T[] };
  return res.rows;
}
