import { resolve } from 'node:path';
import type { Config } from '../platform/config/config.js';
import { migrateDatabase, openDatabase } from '../platform/db/database.js';
import type { Services } from './services.js';
import { createServices } from './services.js';

/** Opens the configured database (PGlite in the data directory unless DATABASE_URL is set), migrates it, wires services. */
export async function openRuntime(config: Config, opts: { migrate?: boolean } = {}): Promise<Services> {
  const database = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.databaseUrl ? undefined : resolve(config.dataDir, 'pglite'),
    poolSize: config.databasePoolSize,
  });
  if (opts.migrate !== false) await migrateDatabase(database);
  return createServices(database, config);
}
