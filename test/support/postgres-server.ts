import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, closeSync, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/** `socketUrl`: the same server over its Unix-domain socket (cheaper than loopback TCP on one machine). */
export type PostgresServer = { url: string; socketUrl?: string; stop(): Promise<void> };

const MIN_MAJOR = 15;
const READY_TIMEOUT_MS = 30_000;
const STOP_GRACE_MS = 10_000;

type BinDir = { dir: string; major: number };

function majorFromVersionText(text: string): number | null {
  const m = /PostgreSQL\)?\s+(\d+)/.exec(text);
  return m ? Number(m[1]) : null;
}

// Highest server installation >= 15 that has both initdb and postgres.
export function findPostgresBinDir(): BinDir | null {
  const candidates: BinDir[] = [];
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    for (const name of readdirSync(root)) {
      const major = Number.parseInt(name, 10);
      if (Number.isFinite(major)) candidates.push({ dir: join(root, name, 'bin'), major });
    }
  }
  // pg_config may point elsewhere (Homebrew, source builds); on Debian it comes with libpq-dev
  // even without a server, so the existence check below matters.
  const cfg = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8' });
  if (cfg.status === 0 && cfg.stdout.trim()) {
    const dir = cfg.stdout.trim();
    const ver = spawnSync(join(dir, 'postgres'), ['--version'], { encoding: 'utf8' });
    const major = ver.status === 0 ? majorFromVersionText(ver.stdout) : null;
    if (major !== null) candidates.push({ dir, major });
  }
  const usable = candidates
    .filter((c) => c.major >= MIN_MAJOR && existsSync(join(c.dir, 'postgres')) && existsSync(join(c.dir, 'initdb')))
    .sort((a, b) => b.major - a.major);
  return usable[0] ?? null;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

type RunAs = { uid: number; gid: number; name: string };

function idOf(user: string): RunAs | null {
  const u = spawnSync('id', ['-u', user], { encoding: 'utf8' });
  const g = spawnSync('id', ['-g', user], { encoding: 'utf8' });
  if (u.status !== 0 || g.status !== 0) return null;
  return { uid: Number(u.stdout.trim()), gid: Number(g.stdout.trim()), name: user };
}

// initdb/postgres refuse to run as root, so pick an unprivileged account.
function unprivilegedUser(): RunAs {
  let who = idOf('postgres');
  if (!who) {
    spawnSync('useradd', ['--system', '--no-create-home', 'postgres'], { stdio: 'ignore' });
    who = idOf('postgres') ?? idOf('nobody');
  }
  if (!who) throw new Error('running as root but found no postgres/nobody user to run PostgreSQL as');
  return who;
}

function logTail(logFile: string): string {
  try {
    return readFileSync(logFile, 'utf8').slice(-4000);
  } catch {
    return '(no log)';
  }
}

async function waitReady(url: string, child: ChildProcess | null, logFile: string | null): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let lastErr: unknown;
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null) {
      throw new Error(`postgres exited with code ${child.exitCode} during startup:\n${logFile ? logTail(logFile) : ''}`);
    }
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
    try {
      await client.connect();
      await client.query('select 1');
      await client.end();
      return;
    } catch (err) {
      lastErr = err;
      await client.end().catch(() => undefined);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(
    `PostgreSQL at ${url} not accepting connections after ${READY_TIMEOUT_MS / 1000}s: ${String(lastErr)}\n${logFile ? logTail(logFile) : ''}`,
  );
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

// A detached shell that outlives us: if this process dies without running its exit handlers
// (SIGKILL, OOM), it still kills postgres and removes the data dir.
function spawnWatchdog(serverPid: number, dir: string): ChildProcess {
  const script =
    'while kill -0 "$1" 2>/dev/null; do sleep 1; done; ' +
    'kill -INT "$2" 2>/dev/null; sleep 5; kill -KILL "$2" 2>/dev/null; rm -rf "$3"';
  const dog = spawn('sh', ['-c', script, 'pg-watchdog', String(process.pid), String(serverPid), dir], {
    detached: true,
    stdio: 'ignore',
  });
  dog.unref();
  return dog;
}

/**
 * Starts a throwaway PostgreSQL server for tests, or returns the one named by
 * CUSTODIAN_TEST_DATABASE_URL. Returns null when no server binaries (>= 15) are installed.
 * `durable` keeps PostgreSQL's default fsync/commit settings (for benchmarks); `settings` adds server settings
 * (`-c name=value`, e.g. a benchmark's statement statistics).
 */
export async function startPostgres(opts: { durable?: boolean; settings?: Record<string, string> } = {}): Promise<PostgresServer | null> {
  const external = process.env.CUSTODIAN_TEST_DATABASE_URL;
  if (external) {
    await waitReady(external, null, null);
    return { url: external, stop: async () => undefined };
  }

  const bin = findPostgresBinDir();
  if (!bin) return null;

  const asRoot = process.getuid?.() === 0;
  const runAs = asRoot ? unprivilegedUser() : null;
  // Under root, TMPDIR may live in /root (0700) which the postgres user cannot traverse.
  const base = asRoot ? '/tmp' : tmpdir();
  const dir = mkdtempSync(join(base, 'custodian-pg-'));
  const dataDir = join(dir, 'data');
  const logFile = join(dir, 'postgres.log');
  if (runAs) chownSync(dir, runAs.uid, runAs.gid);
  // Covers an exit during initdb/startup, before the per-server handlers below exist.
  const removeDir = (): void => rmSync(dir, { recursive: true, force: true });
  process.once('exit', removeDir);
  // uid/gid via spawn instead of `runuser -u postgres --`: same effect (libuv also drops
  // supplementary groups), but the child PID is the postmaster itself, so our SIGINT/SIGKILL
  // reach it directly rather than a wrapper that relays signals its own way.
  const ids = runAs ? { uid: runAs.uid, gid: runAs.gid } : {};
  const env = { ...process.env, LC_ALL: 'C', TZ: 'UTC' };

  const init = spawnSync(
    join(bin.dir, 'initdb'),
    ['-D', dataDir, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8', '--locale=C'],
    { ...ids, env, cwd: dir, encoding: 'utf8', timeout: 120_000 },
  );
  if (init.status !== 0) {
    removeDir();
    process.off('exit', removeDir);
    throw new Error(`initdb failed (${bin.dir}, status ${init.status}): ${init.error ?? ''}\n${init.stdout}\n${init.stderr}`);
  }

  let lastError: unknown;
  // The free port can be grabbed by someone else between probe and bind; retry a few times.
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const logFd = openSync(logFile, 'a');
    if (runAs) chownSync(logFile, runAs.uid, runAs.gid);
    const child = spawn(
      join(bin.dir, 'postgres'),
      [
        '-D', dataDir,
        '-h', '127.0.0.1',
        '-p', String(port),
        '-k', dir,
        // Tests trade durability for speed; benchmarks ask for PostgreSQL's defaults.
        ...(opts.durable ? [] : ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off']),
        '-c', 'max_connections=200',
        '-c', 'shared_buffers=128MB',
        ...Object.entries(opts.settings ?? {}).flatMap(([k, v]) => ['-c', `${k}=${v}`]),
      ],
      { ...ids, env, cwd: dir, stdio: ['ignore', logFd, logFd] },
    );
    closeSync(logFd);
    const pid = child.pid;
    if (pid === undefined) {
      lastError = new Error('failed to spawn postgres');
      continue;
    }

    const watchdog = spawnWatchdog(pid, dir);
    const killNow = (): void => {
      if (child.exitCode === null) child.kill('SIGKILL');
      // Done by hand here, so the watchdog must not later signal a possibly reused PID.
      if (watchdog.pid !== undefined && isAlive(watchdog.pid)) watchdog.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    };
    const onSignal = (sig: NodeJS.Signals): void => {
      killNow();
      process.off('exit', killNow);
      // Our listener suppressed the default "die on signal"; re-raise unless someone else
      // (e.g. Vitest) handles it.
      if (process.listenerCount(sig) === 0) process.kill(process.pid, sig);
    };
    process.once('exit', killNow);
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);

    const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
    const detach = (): void => {
      process.off('exit', killNow);
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      if (watchdog.pid !== undefined && isAlive(watchdog.pid)) watchdog.kill('SIGKILL');
    };
    try {
      await waitReady(url, child, logFile);
    } catch (err) {
      lastError = err;
      detach();
      if (child.exitCode === null) child.kill('SIGKILL');
      continue;
    }

    let stopped: Promise<void> | null = null;
    const stop = (): Promise<void> => {
      stopped ??= (async () => {
        detach();
        if (child.exitCode === null && child.signalCode === null) {
          const exited = new Promise<void>((r) => child.once('exit', () => r()));
          child.kill('SIGINT'); // fast shutdown: abort sessions, no checkpoint wait beyond need
          const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
          await exited;
          clearTimeout(timer);
        }
        removeDir();
        process.off('exit', removeDir);
      })();
      return stopped;
    };
    return { url, socketUrl: `postgres://postgres@/postgres?host=${encodeURIComponent(dir)}&port=${port}`, stop };
  }
  removeDir();
  process.off('exit', removeDir);
  throw lastError instanceof Error ? lastError : new Error(String(lastError));
}
