import { expect, it } from 'vitest';
import { describeTiers } from '../support/tiers.js';
import { useSystem } from '../support/system.js';
import { Actor } from '../../src/platform/auth/actor.js';

describeTiers('HTTP platform', (tier) => {
  const sys = useSystem(tier);

  it('GET /health answers without authentication', async () => {
    const res = await sys().request({ method: 'GET', url: '/health' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
  });

  it('GET /ready reports the database kind', async () => {
    const res = await sys().request({ method: 'GET', url: '/ready' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ready', database: tier });
  });

  it('serves an OpenAPI 3.1 document listing the customer route', async () => {
    const res = await sys().request({ method: 'GET', url: '/api/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json<{ openapi: string; paths: Record<string, unknown> }>();
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    expect(Object.keys(doc.paths)).toContain('/api/v1/customers/{id}');
    expect(Object.keys(doc.paths)).toContain('/api/v1/records');
  });

  it('serves the API docs as HTML without authentication', async () => {
    let res = await sys().request({ method: 'GET', url: '/api/docs' });
    if (res.statusCode >= 300 && res.statusCode < 400) {
      const loc = String(res.headers.location);
      res = await sys().request({ method: 'GET', url: loc.startsWith('/') ? loc : `/api/docs/${loc.replace(/^\.\//, '')}` });
    }
    expect(res.statusCode).toBe(200);
    expect(String(res.headers['content-type'])).toContain('text/html');
    expect(res.body.toLowerCase()).toContain('<html');
  });

  it('unknown route: 404 JSON with code NOT_FOUND', async () => {
    const { key } = await sys().key('admin');
    const res = await sys().request({ method: 'GET', url: '/api/v1/nope', key });
    expect(res.statusCode).toBe(404);
    expect(String(res.headers['content-type'])).toContain('application/json');
    expect(res.json().error.code).toBe('NOT_FOUND');
  });

  it('invalid JSON body: 400 BAD_REQUEST', async () => {
    const { key } = await sys().key('admin');
    const res = await sys().request({
      method: 'POST',
      url: '/api/v1/business-areas',
      key,
      payload: '{"name": ',
      headers: { 'content-type': 'application/json' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('BAD_REQUEST');
  });

  it('an unexpected error: 500 INTERNAL with the request id and no stack or message leak', async () => {
    const { key } = await sys().key('admin');
    const governance = sys().services.governance;
    const original = governance.listBusinessAreas.bind(governance);
    governance.listBusinessAreas = async () => {
      throw new Error('secret internals at /srv/app/db.ts:42');
    };
    try {
      const res = await sys().request({ method: 'GET', url: '/api/v1/business-areas', key, headers: { 'x-request-id': 'req-boom-1' } });
      expect(res.statusCode).toBe(500);
      const body = res.json();
      expect(body.error.code).toBe('INTERNAL');
      expect(body.error.requestId).toBe('req-boom-1');
      expect(res.body).not.toContain('secret internals');
      expect(res.body).not.toContain('db.ts');
      expect(body.error.stack).toBeUndefined();
    } finally {
      governance.listBusinessAreas = original;
    }
    // Still working afterwards.
    expect((await sys().services.governance.listBusinessAreas(Actor.system())).length).toBeGreaterThanOrEqual(0);
  });

  it('echoes a given x-request-id and generates one otherwise', async () => {
    const given = await sys().request({ method: 'GET', url: '/health', headers: { 'x-request-id': 'abc-123' } });
    expect(given.headers['x-request-id']).toBe('abc-123');
    const generated = await sys().request({ method: 'GET', url: '/health' });
    expect(String(generated.headers['x-request-id'])).toMatch(/^[0-9a-f-]{36}$/);
    const bad = await sys().request({ method: 'GET', url: '/health', headers: { 'x-request-id': 'bad id with spaces' } });
    expect(bad.headers['x-request-id']).not.toBe('bad id with spaces');
  });

  it('error bodies carry the request id', async () => {
    const res = await sys().request({ method: 'GET', url: '/api/v1/customers', headers: { 'x-request-id': 'req-401' } });
    expect(res.statusCode).toBe(401);
    expect(res.json().error).toMatchObject({ code: 'UNAUTHENTICATED', requestId: 'req-401' });
  });
});
