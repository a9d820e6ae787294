import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { Actor } from '../../../src/platform/auth/actor.js';
import type { Role } from '../../../src/platform/auth/permissions.js';
import { migrateDatabase, openDatabase, type Database } from '../../../src/platform/db/database.js';
import type { HttpApp } from '../../../src/platform/http/types.js';
import { buildApp } from '../../../src/server/app.js';
import { createServices, type Services } from '../../../src/server/services.js';
import { createIngestService, registerIngestRoutes, type IngestService } from '../../../src/modules/ingest/index.js';
import { useTierDatabase, type TierDatabase, type TierName } from '../../support/tiers.js';

/** A schema shaped like the generator's customer CSV. */
export const CUSTOMER_DEFINITION = {
  attributes: [
    { name: 'first_name', type: 'text', required: true, privacy: 'public' },
    { name: 'middle_name', type: 'text', privacy: 'public' },
    { name: 'last_name', type: 'text', required: true, privacy: 'public' },
    { name: 'birth_date', type: 'date', privacy: 'sensitive' },
    { name: 'gender', type: 'text', privacy: 'personal' },
    { name: 'email', type: 'email', privacy: 'personal' },
    { name: 'phone', type: 'phone', privacy: 'personal' },
    { name: 'address', type: 'address', privacy: 'personal' },
    { name: 'loyalty_id', type: 'identifier', privacy: 'public' },
    { name: 'score', type: 'decimal', privacy: 'public' },
  ],
  defaultRegion: 'US',
};

export type IngestSystem = {
  tier: TierName;
  tierDb: TierDatabase;
  database: Database;
  services: Services;
  ingest: IngestService;
  app: HttpApp;
  dir: string;
  admin: Actor;
  /** Writes a fixture file into the temp dir and returns its path. */
  file(name: string, content: string | Buffer): string;
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  key(role: Role): Promise<string>;
  /** A fresh source of the customer schema (one per test keeps tests independent). */
  source(name: string): Promise<string>;
};

let sourceSeq = 0;

/** Database, services, HTTP app with the ingest routes, and a temp dir; once per describe block. */
export function useIngestSystem(tier: TierName): () => IngestSystem {
  const db = useTierDatabase(tier);
  let sys: IngestSystem | undefined;
  beforeAll(async () => {
    const t = db();
    const database = await openDatabase(tier === 'pglite' ? { pglite: t.pglite } : { databaseUrl: t.url, poolSize: 4 });
    await migrateDatabase(database);
    const services = createServices(database, { sessionTtlHours: 12 }, { matchOnArrival: false });
    const dir = mkdtempSync(join(tmpdir(), 'custodian-ingest-'));
    const ingest = createIngestService(services, { dataDir: dir });
    const app = await buildApp(services, { logLevel: 'silent', exclude: ['ingest'] });
    registerIngestRoutes(app, ingest);
    await app.ready();
    const admin = Actor.system('test');
    await services.schemas.create(admin, { name: 'customer', definition: CUSTOMER_DEFINITION });
    sys = {
      tier,
      tierDb: t,
      database,
      services,
      ingest,
      app,
      dir,
      admin,
      file: (name, content) => {
        const p = join(dir, name);
        writeFileSync(p, content);
        return p;
      },
      query: (text, params) => database.raw(text, params),
      key: async (role) => (await services.governance.createApiKey(admin, { name: `${role}-${++sourceSeq}`, roles: [role], businessAreaIds: [] })).key,
      source: async (name) => (await services.sources.create(admin, { name, schema: 'customer', systemType: 'crm' })).id,
    };
  });
  afterAll(async () => {
    if (!sys) return;
    await sys.app.close();
    if (tier === 'postgres') await sys.database.close();
    rmSync(sys.dir, { recursive: true, force: true });
    sys = undefined;
  });
  return () => {
    if (!sys) throw new Error('ingest system used outside of its describe block');
    return sys;
  };
}
