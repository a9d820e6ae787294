import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { migrateDatabase, openDatabase, type Database } from '../../src/platform/db/database.js';
import { startPostgres, type PostgresServer } from './postgres-server.js';

export type OwnPostgres = { server: PostgresServer; database: Database; other: pg.Client };

/**
 * A PostgreSQL server for one suite alone, migrated, with a migrated Database handle and a second plain client
 * (another session, e.g. to hold a transaction open). For suites that hold transactions open for seconds: on
 * the shared test server that would hold back audit sealing (it waits for the cluster-wide snapshot xmin) in
 * the other suites. Call inside a describe that runs only when the PostgreSQL tier is available.
 */
export function useOwnPostgres(opts: { poolSize: number }): () => OwnPostgres {
  let own: OwnPostgres | null = null;
  beforeAll(async () => {
    const server = await startPostgres();
    if (!server) throw new Error('no PostgreSQL server binaries');
    const database = await openDatabase({ databaseUrl: server.url, poolSize: opts.poolSize });
    await migrateDatabase(database);
    const other = new pg.Client({ connectionString: server.url });
    await other.connect();
    own = { server, database, other };
  }, 120_000);
  afterAll(async () => {
    await own?.other.end();
    await own?.database.close();
    await own?.server.stop();
  });
  return () => {
    if (!own) throw new Error('own PostgreSQL server not started');
    return own;
  };
}
