import { beforeAll, describe, expect, it } from 'vitest';
import { Actor } from '../../src/platform/auth/actor.js';
import type { Role } from '../../src/platform/auth/permissions.js';
import { describeTiers } from '../support/tiers.js';
import { ALL_ROLES, createFixture, useSystem, type Fixture, type InjectOptions, type System } from '../support/system.js';

type Principal = Role | 'anonymous' | 'revoked';
const PRINCIPALS: Principal[] = [...ALL_ROLES, 'anonymous', 'revoked'];

type Ids = {
  fx: Fixture;
  recordId: string;
  customerId: string;
  userId: string;
};

type RouteCase = {
  method: InjectOptions['method'];
  path: string;
  /** Roles that must get a 2xx; every other role must get 403. Written by hand from the role table. */
  allowed: readonly Role[];
  build(sys: System, ids: Ids, n: number): Promise<{ url: string; payload?: unknown }> | { url: string; payload?: unknown };
};

// Hand-written expectations (NOT derived from ROLE_PERMISSIONS, so a change to the table or a route shows up here):
//   admin: everything; steward: read + sources/records write + pii/sensitive; agent, analyst: read;
//   auditor: read + audit. Users, API keys, business-area creation and schema writes are admin-only.
const EVERYONE: readonly Role[] = ['admin', 'steward', 'agent', 'analyst', 'auditor'];
const ADMIN: readonly Role[] = ['admin'];
const WRITERS: readonly Role[] = ['admin', 'steward'];
const AUDIT: readonly Role[] = ['admin', 'auditor'];

const person = (n: number) => ({ first_name: 'Ann', last_name: `Auth${n}`, email: `ann${n}@example.com` });

const ROUTES: RouteCase[] = [
  { method: 'GET', path: '/api/v1/auth/me', allowed: EVERYONE, build: () => ({ url: '/api/v1/auth/me' }) },
  { method: 'POST', path: '/api/v1/auth/logout', allowed: EVERYONE, build: () => ({ url: '/api/v1/auth/logout' }) },
  { method: 'GET', path: '/api/v1/business-areas', allowed: EVERYONE, build: () => ({ url: '/api/v1/business-areas' }) },
  { method: 'POST', path: '/api/v1/business-areas', allowed: ADMIN, build: (_s, _i, n) => ({ url: '/api/v1/business-areas', payload: { name: `area-${n}` } }) },
  { method: 'GET', path: '/api/v1/users', allowed: ADMIN, build: () => ({ url: '/api/v1/users' }) },
  {
    method: 'POST',
    path: '/api/v1/users',
    allowed: ADMIN,
    build: (_s, _i, n) => ({
      url: '/api/v1/users',
      payload: { email: `made${n}@example.com`, displayName: 'Made', password: 'a-long-enough-password', roles: ['analyst'] },
    }),
  },
  { method: 'GET', path: '/api/v1/users/:id', allowed: ADMIN, build: (_s, i) => ({ url: `/api/v1/users/${i.userId}` }) },
  { method: 'PATCH', path: '/api/v1/users/:id', allowed: ADMIN, build: (_s, i, n) => ({ url: `/api/v1/users/${i.userId}`, payload: { displayName: `Renamed ${n}` } }) },
  { method: 'GET', path: '/api/v1/api-keys', allowed: ADMIN, build: () => ({ url: '/api/v1/api-keys' }) },
  { method: 'POST', path: '/api/v1/api-keys', allowed: ADMIN, build: (_s, _i, n) => ({ url: '/api/v1/api-keys', payload: { name: `k${n}`, roles: ['analyst'] } }) },
  {
    method: 'DELETE',
    path: '/api/v1/api-keys/:id',
    allowed: ADMIN,
    build: async (s) => ({ url: `/api/v1/api-keys/${(await s.key('analyst')).id}` }),
  },
  { method: 'GET', path: '/api/v1/schemas', allowed: EVERYONE, build: () => ({ url: '/api/v1/schemas' }) },
  {
    method: 'POST',
    path: '/api/v1/schemas',
    allowed: ADMIN,
    build: (_s, _i, n) => ({ url: '/api/v1/schemas', payload: { name: `s${n}`, definition: { attributes: [{ name: 'x', type: 'text' }] } } }),
  },
  { method: 'GET', path: '/api/v1/schemas/:id', allowed: EVERYONE, build: (_s, i) => ({ url: `/api/v1/schemas/${i.fx.schemaId}` }) },
  {
    method: 'PUT',
    path: '/api/v1/schemas/:id',
    allowed: ADMIN,
    build: async (s, i, n) => ({
      url: `/api/v1/schemas/${i.fx.schemaId}`,
      payload: { description: `d${n}`, definition: (await s.services.schemas.get(Actor.system(), i.fx.schemaId)).definition },
    }),
  },
  { method: 'GET', path: '/api/v1/schemas/:id/versions', allowed: EVERYONE, build: (_s, i) => ({ url: `/api/v1/schemas/${i.fx.schemaId}/versions` }) },
  { method: 'GET', path: '/api/v1/schemas/:id/versions/:version', allowed: EVERYONE, build: (_s, i) => ({ url: `/api/v1/schemas/${i.fx.schemaId}/versions/1` }) },
  {
    method: 'GET',
    path: '/api/v1/schemas/:id/versions/:version/failures',
    allowed: EVERYONE,
    build: (_s, i) => ({ url: `/api/v1/schemas/${i.fx.schemaId}/versions/1/failures` }),
  },
  { method: 'GET', path: '/api/v1/sources', allowed: EVERYONE, build: () => ({ url: '/api/v1/sources' }) },
  {
    method: 'POST',
    path: '/api/v1/sources',
    allowed: WRITERS,
    build: (_s, i, n) => ({ url: '/api/v1/sources', payload: { name: `src${n}`, schema: i.fx.schemaId, systemType: 'pos' } }),
  },
  { method: 'GET', path: '/api/v1/sources/:id', allowed: EVERYONE, build: (_s, i) => ({ url: `/api/v1/sources/${i.fx.sourceId}` }) },
  { method: 'PATCH', path: '/api/v1/sources/:id', allowed: WRITERS, build: (_s, i, n) => ({ url: `/api/v1/sources/${i.fx.sourceId}`, payload: { owner: `team ${n}` } }) },
  {
    method: 'POST',
    path: '/api/v1/records',
    allowed: WRITERS,
    build: (_s, i, n) => ({ url: '/api/v1/records', payload: { source: i.fx.sourceId, key: `k-${n}`, values: person(n) } }),
  },
  {
    method: 'POST',
    path: '/api/v1/records/batch',
    allowed: WRITERS,
    build: (_s, i, n) => ({ url: '/api/v1/records/batch', payload: { source: i.fx.sourceName, records: [{ key: `b-${n}`, values: person(n) }] } }),
  },
  { method: 'GET', path: '/api/v1/records', allowed: EVERYONE, build: () => ({ url: '/api/v1/records' }) },
  { method: 'GET', path: '/api/v1/records/:id', allowed: EVERYONE, build: (_s, i) => ({ url: `/api/v1/records/${i.recordId}` }) },
  {
    method: 'PUT',
    path: '/api/v1/records/:id',
    allowed: WRITERS,
    build: (_s, i, n) => ({ url: `/api/v1/records/${i.recordId}`, payload: { values: { ...person(0), last_name: `Put${n}` } } }),
  },
  {
    method: 'DELETE',
    path: '/api/v1/records/:id',
    allowed: WRITERS,
    build: async (s, i, n) => {
      const [r] = await s.services.records.writeMany(Actor.system(), i.fx.sourceId, [{ key: `del-${n}`, values: person(n) }]);
      return { url: `/api/v1/records/${r!.record.id}` };
    },
  },
  { method: 'GET', path: '/api/v1/records/:id/history', allowed: EVERYONE, build: (_s, i) => ({ url: `/api/v1/records/${i.recordId}/history` }) },
  { method: 'GET', path: '/api/v1/records/:id/quality', allowed: EVERYONE, build: (_s, i) => ({ url: `/api/v1/records/${i.recordId}/quality` }) },
  {
    method: 'POST',
    path: '/api/v1/records/:id/verify',
    allowed: WRITERS,
    build: (_s, i) => ({ url: `/api/v1/records/${i.recordId}/verify`, payload: { attributes: ['first_name'] } }),
  },
  { method: 'GET', path: '/api/v1/sources/:id/records/:key', allowed: EVERYONE, build: (_s, i) => ({ url: `/api/v1/sources/${i.fx.sourceName}/records/k-0` }) },
  { method: 'GET', path: '/api/v1/customers', allowed: EVERYONE, build: () => ({ url: '/api/v1/customers' }) },
  { method: 'GET', path: '/api/v1/customers?q=…', allowed: EVERYONE, build: () => ({ url: '/api/v1/customers?q=Ann' }) },
  { method: 'GET', path: '/api/v1/customers/:id', allowed: EVERYONE, build: (_s, i) => ({ url: `/api/v1/customers/${i.customerId}?include=history` }) },
  { method: 'GET', path: '/api/v1/audit', allowed: AUDIT, build: () => ({ url: '/api/v1/audit' }) },
  { method: 'POST', path: '/api/v1/audit/verify', allowed: AUDIT, build: () => ({ url: '/api/v1/audit/verify' }) },
];

function expected(route: RouteCase, p: Principal): '2xx' | 403 | 401 {
  if (p === 'anonymous' || p === 'revoked') return 401;
  return route.allowed.includes(p) ? '2xx' : 403;
}

function classOf(status: number): '2xx' | number {
  return status >= 200 && status < 300 ? '2xx' : status;
}

describeTiers('HTTP authorization', (tier) => {
  const sys = useSystem(tier);
  const keys = new Map<Principal, string | null>();
  let ids: Ids;
  let counter = 0;

  beforeAll(async () => {
    const s = sys();
    const fx = await createFixture(s);
    const [r] = await s.services.records.writeMany(Actor.system(), fx.sourceId, [{ key: 'k-0', values: person(0) }]);
    const user = await s.services.governance.createUser(Actor.system(), {
      email: 'target@example.com',
      displayName: 'Target',
      password: 'a-long-enough-password',
      roles: ['analyst'],
    });
    ids = { fx, recordId: r!.record.id, customerId: r!.record.customerId!, userId: user.id };
    for (const role of ALL_ROLES) keys.set(role, (await s.key(role)).key);
    keys.set('anonymous', null);
    const revoked = await s.key('admin');
    await s.services.governance.revokeApiKey(Actor.system(), revoked.id);
    keys.set('revoked', revoked.key);
  });

  // Routes of the foundation modules (by OpenAPI tag); later modules keep their own matrices.
  const FOUNDATION_TAGS = new Set(['auth', 'governance', 'schemas', 'sources', 'records', 'customers', 'audit']);

  it('covers every registered /api/v1 route of the foundation modules', () => {
    const registered = new Set<string>();
    const doc = sys().app.swagger() as { paths: Record<string, Record<string, { tags?: string[] }>> };
    for (const [path, ops] of Object.entries(doc.paths)) {
      if (!path.startsWith('/api/v1/')) continue;
      for (const [m, op] of Object.entries(ops)) {
        if (!(op.tags ?? []).some((t) => FOUNDATION_TAGS.has(t))) continue;
        registered.add(`${m.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`);
      }
    }
    expect(registered.size).toBeGreaterThanOrEqual(ROUTES.length - 1);
    const covered = new Set(ROUTES.map((r) => `${r.method} ${r.path.split('?')[0]}`));
    registered.delete('POST /api/v1/auth/login'); // public, covered in the governance tests
    expect([...registered].filter((r) => !covered.has(r)).sort()).toEqual([]);
  });

  it.each(ROUTES.map((r) => [`${r.method} ${r.path}`, r] as const))('%s: route × role matrix', async (_name, route) => {
    const s = sys();
    const want: Record<string, unknown> = {};
    const got: Record<string, unknown> = {};
    for (const p of PRINCIPALS) {
      counter += 1;
      const { url, payload } = await route.build(s, ids, counter);
      const res = await s.request({ method: route.method, url, key: keys.get(p), payload });
      want[p] = expected(route, p);
      got[p] = classOf(res.statusCode);
      const wantCode = want[p] === 403 ? 'FORBIDDEN' : want[p] === 401 ? 'UNAUTHENTICATED' : undefined;
      if (wantCode && got[p] === want[p]) expect(res.json().error.code, `${p} ${route.method} ${url}`).toBe(wantCode);
    }
    expect(got).toEqual(want);
  });

  it('public routes answer anonymous callers', async () => {
    const s = sys();
    for (const url of ['/health', '/ready', '/api/openapi.json']) {
      expect((await s.request({ method: 'GET', url })).statusCode, url).toBe(200);
    }
    const login = await s.request({ method: 'POST', url: '/api/v1/auth/login', payload: { email: 'nobody@example.com', password: 'whatever-password' } });
    expect(login.statusCode).toBe(401);
  });

  it('a malformed bearer token is rejected with 401, not treated as anonymous', async () => {
    const s = sys();
    const good = keys.get('admin')!;
    const flipped = `${good.slice(0, -1)}${good.endsWith('0') ? '1' : '0'}`;
    for (const auth of ['Bearer nope', 'Basic abc', `Bearer ${flipped}`]) {
      const res = await s.request({ method: 'GET', url: '/api/v1/schemas', headers: { authorization: auth } });
      expect(res.statusCode, auth).toBe(401);
    }
  });

  describe('business-area scoping', () => {
    let a: { fx: Fixture; recordId: string; customerId: string };
    let b: { fx: Fixture; recordId: string; customerId: string };
    let stewardA: string;
    let adminA: string;

    beforeAll(async () => {
      const s = sys();
      const areaA = await s.services.governance.createBusinessArea(Actor.system(), { name: 'retail-a' });
      const areaB = await s.services.governance.createBusinessArea(Actor.system(), { name: 'wholesale-b' });
      const mk = async (area: string, tag: string) => {
        const fx = await createFixture(s, { schemaName: `person-${tag}`, sourceName: `crm-${tag}`, businessArea: area });
        const [r] = await s.services.records.writeMany(Actor.system(), fx.sourceId, [{ key: `${tag}-1`, values: { first_name: 'Zed', last_name: `Area${tag}` } }]);
        return { fx, recordId: r!.record.id, customerId: r!.record.customerId! };
      };
      a = await mk(areaA.id, 'a');
      b = await mk(areaB.id, 'b');
      stewardA = (await s.key('steward', { businessAreaIds: [areaA.id] })).key;
      adminA = (await s.key('admin', { businessAreaIds: [areaA.id] })).key;
    });

    it('a steward scoped to area A reads and writes area A', async () => {
      const s = sys();
      const get = (url: string) => s.request({ method: 'GET', url, key: stewardA });
      expect((await get(`/api/v1/sources/${a.fx.sourceId}`)).statusCode).toBe(200);
      expect((await get(`/api/v1/schemas/${a.fx.schemaId}`)).statusCode).toBe(200);
      expect((await get(`/api/v1/records/${a.recordId}`)).statusCode).toBe(200);
      expect((await get(`/api/v1/records/${a.recordId}/history`)).statusCode).toBe(200);
      expect((await get(`/api/v1/customers/${a.customerId}`)).statusCode).toBe(200);
      expect((await get(`/api/v1/sources/${a.fx.sourceName}/records/a-1`)).statusCode).toBe(200);
      const write = await s.request({ method: 'POST', url: '/api/v1/records', key: stewardA, payload: { source: a.fx.sourceName, key: 'a-2', values: { first_name: 'Yan', last_name: 'A' } } });
      expect(write.statusCode).toBe(201);
      const patch = await s.request({ method: 'PATCH', url: `/api/v1/sources/${a.fx.sourceId}`, key: stewardA, payload: { owner: 'team a' } });
      expect(patch.statusCode).toBe(200);
      const put = await s.request({ method: 'PUT', url: `/api/v1/records/${a.recordId}`, key: stewardA, payload: { values: { first_name: 'Zed', last_name: 'AreaA2' } } });
      expect(put.statusCode).toBe(200);
    });

    it('a steward scoped to area A gets 404 for everything in area B', async () => {
      const s = sys();
      const call = (method: InjectOptions['method'], url: string, payload?: unknown) => s.request({ method, url, key: stewardA, payload });
      const cases: [InjectOptions['method'], string, unknown?][] = [
        ['GET', `/api/v1/sources/${b.fx.sourceId}`],
        ['GET', `/api/v1/sources/${b.fx.sourceName}`],
        ['PATCH', `/api/v1/sources/${b.fx.sourceId}`, { owner: 'intruder' }],
        ['GET', `/api/v1/schemas/${b.fx.schemaId}`],
        ['GET', `/api/v1/schemas/${b.fx.schemaId}/versions/1/failures`],
        ['GET', `/api/v1/records/${b.recordId}`],
        ['GET', `/api/v1/records/${b.recordId}/history`],
        ['PUT', `/api/v1/records/${b.recordId}`, { values: { first_name: 'X', last_name: 'Y' } }],
        ['DELETE', `/api/v1/records/${b.recordId}`],
        ['GET', `/api/v1/sources/${b.fx.sourceName}/records/b-1`],
        ['GET', `/api/v1/records?source=${b.fx.sourceId}`],
        ['POST', '/api/v1/records', { source: b.fx.sourceId, key: 'b-2', values: { first_name: 'X', last_name: 'Y' } }],
        ['POST', '/api/v1/records/batch', { source: b.fx.sourceName, records: [{ key: 'b-3', values: { first_name: 'X', last_name: 'Y' } }] }],
        ['GET', `/api/v1/customers/${b.customerId}`],
      ];
      for (const [method, url, payload] of cases) {
        const res = await call(method, url, payload);
        expect(res.statusCode, `${method} ${url}`).toBe(404);
        expect(res.json().error.code).toBe('NOT_FOUND');
      }
      // Nothing in B changed.
      const rec = await s.services.records.get(Actor.system(), b.recordId);
      expect(rec).toMatchObject({ status: 'valid', version: 1 });
      expect((await s.services.sources.get(Actor.system(), b.fx.sourceId)).owner).toBeNull();
    });

    it('lists are filtered to the caller\'s areas', async () => {
      const s = sys();
      const list = async (url: string) => (await s.request({ method: 'GET', url, key: stewardA })).json();
      const sources = (await list('/api/v1/sources')).items.map((x: { id: string }) => x.id);
      expect(sources).toContain(a.fx.sourceId);
      expect(sources).not.toContain(b.fx.sourceId);
      const records = (await list('/api/v1/records?limit=500')).items.map((x: { id: string }) => x.id);
      expect(records).toContain(a.recordId);
      expect(records).not.toContain(b.recordId);
      const customers = (await list('/api/v1/customers?limit=200')).items.map((x: { id: string }) => x.id);
      expect(customers).toContain(a.customerId);
      expect(customers).not.toContain(b.customerId);
      const found = (await list('/api/v1/customers?q=Zed')).items.map((x: { id: string }) => x.id);
      expect(found).toContain(a.customerId);
      expect(found).not.toContain(b.customerId);
      const schemas = (await list('/api/v1/schemas')).items.map((x: { id: string }) => x.id);
      expect(schemas).toContain(a.fx.schemaId);
      expect(schemas).not.toContain(b.fx.schemaId);
    });

    it('an admin scoped to area A cannot create a source in area B either', async () => {
      const s = sys();
      const res = await s.request({ method: 'POST', url: '/api/v1/sources', key: adminA, payload: { name: 'sneaky', schema: a.fx.schemaId, systemType: 'pos', businessArea: 'wholesale-b' } });
      expect([403, 404]).toContain(res.statusCode);
      expect((await s.services.sources.list(Actor.system())).map((x) => x.name)).not.toContain('sneaky');
    });
  });
});
