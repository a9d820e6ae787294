import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import type { HttpApp } from '../../src/platform/http/types.js';
import { registerConsole } from '../../src/server/console-static.js';

const dist = mkdtempSync(join(tmpdir(), 'console-dist-'));
mkdirSync(join(dist, 'assets'));
writeFileSync(join(dist, 'index.html'), '<!doctype html><title>console</title><div id="root"></div>');
writeFileSync(join(dist, 'assets', 'index-abc123.js'), 'console.log(1)');
writeFileSync(join(dist, 'favicon.svg'), '<svg/>');
afterAll(() => rmSync(dist, { recursive: true, force: true }));

async function appWith(distDir: string, opts: { placeholder?: boolean } = {}): Promise<HttpApp> {
  const app = Fastify() as unknown as HttpApp;
  app.setNotFoundHandler((req, reply) => void reply.status(404).send({ error: { code: 'NOT_FOUND', message: `No route ${req.url}`, details: [], requestId: 'x' } }));
  app.get('/api/v1/thing', async () => ({ ok: true }));
  if (opts.placeholder) app.get('/', async () => 'placeholder');
  await registerConsole(app, { distDir });
  await registerConsole(app, { distDir }); // idempotent
  await app.ready();
  return app;
}

describe('registerConsole', () => {
  it('serves index.html at / and for client-side routes, with security headers and no caching', async () => {
    const app = await appWith(dist);
    for (const url of ['/', '/search', '/customers/cus_1?x=1']) {
      const res = await app.inject({ url, headers: { accept: 'text/html' } });
      expect(res.statusCode, url).toBe(200);
      expect(res.body).toContain('<div id="root">');
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(String(res.headers['content-security-policy'])).toContain("script-src 'self'");
    }
    await app.close();
  });
  it('caches hashed assets for a year; a missing asset is a plain 404, not the app', async () => {
    const app = await appWith(dist);
    const res = await app.inject({ url: '/assets/index-abc123.js' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toContain('immutable');
    expect((await app.inject({ url: '/assets/gone.js' })).statusCode).toBe(404);
    expect((await app.inject({ url: '/assets/..%2f..%2fetc%2fpasswd' })).statusCode).toBe(404);
    expect((await app.inject({ url: '/favicon.svg' })).statusCode).toBe(200);
    await app.close();
  });
  it('leaves the API alone: routes answer, unknown API paths keep the JSON 404', async () => {
    const app = await appWith(dist);
    expect((await app.inject({ url: '/api/v1/thing' })).json()).toEqual({ ok: true });
    const res = await app.inject({ url: '/api/v1/nope', headers: { accept: 'text/html' } });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('NOT_FOUND');
    expect((await app.inject({ url: '/missing.png' })).statusCode).toBe(404);
    await app.close();
  });
  it('does not replace an existing GET / route', async () => {
    const app = await appWith(dist, { placeholder: true });
    expect((await app.inject({ url: '/' })).body).toBe('placeholder');
    expect((await app.inject({ url: '/search', headers: { accept: 'text/html' } })).body).toContain('id="root"');
    await app.close();
  });
  it('explains how to build the console when it is missing', async () => {
    const app = await appWith(join(dist, 'nope'));
    const res = await app.inject({ url: '/', headers: { accept: 'text/html' } });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('npm run console:build');
    await app.close();
  });
});
