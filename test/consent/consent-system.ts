import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { Actor } from '../../src/platform/auth/actor.js';
import type { Role } from '../../src/platform/auth/permissions.js';
import { migrateDatabase, openDatabase, type Database } from '../../src/platform/db/database.js';
import type { HttpApp } from '../../src/platform/http/types.js';
import { buildApp } from '../../src/server/app.js';
import { createServices, type Services } from '../../src/server/services.js';
import { createConsentServices, registerConsentRoutes, type ConsentServices } from '../../src/modules/consent/index.js';
import { registerPortalRoutes, type PortalLimits } from '../../src/modules/portal/portal.routes.js';
import { readPortalConfig, type PortalConfig } from '../../src/modules/portal/portal.config.js';
import { PERSON_DEFINITION } from '../support/system.js';
import { useTierDatabase, type TierName } from '../support/tiers.js';

export type Res = { statusCode: number; body: string; headers: Record<string, string | string[] | undefined>; json<T = any>(): T }; // eslint-disable-line @typescript-eslint/no-explicit-any

export type ConsentSystem = {
  tier: TierName;
  database: Database;
  services: Services;
  cs: ConsentServices;
  app: HttpApp;
  outboxDir: string;
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  key(role: Role): Promise<string>;
  request(opts: { method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'; url: string; key?: string; payload?: unknown; headers?: Record<string, string>; ip?: string }): Promise<Res>;
  /** Creates a customer through the records service; returns its id and record id. */
  person(values: Record<string, unknown>, key?: string): Promise<{ customerId: string; recordId: string }>;
  sourceName: string;
};

let seq = 0;

/** The whole system with the consent, DSR and portal routes registered, once per describe block. */
export function useConsentSystem(tier: TierName, opts: { config?: Partial<PortalConfig>; limits?: PortalLimits; matchOnArrival?: boolean } = {}): () => ConsentSystem {
  const db = useTierDatabase(tier);
  let sys: ConsentSystem | undefined;
  let outboxDir = '';
  beforeAll(async () => {
    const t = db();
    const database = await openDatabase(tier === 'pglite' ? { pglite: t.pglite } : { databaseUrl: t.url, poolSize: 4 });
    await migrateDatabase(database);
    const services = createServices(database, { sessionTtlHours: 12 }, { matchOnArrival: opts.matchOnArrival ?? false });
    outboxDir = mkdtempSync(join(tmpdir(), 'custodian-outbox-'));
    const config = readPortalConfig({}, { outboxDir, publicUrl: 'http://portal.test', ...opts.config });
    const cs = createConsentServices(services, config);
    const app = await buildApp(services, { logLevel: 'silent', exclude: ['consent'] });
    registerConsentRoutes(app, cs);
    registerPortalRoutes(app, cs.portal, opts.limits);
    await app.ready();
    const admin = Actor.system('test');
    const schema = await services.schemas.create(admin, { name: 'person', definition: PERSON_DEFINITION });
    const source = await services.sources.create(admin, { name: 'crm', schema: schema.id, systemType: 'crm', description: 'our customer records' });
    sys = {
      tier,
      database,
      services,
      cs,
      app,
      outboxDir,
      sourceName: source.name,
      query: (text, params) => database.raw(text, params),
      key: async (role) => (await services.governance.createApiKey(Actor.system(), { name: `${role}-${++seq}`, roles: [role], businessAreaIds: [] })).key,
      request: async ({ method, url, key, payload, headers, ip }) => {
        const h: Record<string, string> = { ...(headers ?? {}) };
        if (key) h.authorization = `Bearer ${key}`;
        const res = await app.inject({ method, url, headers: h, remoteAddress: ip ?? '127.0.0.1', ...(payload !== undefined ? { payload: payload as never } : {}) });
        return res as unknown as Res;
      },
      person: async (values, key) => {
        const r = await services.records.write(admin, { source: source.name, key: key ?? `K${++seq}-${Math.random().toString(36).slice(2, 8)}`, values });
        return { customerId: r.record.customerId!, recordId: r.record.id };
      },
    };
  });
  afterAll(async () => {
    if (sys) {
      await sys.services.stewardship.drain();
      await sys.app.close();
      if (tier === 'postgres') await sys.database.close();
    }
    rmSync(outboxDir, { recursive: true, force: true });
    sys = undefined;
  });
  return () => {
    if (!sys) throw new Error('consent system used outside of its describe block');
    return sys;
  };
}

export const admin = (): Actor => Actor.system('test');
