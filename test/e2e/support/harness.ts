// End-to-end harness: builds the console when stale, starts a real Custodian server on a temp PGlite
// directory, and launches Debian's Chromium through playwright-core (never a downloaded browser).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const REPO = resolve(import.meta.dirname, '../../..');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOTS = join(REPO, 'docs', 'screenshots');
export const ADMIN = { email: 'admin@example.com', password: 'correct-horse-battery' };

/** Whether the browser tests can run here; in CI a missing Chromium is an error, locally a visible skip. */
export function browserAvailable(): boolean {
  if (existsSync(CHROMIUM)) return true;
  const msg = `Chromium not found at ${CHROMIUM}: install it with "apt-get install -y --no-install-recommends chromium fonts-liberation" (or set CHROMIUM_PATH).`;
  const ci = !!process.env.CI && process.env.CI !== '0' && process.env.CI !== 'false';
  if (ci) throw new Error(msg);
  console.warn(`\n⚠ SKIPPING the console end-to-end tests. ${msg}\n`);
  return false;
}

function newestMtime(path: string): number {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let max = st.mtimeMs;
  for (const e of readdirSync(path)) max = Math.max(max, newestMtime(join(path, e)));
  return max;
}

function consoleIsFresh(): boolean {
  const index = join(REPO, 'console', 'dist', 'index.html');
  if (!existsSync(index)) return false;
  const inputs = ['console/src', 'console/public', 'console/index.html', 'console/vite.config.ts'].map((p) => join(REPO, p)).filter(existsSync);
  return statSync(index).mtimeMs >= Math.max(...inputs.map(newestMtime));
}

/** Builds console/dist when it is missing or older than its sources (one build at a time across test workers). */
export async function ensureConsoleBuilt(): Promise<void> {
  if (consoleIsFresh()) return;
  const lock = join(tmpdir(), `custodian-console-build-${createHash('sha1').update(REPO).digest('hex').slice(0, 10)}`);
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // Another worker is building; a lock older than 3 minutes is a leftover of a killed run.
      try {
        if (Date.now() - statSync(lock).mtimeMs > 180_000) rmSync(lock, { recursive: true, force: true });
      } catch {
        /* gone meanwhile */
      }
      if (Date.now() > deadline) throw new Error(`Timed out waiting for another console build (lock ${lock})`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  try {
    if (!consoleIsFresh()) {
      execFileSync(process.execPath, [join(REPO, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', 'console/vite.config.ts', '--logLevel', 'warn'], { cwd: REPO, stdio: 'inherit' });
    }
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => res(port));
    });
  });
}

export type Server = { url: string; stop(): Promise<void>; log(): string };

/** A real server (HTTP, embedded PGlite in a temp directory) with the built console. */
export async function startServer(): Promise<Server> {
  const dataDir = mkdtempSync(join(tmpdir(), 'custodian-e2e-'));
  const port = await freePort();
  let output = '';
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', join(REPO, 'test/e2e/support/serve.ts')], {
    cwd: REPO,
    env: { ...process.env, CUSTODIAN_DATA_DIR: dataDir, CUSTODIAN_ADMIN_EMAIL: ADMIN.email, CUSTODIAN_ADMIN_PASSWORD: ADMIN.password, PORT: String(port), LOG_LEVEL: 'warn', DATABASE_URL: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const url = await new Promise<string>((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`server did not start within 120 s:\n${output}`)), 120_000);
    const onData = (b: Buffer) => {
      output += b.toString();
      const m = /LISTENING (\S+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        res(m[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (b: Buffer) => (output += b.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      rej(new Error(`server exited with ${code}:\n${output}`));
    });
  });
  return {
    url,
    log: () => output,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'],
  });
}

export async function newContext(browser: Browser, baseURL: string, viewport = { width: 1280, height: 800 }): Promise<BrowserContext> {
  const ctx = await browser.newContext({ baseURL, viewport, deviceScaleFactor: 1, locale: 'en-GB', timezoneId: 'Europe/London', reducedMotion: 'reduce' });
  ctx.setDefaultTimeout(15_000);
  return ctx;
}

/** Fails the test on any uncaught page error or console error (a broken page must not pass). */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    // 4xx answers are expected (401 before sign-in, 403 in role tests, 422 for a still-invalid record); the browser logs them.
    if (m.type() === 'error' && !/Failed to load resource: the server responded with a status of 4\d\d/.test(m.text())) errors.push(`console: ${m.text()}`);
  });
  return errors;
}

export async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.goto('/sign-in');
  await page.getByLabel('E-mail').fill(email);
  await page.getByRole('textbox', { name: 'Password' }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('account-menu').waitFor();
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  // Let relative times, fonts and transitions settle so screenshots are stable.
  await page.evaluate('document.fonts.ready.then(() => true)');
  await page.waitForTimeout(150);
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: false });
}

/** A tiny API client for seeding through the real HTTP API (admin session via cookie). */
export class Api {
  private cookie = '';
  constructor(readonly base: string) {}
  async login(email = ADMIN.email, password = ADMIN.password): Promise<void> {
    const res = await fetch(`${this.base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
    if (!res.ok) throw new Error(`login failed: ${res.status} ${await res.text()}`);
    this.cookie = (res.headers.get('set-cookie') ?? '').split(';')[0]!;
  }
  async call<T = any>(method: string, path: string, body?: unknown, okStatuses: number[] = [200, 201, 204]): Promise<T> { // eslint-disable-line @typescript-eslint/no-explicit-any
    const res = await fetch(`${this.base}/api/v1${path}`, {
      method,
      headers: { cookie: this.cookie, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    if (!okStatuses.includes(res.status)) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return (text ? JSON.parse(text) : null) as T;
  }
}
