import { afterAll, beforeAll } from 'vitest';
import { Actor } from '../../src/platform/auth/actor.js';
import type { Role } from '../../src/platform/auth/permissions.js';
import { migrateDatabase, openDatabase, type Database } from '../../src/platform/db/database.js';
import type { HttpApp } from '../../src/platform/http/types.js';
import { QualityService, registerQualityRoutes } from '../../src/modules/quality/index.js';
import { buildApp } from '../../src/server/app.js';
import { createServices, type Services } from '../../src/server/services.js';
import { useTierDatabase, type TierName } from '../support/tiers.js';

export type QualitySystem = {
  database: Database;
  services: Services;
  quality: QualityService;
  app: HttpApp;
  key(role: Role): Promise<string>;
  request(method: 'GET' | 'POST' | 'PUT', url: string, key: string, payload?: unknown): Promise<{ statusCode: number; json<T = any>(): T }>; // eslint-disable-line @typescript-eslint/no-explicit-any
};

/** Database, services (as the runtime wires them), the quality service and the HTTP app with the quality routes. */
export function useQualitySystem(tier: TierName): () => QualitySystem {
  const db = useTierDatabase(tier);
  let sys: QualitySystem | undefined;
  beforeAll(async () => {
    const t = db();
    const database = await openDatabase(tier === 'pglite' ? { pglite: t.pglite } : { databaseUrl: t.url, poolSize: 4 });
    await migrateDatabase(database);
    const services = createServices(database, { sessionTtlHours: 1 }, { matchOnArrival: false });
    const quality = services.quality ?? new QualityService(database, services.audit, services.schemas, services.sources);
    const app = await buildApp(services, { logLevel: 'silent' });
    // The server wires the quality routes itself (src/server/app.ts); register them only when it does not.
    if (!app.hasRoute({ method: 'GET', url: '/api/v1/quality/profile' })) registerQualityRoutes(app, quality);
    await app.ready();
    let n = 0;
    sys = {
      database,
      services,
      quality,
      app,
      key: async (role) => (await services.governance.createApiKey(Actor.system(), { name: `${role}-${++n}`, roles: [role], businessAreaIds: [] })).key,
      request: async (method, url, key, payload) =>
        (await app.inject({ method, url, headers: { authorization: `Bearer ${key}` }, ...(payload !== undefined ? { payload: payload as never } : {}) })) as never,
    };
  });
  afterAll(async () => {
    await sys?.app.close();
    if (tier === 'postgres') await sys?.database.close();
    sys = undefined;
  });
  return () => {
    if (!sys) throw new Error('quality system used outside its describe block');
    return sys;
  };
}
