import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/platform/db/database.js';
import { startPostgres, type PostgresServer } from '../support/postgres-server.js';
import { describeTiers } from '../support/tiers.js';

const ROOT = resolve(import.meta.dirname, '../..');
const TSX = join(ROOT, 'node_modules/.bin/tsx');
// Each spawn starts tsx (and opens the database); generous limits keep a loaded CI box from flaking.
const SPAWN_TIMEOUT = 180_000;

type Run = { code: number | null; stdout: string; stderr: string };

/** Runs `tsx src/cli/main.ts …` (what `npx tsx` runs) with a clean database environment. */
function cli(args: string[], env: Record<string, string>): Promise<Run> {
  const base = { ...process.env };
  delete base.DATABASE_URL;
  delete base.CUSTODIAN_DATA_DIR;
  return new Promise((done, fail) => {
    const child = spawn(TSX, ['src/cli/main.ts', ...args], { cwd: ROOT, env: { ...base, LOG_LEVEL: 'silent', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

function json<T = any>(r: Run): T { // eslint-disable-line @typescript-eslint/no-explicit-any
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as T;
}

describe('custodian CLI: --help', () => {
  it('every admin command explains itself', async () => {
    const cases: [string[], RegExp[]][] = [
      [['--help'], [/serve/, /migrate/, /user/, /apikey/, /audit/]],
      [['migrate', '--help'], [/Apply database migrations/, /--json/]],
      [['user', 'create', '--help'], [/--email <email>/, /--roles <roles>/, /--password/, /admin, steward, agent, analyst,\s+auditor/]],
      [['apikey', 'create', '--help'], [/--name <name>/, /--roles <roles>/, /--expires/, /shown only|printed once/]],
      [['apikey', 'revoke', '--help'], [/<id>/, /Revoke/]],
      [['apikey', 'list', '--help'], [/List API keys/, /--json/]],
      [['audit', 'verify', '--help'], [/hash chain/, /--json/]],
    ];
    const runs = await Promise.all(cases.map(([args]) => cli(args, {})));
    runs.forEach((r, i) => {
      const [args, patterns] = cases[i]!;
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
      for (const p of patterns) expect(r.stdout, args.join(' ')).toMatch(p);
    });
  }, SPAWN_TIMEOUT);
});

describeTiers('custodian CLI', (tier) => {
  let env: Record<string, string>;
  let dataDir: string | undefined;
  // The postgres tier needs a server of its own: `audit verify` seals entries only once every older transaction of
  // the cluster has ended, which another suite's open transaction on the shared server would hold back. PGlite
  // uses a data directory the CLI owns.
  let own: PostgresServer | null = null;

  beforeAll(async () => {
    if (tier === 'pglite') {
      dataDir = mkdtempSync(join(tmpdir(), 'custodian-cli-'));
      env = { CUSTODIAN_DATA_DIR: dataDir };
    } else {
      own = await startPostgres();
      if (!own) throw new Error('no PostgreSQL server binaries');
      env = { DATABASE_URL: own.url };
    }
  }, 120_000);
  afterAll(async () => {
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    await own?.stop();
  });

  /** Runs SQL against the tier's database from the test process (the CLI is not running). */
  async function sqlOnTier(statements: string[]): Promise<Record<string, unknown>[][]> {
    const database = await openDatabase(tier === 'pglite' ? { dataDir: join(dataDir!, 'pglite') } : { databaseUrl: env.DATABASE_URL, poolSize: 1 });
    try {
      const out = [];
      for (const s of statements) out.push(await database.raw(s));
      return out;
    } finally {
      await database.close();
    }
  }

  it('migrate applies migrations', async () => {
    const r = json(await cli(['migrate', '--json'], env));
    expect(r).toEqual({ ok: true, database: tier });
  }, SPAWN_TIMEOUT);

  if (tier === 'pglite') {
    it('user create prints a generated password once; bad roles exit 1', async () => {
      const [made, bad] = await Promise.all([
        cli(['user', 'create', '--email', 'ops@example.com', '--roles', 'admin,auditor', '--json'], env),
        cli(['user', 'create', '--email', 'x@example.com', '--roles', 'superuser'], env),
      ]);
      const r = json<{ user: { email: string; roles: string[]; id: string }; password: string }>(made);
      expect(r.user).toMatchObject({ email: 'ops@example.com', roles: ['admin', 'auditor'] });
      expect(r.password.length).toBeGreaterThanOrEqual(12);
      expect(bad.code).toBe(1);
      expect(bad.stderr).toMatch(/Unknown role superuser/);
    }, SPAWN_TIMEOUT);
  }

  it('apikey create | list | revoke, and audit verify names a tampered entry with exit code 3', async () => {
    const created = json<{ key: string; apiKey: { id: string; name: string; roles: string[] } }>(
      await cli(['apikey', 'create', '--name', 'POS integration', '--roles', 'steward', '--json'], env),
    );
    expect(created.key).toMatch(/^cst_[0-9a-z]{26}_[0-9a-f]{64}$/);
    expect(created.apiKey).toMatchObject({ name: 'POS integration', roles: ['steward'] });
    const id = created.apiKey.id;

    const revoked = json<{ id: string; revokedAt: string | null }>(await cli(['apikey', 'revoke', id, '--json'], env));
    expect(revoked.id).toBe(id);
    expect(revoked.revokedAt).toEqual(expect.any(String));
    if (tier === 'pglite') {
      const human = await cli(['apikey', 'list'], env);
      expect(human.code).toBe(0);
      expect(human.stdout).toMatch(new RegExp(`${id}\\s+revoked\\s+steward\\s+POS integration`));
      expect(human.stdout).not.toContain(created.key.split('_')[2]);
    } else {
      const listed = json<{ id: string; revokedAt: string | null }[]>(await cli(['apikey', 'list', '--json'], env));
      expect(listed.find((k) => k.id === id)?.revokedAt).toBe(revoked.revokedAt);
      expect(JSON.stringify(listed)).not.toContain(created.key.split('_')[2]);
    }

    // pglite: user.create, apikey.create, apikey.revoke; postgres: apikey.create, apikey.revoke.
    const expectedEntries = tier === 'pglite' ? 3 : 2;
    const ok = json<{ ok: boolean; checked: number; unsealed: number; firstBroken: unknown }>(await cli(['audit', 'verify', '--json'], env));
    expect(ok).toEqual({ ok: true, checked: expectedEntries, unsealed: 0, redacted: 0, firstBroken: null });

    const results = await sqlOnTier([
      'ALTER TABLE audit_log DISABLE TRIGGER USER',
      `UPDATE audit_log SET payload = jsonb_set(payload, '{after,name}', '"forged"') WHERE action = 'apikey.create'`,
      `SELECT id, seq, chain_pos FROM audit_log WHERE action = 'apikey.create'`,
      'ALTER TABLE audit_log ENABLE TRIGGER USER',
    ]);
    const target = results[2]![0];
    expect(target).toBeDefined();
    if (tier === 'pglite') {
      const broken = await cli(['audit', 'verify'], env);
      expect(broken.code).toBe(3);
      expect(broken.stdout).toContain(`BROKEN at entry ${String(target!.id)}`);
      expect(broken.stdout).toMatch(/payload was changed/);
    } else {
      const broken = await cli(['audit', 'verify', '--json'], env);
      expect(broken.code).toBe(3);
      expect(JSON.parse(broken.stdout)).toMatchObject({ ok: false, firstBroken: { id: target!.id, chainPos: Number(target!.chain_pos), reason: 'payload was changed' } });
    }
  }, 2 * SPAWN_TIMEOUT);

  if (tier === 'postgres') {
    it('revoking an unknown key fails with exit 1 and a readable error', async () => {
      const r = await cli(['apikey', 'revoke', 'key_nope'], env);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/NOT_FOUND.*key_nope/);
    }, SPAWN_TIMEOUT);
  } else {
    it('a bad configuration exits 2 naming the variable', async () => {
      const r = await cli(['apikey', 'list'], { ...env, PORT: 'abc' });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/PORT/);
    }, SPAWN_TIMEOUT);
  }
});
