import { afterAll, beforeAll } from 'vitest';
import { Actor } from '../../src/platform/auth/actor.js';
import type { Role } from '../../src/platform/auth/permissions.js';
import { migrateDatabase, openDatabase, type Database } from '../../src/platform/db/database.js';
import type { HttpApp } from '../../src/platform/http/types.js';
import { buildApp } from '../../src/server/app.js';
import { createServices, type Services } from '../../src/server/services.js';
import { createGoldenServices, registerGoldenModuleRoutes, type GoldenServices } from '../../src/modules/golden/golden.wiring.js';
import { useTierDatabase, type TierName } from '../support/tiers.js';
import type { Res } from '../support/system.js';

const TABLES = [
  'audit_log', 'events', 'customer_search_terms', 'search_term_backlog', 'record_unique_values', 'source_record_versions', 'source_records', 'customers', 'sources',
  'schema_versions', 'schemas', 'sessions', 'api_keys', 'users', 'business_areas', 'golden_settings', 'golden_pins', 'customer_merges',
  'not_duplicate_pairs', 'review_tasks', 'match_labels', 'match_models', 'rematch_jobs', 'webhook_attempts', 'webhook_deliveries', 'webhook_subscriptions',
];

export type GoldenSystem = {
  tier: TierName;
  database: Database;
  services: Services;
  g: GoldenServices;
  app: HttpApp;
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  resetData(): Promise<void>;
  key(role: Role): Promise<string>;
  request(opts: { method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'; url: string; key?: string; payload?: unknown }): Promise<Res>;
};

/** The whole system with the golden, stewardship and webhook modules wired and their routes registered. */
export function useGoldenSystem(tier: TierName): () => GoldenSystem {
  const db = useTierDatabase(tier);
  let sys: GoldenSystem | undefined;
  beforeAll(async () => {
    const t = db();
    const database = await openDatabase(tier === 'pglite' ? { pglite: t.pglite } : { databaseUrl: t.url, poolSize: 6 });
    await migrateDatabase(database);
    const services = createServices(database, { sessionTtlHours: 12 }, { matchOnArrival: false });
    const g = createGoldenServices(services);
    const app = await buildApp(services, { logLevel: 'silent', exclude: ['golden'] });
    registerGoldenModuleRoutes(app, g);
    await app.ready();
    let n = 0;
    sys = {
      tier,
      database,
      services,
      g,
      app,
      query: (text, params) => database.raw(text, params),
      resetData: async () => {
        const stmt = `ALTER TABLE audit_log DISABLE TRIGGER USER; TRUNCATE ${TABLES.join(', ')} RESTART IDENTITY CASCADE; ALTER TABLE audit_log ENABLE TRIGGER USER;`;
        if (t.pglite) await t.pglite.exec(stmt);
        else await database.raw(stmt);
        g.stewardship.indexes.invalidate();
      },
      key: async (role) => (await services.governance.createApiKey(Actor.system(), { name: `${role}-${++n}`, roles: [role], businessAreaIds: [] })).key,
      request: async ({ method, url, key, payload }) =>
        (await app.inject({ method, url, headers: key ? { authorization: `Bearer ${key}` } : {}, ...(payload !== undefined ? { payload: payload as never } : {}) })) as unknown as Res,
    };
  }, 120_000);
  afterAll(async () => {
    if (!sys) return;
    await sys.g.stewardship.drain();
    await sys.app.close();
    if (tier === 'postgres') await sys.database.close();
    sys = undefined;
  });
  return () => {
    if (!sys) throw new Error('golden system used outside its describe block');
    return sys;
  };
}

/** Schema for the scenarios: names public, e-mail/phone personal, birth date sensitive. */
export const PERSON = {
  attributes: [
    { name: 'first_name', type: 'text', required: true, privacy: 'public' },
    { name: 'last_name', type: 'text', required: true, privacy: 'public' },
    { name: 'email', type: 'email', privacy: 'personal' },
    { name: 'phone', type: 'phone', privacy: 'personal' },
    { name: 'birth_date', type: 'date', privacy: 'sensitive' },
    { name: 'city', type: 'text', privacy: 'public' },
  ],
  defaultRegion: 'GB',
};

/** One schema and the named sources with their trust ranks. */
export async function setupSources(sys: GoldenSystem, sources: { name: string; trustRank: number }[]): Promise<{ schemaId: string }> {
  const actor = Actor.system();
  const schema = await sys.services.schemas.create(actor, { name: 'person', definition: PERSON });
  for (const s of sources) await sys.services.sources.create(actor, { name: s.name, schema: schema.id, systemType: 'crm', trustRank: s.trustRank });
  return { schemaId: schema.id };
}

/** Writes one record as the system actor and returns its id and customer. */
export async function write(sys: GoldenSystem, source: string, key: string, values: Record<string, unknown>): Promise<{ id: string; customerId: string }> {
  const r = await sys.services.records.write(Actor.system(), { source, key, values });
  return { id: r.record.id, customerId: r.record.customerId! };
}
