// Serves the web console (console/dist, built by `npm run console:build`) at `/`; the API stays under /api.
import { existsSync, statSync } from 'node:fs';
import { dirname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { HttpApp } from '../platform/http/types.js';

export type ConsoleOptions = {
  /** Directory holding the built console (index.html + assets/); defaults to <repo>/console/dist. */
  distDir?: string;
};

/** <repo>/console/dist from both src/server (tsx) and dist/src/server (compiled). */
export function defaultConsoleDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'console'))) return join(dir, 'console', 'dist');
    dir = dirname(dir);
  }
  return resolve('console', 'dist');
}

// The console's own files only; the API's JSON needs none of this. Mantine sets inline style attributes.
const HTML_HEADERS = {
  'cache-control': 'no-cache',
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'same-origin',
};

const MISSING_BUILD =
  '<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Custodian</title></head>' +
  '<body style="font-family:system-ui,sans-serif;max-width:42rem;margin:4rem auto;padding:0 1rem;line-height:1.5;color:#1f2937">' +
  '<h1 style="font-size:1.5rem">Custodian is running</h1>' +
  '<p>The web console has not been built on this server yet. Build it with <code>npm run console:build</code> ' +
  '(<code>npm start</code> does this for you) and reload this page.</p>' +
  '<p>The API works without it: see the <a href="/api/docs">API documentation</a> or the <a href="/api/openapi.json">OpenAPI document</a>.</p>' +
  '</body></html>';

function wantsHtml(req: FastifyRequest): boolean {
  const accept = req.headers.accept;
  // Browsers navigating send text/html; tools sending nothing or */* get the app too (it is the only thing here).
  return !accept || accept.includes('text/html') || accept.includes('*/*');
}

/**
 * Serves the console: hashed assets with a one-year immutable cache, other top-level files (favicon) briefly
 * cached, and index.html for every other non-API GET so client-side routes (/customers/…) survive a reload.
 * All routes are public: the console itself signs in through the API. `GET /` is registered only when no
 * route exists for it yet. Calling it twice is a no-op.
 */
export async function registerConsole(app: HttpApp, opts: ConsoleOptions = {}): Promise<void> {
  if (app.hasRoute({ method: 'GET', url: '/assets/*' })) return;
  const root = resolve(opts.distDir ?? defaultConsoleDir());
  const indexFile = join(root, 'index.html');
  const built = () => existsSync(indexFile);

  await app.register(fastifyStatic, { root, serve: false, decorateReply: true });

  const sendIndex = (reply: FastifyReply) => {
    if (!built()) return reply.status(200).type('text/html; charset=utf-8').headers({ 'cache-control': 'no-cache' }).send(MISSING_BUILD);
    return reply.headers(HTML_HEADERS).type('text/html; charset=utf-8').sendFile('index.html', root, { cacheControl: false });
  };

  /** A file inside root (no traversal), or null. */
  const fileIn = (urlPath: string): string | null => {
    let rel: string;
    try {
      rel = decodeURIComponent(urlPath.split('?')[0]!).replace(/^\/+/, '');
    } catch {
      return null;
    }
    if (!rel || rel.includes('\0')) return null;
    const full = normalize(join(root, rel));
    if (!full.startsWith(root + sep)) return null;
    try {
      return statSync(full).isFile() ? rel : null;
    } catch {
      return null;
    }
  };

  const route = { config: { public: true }, schema: { hide: true } } as const;

  app.get('/assets/*', route, async (req, reply) => {
    const rel = fileIn(req.url);
    // A missing asset is usually a stale page after an upgrade; a plain 404 makes the browser reload it.
    if (!rel) return reply.status(404).type('text/plain; charset=utf-8').send('Not found');
    return reply.header('x-content-type-options', 'nosniff').sendFile(rel, root, { maxAge: '365d', immutable: true });
  });

  if (!app.hasRoute({ method: 'GET', url: '/' })) {
    app.get('/', route, async (_req, reply) => sendIndex(reply));
  }

  app.get('/*', route, async (req, reply) => {
    const path = req.url.split('?')[0]!;
    // Unknown API paths keep the API's JSON 404.
    if (path === '/api' || path.startsWith('/api/')) return reply.callNotFound();
    const rel = fileIn(path);
    if (rel && rel !== 'index.html') return reply.sendFile(rel, root, { maxAge: '1h' });
    if (!wantsHtml(req) || /\.[a-z0-9]{1,8}$/i.test(path)) return reply.callNotFound();
    return sendIndex(reply);
  });
}
