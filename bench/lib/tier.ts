// A throwaway database of one tier for a benchmark: the bench seeds it through `database` (migrated), and a
// server process reaches it through `env`.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrateDatabase, openDatabase, type Database } from '../../src/platform/db/database.js';
import { startPostgres } from '../../test/support/postgres-server.js';

export type BenchTier = { database: Database; env: NodeJS.ProcessEnv; cleanup(): Promise<void> };

/** PostgreSQL (fsync on) or a PGlite data directory; `serverPoolSize` and `socket` set the server's connection. */
export async function openBenchTier(tier: 'postgres' | 'pglite', opts: { serverPoolSize: number; socket?: boolean; pgSettings?: Record<string, string> }): Promise<BenchTier> {
  if (tier === 'postgres') {
    const pg = await startPostgres({ durable: true, ...(opts.pgSettings ? { settings: opts.pgSettings } : {}) });
    if (!pg) throw new Error('no PostgreSQL server binaries found');
    const database = await openDatabase({ databaseUrl: pg.url, poolSize: 4 });
    await migrateDatabase(database);
    // socket: the server talks to PostgreSQL over its Unix-domain socket, as a same-host deployment would.
    const url = opts.socket && pg.socketUrl ? pg.socketUrl : pg.url;
    return { database, env: { DATABASE_URL: url, DATABASE_POOL_SIZE: String(opts.serverPoolSize) }, cleanup: () => pg.stop() };
  }
  const dir = mkdtempSync(join(tmpdir(), 'custodian-bench-'));
  const database = await openDatabase({ dataDir: join(dir, 'pglite') });
  await migrateDatabase(database);
  return { database, env: { CUSTODIAN_DATA_DIR: dir }, cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
}
