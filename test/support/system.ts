import { afterAll, beforeAll } from 'vitest';
import { Actor } from '../../src/platform/auth/actor.js';
import type { Role } from '../../src/platform/auth/permissions.js';
import { migrateDatabase, openDatabase, type Database } from '../../src/platform/db/database.js';
import type { HttpApp } from '../../src/platform/http/types.js';
import { buildApp, type AppOptions } from '../../src/server/app.js';
import { createServices, type Services } from '../../src/server/services.js';
import { useOwnPostgres } from './own-postgres.js';
import { useTierDatabase, type TierName } from './tiers.js';

/** Every table the app writes; reset truncates them all (drizzle's migration table lives in schema "drizzle"). */
const TABLES = [
  'audit_log',
  'events',
  'customer_search_terms',
  'search_term_backlog',
  'record_unique_values',
  'source_record_versions',
  'source_records',
  'customers',
  'sources',
  'schema_versions',
  'schemas',
  'sessions',
  'api_keys',
  'users',
  'business_areas',
];

export type InjectOptions = {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  key?: string | null;
  payload?: unknown;
  headers?: Record<string, string>;
  /** The client address the server sees (default 127.0.0.1). */
  ip?: string;
};

export type Res = { statusCode: number; body: string; headers: Record<string, string | string[] | undefined>; json<T = any>(): T }; // eslint-disable-line @typescript-eslint/no-explicit-any

export type System = {
  tier: TierName;
  database: Database;
  services: Services;
  app: HttpApp;
  /** Raw SQL with parameters (one statement). */
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  /** Several statements in one round trip without parameters (runs as one implicit transaction on PostgreSQL). */
  exec(text: string): Promise<void>;
  /** Empties every table (the audit log's append-only trigger is disabled for the truncate only). */
  resetData(): Promise<void>;
  /** An API key for one role, created by the system actor. */
  key(role: Role, opts?: { businessAreaIds?: string[]; expiresAt?: string; name?: string }): Promise<{ key: string; id: string }>;
  /** HTTP request through app.inject with an optional bearer key. */
  request(opts: InjectOptions): Promise<Res>;
};

export const ALL_ROLES: Role[] = ['admin', 'steward', 'agent', 'analyst', 'auditor'];

/**
 * Module services a suite wires itself (with its own configuration): the app is built without the `exclude`d
 * modules' routes, `setup` creates the services and registers their routes before the app is ready, and what
 * it returns is merged into the system. `teardown` runs before the app closes.
 */
export type SystemExtension<X> = {
  exclude: NonNullable<AppOptions['exclude']>;
  setup(services: Services, app: HttpApp): Promise<X>;
  teardown?(x: X): Promise<void>;
};

/**
 * `ownPostgres`: on the PostgreSQL tier the suite gets a server of its own instead of a database on the shared
 * one. For suites that need every transaction of the cluster to end (audit sealing waits for the cluster-wide
 * snapshot xmin, which another suite's open transaction holds back).
 */
export type SystemOptions<X> = { sessionTtlHours?: number; matchOnArrival?: boolean; extend?: SystemExtension<X>; ownPostgres?: boolean };

/** Builds the whole system once per describe block on the given tier: database, services, HTTP app. */
export function useSystem<X extends object = object>(tier: TierName, opts: SystemOptions<X> = {}): () => System & X {
  // Registered first, so its server starts before and stops after the system (after-hooks run in reverse).
  const own = tier === 'postgres' && opts.ownPostgres ? useOwnPostgres({ poolSize: 4 }) : null;
  const db = own ? null : useTierDatabase(tier);
  let sys: (System & X) | undefined;
  let extra: X | undefined;
  beforeAll(async () => {
    const t = db?.();
    const database = own ? own().database : await openDatabase(tier === 'pglite' ? { pglite: t!.pglite } : { databaseUrl: t!.url, poolSize: 4 });
    if (!own) await migrateDatabase(database);
    const services = createServices(database, { sessionTtlHours: opts.sessionTtlHours ?? 12 }, { matchOnArrival: opts.matchOnArrival ?? false });
    const app = await buildApp(services, { logLevel: 'silent', exclude: opts.extend?.exclude ?? [] });
    extra = opts.extend ? await opts.extend.setup(services, app) : ({} as X);
    await app.ready();
    const exec = async (text: string): Promise<void> => {
      if (t?.pglite) await t.pglite.exec(text);
      else await database.raw(text);
    };
    let keySeq = 0;
    sys = {
      ...extra,
      tier,
      database,
      services,
      app,
      query: (text, params) => database.raw(text, params),
      exec,
      resetData: async () => {
        // Every table of the public schema, so tables added by later modules are reset too.
        const all = await database.raw<{ t: string }>(`select tablename as t from pg_tables where schemaname = 'public'`);
        const names = [...new Set([...TABLES, ...all.map((r) => r.t)])].map((n) => `"${n}"`);
        await exec(`ALTER TABLE audit_log DISABLE TRIGGER USER; TRUNCATE ${names.join(', ')} RESTART IDENTITY CASCADE; ALTER TABLE audit_log ENABLE TRIGGER USER;`);
      },
      key: async (role, o = {}) => {
        keySeq += 1;
        const r = await services.governance.createApiKey(Actor.system(), {
          name: o.name ?? `${role}-${keySeq}`,
          roles: [role],
          businessAreaIds: o.businessAreaIds ?? [],
          expiresAt: o.expiresAt,
        });
        return { key: r.key, id: r.apiKey.id };
      },
      request: async ({ method, url, key, payload, headers, ip }) => {
        const h: Record<string, string> = { ...(headers ?? {}) };
        if (key) h.authorization = `Bearer ${key}`;
        const res = await app.inject({ method, url, headers: h, remoteAddress: ip ?? '127.0.0.1', ...(payload !== undefined ? { payload: payload as never } : {}) });
        return res as unknown as Res;
      },
    };
  }, 120_000);
  afterAll(async () => {
    if (!sys) return;
    // Arrival matching may still be working in the background; it must finish before its database goes.
    await sys.services.stewardship.drain();
    if (opts.extend?.teardown && extra) await opts.extend.teardown(extra);
    await sys.app.close();
    // A PGlite instance is owned (and closed) by the tier database, an own server's pool by useOwnPostgres; a pool is ours.
    if (tier === 'postgres' && !own) await sys.database.close();
    sys = undefined;
    extra = undefined;
  });
  return () => {
    if (!sys) throw new Error('system used outside of its describe block');
    return sys;
  };
}

/** The fixture schema: names public, contact personal, birth date sensitive, loyalty id unique. */
export const PERSON_DEFINITION = {
  attributes: [
    { name: 'first_name', type: 'text', required: true, privacy: 'public' },
    { name: 'last_name', type: 'text', required: true, privacy: 'public' },
    { name: 'email', type: 'email', privacy: 'personal' },
    { name: 'phone', type: 'phone', privacy: 'personal' },
    { name: 'birth_date', type: 'date', privacy: 'sensitive' },
    { name: 'loyalty_id', type: 'identifier', unique: true, privacy: 'public' },
    { name: 'segment', type: 'enum', values: ['retail', 'business'], privacy: 'public' },
  ],
  defaultRegion: 'GB',
};

export type Fixture = { schemaId: string; sourceId: string; sourceName: string; schemaName: string };

/** Creates a schema and one source for it through the services (as the system actor). */
export async function createFixture(
  sys: System,
  opts: { schemaName?: string; sourceName?: string; businessArea?: string; definition?: unknown } = {},
): Promise<Fixture> {
  const actor = Actor.system();
  const schemaName = opts.schemaName ?? 'person';
  const schema = await sys.services.schemas.create(actor, {
    name: schemaName,
    businessArea: opts.businessArea,
    definition: opts.definition ?? PERSON_DEFINITION,
  });
  const sourceName = opts.sourceName ?? 'crm';
  const source = await sys.services.sources.create(actor, { name: sourceName, schema: schema.id, systemType: 'crm', businessArea: opts.businessArea });
  return { schemaId: schema.id, sourceId: source.id, sourceName, schemaName };
}

/** Adds another source for an existing schema. */
export async function createSource(sys: System, schemaId: string, name: string, businessArea?: string): Promise<string> {
  const s = await sys.services.sources.create(Actor.system(), { name, schema: schemaId, systemType: 'webshop', businessArea });
  return s.id;
}
