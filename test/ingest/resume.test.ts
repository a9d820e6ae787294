import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { writeCustomersCsv } from '../../src/devtools/generator/index.js';
import { Actor } from '../../src/platform/auth/actor.js';
import { migrateDatabase, openDatabase, type Database } from '../../src/platform/db/database.js';
import { createServices } from '../../src/server/services.js';
import { createTierDatabase, describeTiers, type TierDatabase } from '../support/tiers.js';
import { CUSTOMER_DEFINITION } from './support/ingest-system.js';

const ROWS = 3000;
const CLI = resolve('test/ingest/support/import-cli.ts');
const CHILD = resolve('test/ingest/support/import-child.ts');

type Job = { id: string; state: string; checkpoint_row: number; rows_read: number; rows_created: number; rows_updated: number; rows_unchanged: number; rows_rejected: number };

describeTiers('import kill -9 and resume', (tier) => {
  let dir = '';
  let file = '';
  let tdb: TierDatabase | undefined;
  let env: NodeJS.ProcessEnv = {};

  // PGlite's data directory belongs to one process: open it only while no CLI child runs.
  async function withDb<T>(f: (db: Database) => Promise<T>): Promise<T> {
    const database = await openDatabase(tier === 'pglite' ? { dataDir: join(dir, 'pglite') } : { databaseUrl: tdb!.url, poolSize: 2 });
    try {
      return await f(database);
    } finally {
      await database.close();
    }
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'custodian-resume-'));
    file = join(dir, 'customers.csv');
    await writeCustomersCsv(file, { count: ROWS, seed: 11, duplicateRate: 0.2, errorRate: 0.05, countries: ['US'] });
    if (tier === 'postgres') tdb = await createTierDatabase('postgres');
    env = { ...process.env, CUSTODIAN_DATA_DIR: dir, LOG_LEVEL: 'silent', ...(tdb?.url ? { DATABASE_URL: tdb.url } : { DATABASE_URL: '' }) };
    await withDb(async (db) => {
      await migrateDatabase(db);
      await createServices(db, { sessionTtlHours: 1 }).schemas.create(Actor.system(), { name: 'customer', definition: CUSTOMER_DEFINITION });
    });
  });
  afterAll(async () => {
    await tdb?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  function cli(source = 'crm'): { child: ChildProcess; done: Promise<{ code: number | null; stdout: string; stderr: string }> } {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'import', file, '--source', source, '--schema', 'customer', '--batch-size', '100', '--json'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((res) => child.on('exit', (code) => res({ code, stdout, stderr })));
    return { child, done };
  }

  it('a killed import resumes from its last checkpoint and counts every row exactly once', async () => {
    // First run: killed hard once its first batches have committed.
    const first = cli();
    if (tier === 'postgres') {
      await withDb(async (db) => {
        for (;;) {
          const [j] = await db.raw<Job>('select * from import_jobs');
          if (j && j.checkpoint_row >= 200) break;
          await new Promise((r) => setTimeout(r, 20));
        }
      });
    } else {
      // No second process may open the PGlite directory: watch the CLI's progress lines instead.
      await new Promise<void>((res, rej) => {
        let seen = '';
        const timer = setTimeout(() => rej(new Error(`no progress line with committed rows; stderr: ${seen.slice(-2000)}`)), 150_000);
        first.child.on('exit', (code) => rej(new Error(`import exited ${code} early; stderr: ${seen.slice(-2000)}`)));
        first.child.stderr!.on('data', (d: Buffer) => {
          seen += d.toString();
          if (/: \d+% [1-9][\d,]* read/.test(seen)) {
            clearTimeout(timer);
            res();
          }
        });
      });
    }
    first.child.kill('SIGKILL');
    const killed = await first.done;
    expect(killed.code).toBe(null);

    const mid = await withDb((db) => db.raw<Job>('select * from import_jobs'));
    expect(mid).toHaveLength(1);
    expect(mid[0]!.state).toBe('running');
    expect(mid[0]!.checkpoint_row).toBeGreaterThan(0);
    expect(mid[0]!.checkpoint_row).toBeLessThan(ROWS);
    // The CLI has match on arrival on, so one writer: batches commit in order. Either way the counters must
    // cover exactly the rows of the committed prefix and of any committed ranges after it.
    const ranges = await withDb((db) => db.raw<{ first_row: number; last_row: number }>('select first_row, last_row from import_job_batches'));
    expect(mid[0]!.rows_read).toBe(coveredRows(mid[0]!.checkpoint_row, ranges));

    // Second run: the same command resumes the same job.
    const second = await cli().done;
    expect(second.code).toBe(0);
    const summary = JSON.parse(second.stdout.trim().split('\n').pop()!) as { id: string; state: string; counters: Record<string, number> };
    expect(summary.id).toBe(mid[0]!.id);
    expect(summary.state).toBe('completed');

    await withDb(async (db) => {
      const [job] = await db.raw<Job>('select * from import_jobs');
      const [rec] = await db.raw<{ n: number; keys: number }>('select count(*)::int as n, count(distinct source_key)::int as keys from source_records');
      const [valid] = await db.raw<{ n: number }>("select count(*)::int as n from source_records where status = 'valid'");
      const [q] = await db.raw<{ n: number; rows: number }>('select count(*)::int as n, count(distinct row_number)::int as rows from import_quarantine');
      const [versions] = await db.raw<{ n: number }>('select count(*)::int as n from source_record_versions');
      expect(job!.rows_read).toBe(ROWS);
      expect(job!.rows_created + job!.rows_updated + job!.rows_unchanged + job!.rows_rejected).toBe(ROWS);
      // Every generated key is unique: each row is one record, created once, never updated.
      expect(job!.rows_updated).toBe(0);
      expect(job!.rows_unchanged).toBe(0);
      expect(rec!.n).toBe(ROWS);
      expect(rec!.keys).toBe(ROWS);
      expect(versions!.n).toBe(ROWS);
      expect(valid!.n).toBe(job!.rows_created);
      expect(q!.n).toBe(job!.rows_rejected);
      expect(q!.rows).toBe(q!.n);
      expect(job!.rows_rejected).toBeGreaterThan(0);
    });

    // Third run: a no-op reporting the completed job.
    const third = await cli().done;
    expect(third.code).toBe(0);
    expect(JSON.parse(third.stdout.trim().split('\n').pop()!)).toMatchObject({ id: mid[0]!.id, reused: true, counters: { read: ROWS } });
  }, 280_000);

  // PostgreSQL writes two batches at once: a later batch can commit while an earlier one is still running.
  it.skipIf(tier !== 'postgres')('killed while an earlier batch is uncommitted and later ones committed, it resumes counting every row once', async () => {
    // The first batch stalls on its first row (a trigger sleeps), so only later batches commit.
    const key = readFileSync(file, 'utf8').split('\n')[1]!.split(',')[0]!;
    await withDb((db) =>
      db.raw(`create function test_stall() returns trigger language plpgsql as $$
        begin if new.source_key = '${key}' and new.source_id = (select id from sources where name = 'crm-ooo') then perform pg_sleep(300); end if; return new; end $$;
        create trigger test_stall before insert on source_records for each row execute function test_stall()`),
    );
    // Without match on arrival (the CLI has it on, which keeps one writer).
    const child = (): { child: ChildProcess; done: Promise<{ code: number | null; stdout: string; stderr: string }> } => {
      const c = spawn(process.execPath, ['--import', 'tsx', CHILD, tdb!.url!, file, 'crm-ooo', dir], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      c.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
      c.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
      return { child: c, done: new Promise((res) => c.on('exit', (code) => res({ code, stdout, stderr }))) };
    };
    const first = child();
    const jobOf = (db: Database): Promise<Job[]> => db.raw<Job>(`select j.* from import_jobs j join sources s on s.id = j.source_id where s.name = 'crm-ooo'`);
    const rangesOf = (db: Database, jobId: string) => db.raw<{ first_row: number; last_row: number }>('select first_row, last_row from import_job_batches where job_id = $1 order by first_row', [jobId]);
    await withDb(async (db) => {
      const until = Date.now() + 150_000;
      for (;;) {
        const [j] = await jobOf(db);
        if (j && (await rangesOf(db, j.id)).length >= 3) break;
        if (Date.now() > until) {
          first.child.kill('SIGKILL');
          throw new Error(`no out-of-order commits seen; job ${JSON.stringify(j)}`);
        }
        await new Promise((r) => setTimeout(r, 20));
      }
    });
    first.child.kill('SIGKILL');
    expect((await first.done).code).toBe(null);
    // The stalled backend outlives its client: end it (as a server restart would), then remove the stall.
    await withDb((db) => db.raw('select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()'));
    await withDb((db) => db.raw('drop trigger test_stall on source_records; drop function test_stall()'));

    const [mid] = await withDb(jobOf);
    const ranges = await withDb((db) => rangesOf(db, mid!.id));
    expect(mid!.state).toBe('running');
    expect(mid!.checkpoint_row).toBe(0);
    expect(ranges[0]!.first_row).toBeGreaterThan(1);
    expect(mid!.rows_read).toBe(coveredRows(0, ranges));

    const second = await child().done;
    expect(second.code, second.stderr).toBe(0);
    const summary = JSON.parse(second.stdout.trim().split('\n').pop()!) as { id: string; state: string };
    expect(summary).toMatchObject({ id: mid!.id, state: 'completed' });
    await withDb(async (db) => {
      const [job] = await jobOf(db);
      const [rec] = await db.raw<{ n: number; keys: number; valid: number }>(
        `select count(*)::int as n, count(distinct source_key)::int as keys, (count(*) filter (where status = 'valid'))::int as valid from source_records where source_id = $1`,
        [(job as Job & { source_id: string }).source_id],
      );
      const [versions] = await db.raw<{ n: number }>('select count(*)::int as n from source_record_versions v join source_records r on r.id = v.record_id where r.source_id = $1', [
        (job as Job & { source_id: string }).source_id,
      ]);
      const [q] = await db.raw<{ n: number; rows: number }>('select count(*)::int as n, count(distinct row_number)::int as rows from import_quarantine where job_id = $1', [job!.id]);
      expect(job!.rows_read).toBe(ROWS);
      expect(job!.checkpoint_row).toBe(ROWS);
      expect(job!.rows_created + job!.rows_rejected).toBe(ROWS);
      expect(job!.rows_updated + job!.rows_unchanged).toBe(0);
      expect(rec).toEqual({ n: ROWS, keys: ROWS, valid: job!.rows_created });
      expect(versions!.n).toBe(ROWS);
      expect(q).toEqual({ n: job!.rows_rejected, rows: job!.rows_rejected });
      expect(await rangesOf(db, job!.id)).toEqual([]);
    });
  }, 280_000);
});

/** How many rows the prefix 1..checkpoint and the ranges cover together (ranges may overlap it). */
function coveredRows(checkpoint: number, ranges: { first_row: number; last_row: number }[]): number {
  const rows = new Set<number>();
  for (let r = 1; r <= checkpoint; r++) rows.add(r);
  for (const b of ranges) for (let r = b.first_row; r <= b.last_row; r++) rows.add(r);
  return rows.size;
}
