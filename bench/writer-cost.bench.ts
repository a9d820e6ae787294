// `npx tsx bench/writer-cost.bench.ts`: database CPU per record written by the records writer, the working
// tree's writer against a baseline commit's (default HEAD) in the same run, alternating, on fresh sources.
// PostgreSQL: CPU of the backend that ran the transaction (/proc/<pid>/stat, commit included); PGlite: the CPU
// of this process around the transaction (the engine runs in it, so the writer's JavaScript counts too).
// Cases: create (new records, bulk batches), update (every record again with a changed street), post (one
// record per transaction, as an API write). Options (environment): BENCH_TIER postgres|pglite, BENCH_ROWS per
// round (default 5,000), BENCH_ROUNDS (default 3), BENCH_POSTS (default 300), BENCH_BASELINE (a git revision).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { sql } from 'drizzle-orm';
import { generateCustomers } from '../src/devtools/generator/index.js';
import { batchAudit } from '../src/modules/ingest/batch-audit.js';
import { loadRules } from '../src/modules/quality/rules.js';
import { prepareRecords, writeRecordBatch, type IncomingRecord, type WriteContext } from '../src/modules/records/index.js';
import { Actor } from '../src/platform/auth/actor.js';
import { migrateDatabase, openDatabase, rows, type Database, type Tx } from '../src/platform/db/database.js';
import { createServices, type Services } from '../src/server/services.js';
import { startPostgres } from '../test/support/postgres-server.js';
import { GENERATED_SCHEMA } from './lib/generated-schema.js';

type Writer = typeof writeRecordBatch;

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
// The files whose baseline versions are compared; imports between them stay within the baseline copy.
const OWNED = ['src/modules/records/record-writer.ts', 'src/modules/records/search-terms.ts', 'src/platform/events/outbox.ts'];
const WARM = 200;

/** The baseline revision's writer, copied to a temporary directory with its imports pointing at the working tree. */
async function loadBaseline(rev: string, dir: string): Promise<Writer> {
  for (const file of OWNED) {
    const text = execFileSync('git', ['show', `${rev}:${file}`], { cwd: ROOT, encoding: 'utf8' });
    const rewritten = text.replace(/from '(\.{1,2}\/[^']+)'/g, (_m, spec: string) => {
      const target = resolve(ROOT, dirname(file), spec).slice(ROOT.length + 1).replace(/\.js$/, '.ts');
      const path = OWNED.includes(target) ? join(dir, target.replaceAll('/', '__')) : join(ROOT, target);
      return `from '${pathToFileURL(path).href}'`;
    });
    writeFileSync(join(dir, file.replaceAll('/', '__')), rewritten);
  }
  const mod = (await import(pathToFileURL(join(dir, OWNED[0]!.replaceAll('/', '__'))).href)) as { writeRecordBatch: Writer };
  return mod.writeRecordBatch;
}

function backendTicks(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return Number(fields[11]) + Number(fields[12]); // utime + stime, clock ticks (1/100 s)
}

/** Database CPU seconds of one transaction running `write`. */
async function measured(database: Database, write: (tx: Tx) => Promise<unknown>): Promise<number> {
  // Whoever fills a GIN pending list pays for merging all of it into the index: start every write from an
  // empty one, or the bill lands on the old or the new writer at random.
  await database.db.execute(sql`vacuum customer_search_terms`);
  if (database.kind === 'pglite') {
    const c0 = process.cpuUsage();
    await database.db.transaction(write);
    const c = process.cpuUsage(c0);
    return (c.user + c.system) / 1e6;
  }
  let pid = 0;
  let t0 = 0;
  await database.db.transaction(async (tx) => {
    pid = (await rows<{ pid: number }>(tx, sql`select pg_backend_pid() as pid`))[0]!.pid;
    t0 = backendTicks(pid);
    await write(tx);
  });
  return (backendTicks(pid) - t0) / 100;
}

async function main(): Promise<void> {
  const tier = process.env.BENCH_TIER === 'pglite' ? 'pglite' : 'postgres';
  const n = Number(process.env.BENCH_ROWS ?? 5000);
  const roundsCount = Number(process.env.BENCH_ROUNDS ?? 3);
  const posts = Number(process.env.BENCH_POSTS ?? 300);
  // Under the package, so the baseline copy resolves its packages and is an ES module.
  mkdirSync(join(ROOT, '.tmp'), { recursive: true });
  const dir = mkdtempSync(join(ROOT, '.tmp', 'writer-cost-'));
  const pg = tier === 'postgres' ? await startPostgres({ durable: true }) : null;
  if (tier === 'postgres' && !pg) throw new Error('no PostgreSQL server binaries found');
  try {
    const database = await openDatabase(pg ? { databaseUrl: pg.url, poolSize: 2 } : { dataDir: join(dir, 'pglite') });
    await migrateDatabase(database);
    const services: Services = createServices(database, { sessionTtlHours: 12 }, { matchOnArrival: false });
    const actor = Actor.system('bench');
    await services.schemas.create(actor, { name: 'bench_customer', definition: GENERATED_SCHEMA });
    const writers: [string, Writer][] = [
      ['baseline', await loadBaseline(process.env.BENCH_BASELINE ?? 'HEAD', dir)],
      ['current', writeRecordBatch],
    ];
    const people = [...generateCustomers({ count: (n * (roundsCount + 1) + posts + roundsCount + WARM) * 2, seed: 7 })].map(({ entity_id: _e, ...values }) => values as Record<string, unknown>);
    let next = 0;
    let sourceNo = 0;
    const newContext = async (): Promise<WriteContext> => {
      const view = await services.sources.create(actor, { name: `bench_${sourceNo++}`, schema: 'bench_customer', systemType: 'other', trustRank: 50 });
      return { ...(await services.records.writeContext(await services.sources.resolve(actor, view.id))), verifiedBy: 'import-rule' };
    };
    const prepared = async (ctx: WriteContext, records: IncomingRecord[]): Promise<IncomingRecord[]> => {
      prepareRecords(ctx, await loadRules(database.db, ctx.source.schemaId, ctx.definition), records);
      return records;
    };
    const totals = new Map<string, { seconds: number; records: number }>();
    const add = (key: string, seconds: number, records: number): void => {
      const t = totals.get(key) ?? { seconds: 0, records: 0 };
      totals.set(key, { seconds: t.seconds + seconds, records: t.records + records });
    };
    // One audit entry per batch, as imports write by default.
    const audit = batchAudit(services.audit, 'bench');
    // Round 0 warms both writers up (JIT, caches) and is not counted.
    for (let round = 0; round <= roundsCount; round++) {
      const size = round === 0 ? WARM : n;
      const count = round === 0 ? (): void => undefined : add;
      // Alternate which writer goes first, so drift in machine load falls on both.
      const order = round % 2 === 0 ? writers : [...writers].reverse();
      for (const [name, write] of order) {
        const ctx = await newContext();
        const batch = await prepared(ctx, people.slice(next, (next += size)).map((values, i) => ({ key: `K${i}`, values })));
        const created = await measured(database, (tx) => write(tx, audit, actor, ctx, batch));
        count(`create/${name}`, created, size);
        const changed = await prepared(ctx, batch.map((r) => ({ key: r.key, values: { ...r.values, street: `${String(r.values.street)} B` } })));
        const updated = await measured(database, (tx) => write(tx, audit, actor, ctx, changed));
        count(`update/${name}`, updated, size);
        if (round > 0) console.log(`round ${round} ${name.padEnd(8)} create ${((created / n) * 1e6).toFixed(1)} µs/record, update ${((updated / n) * 1e6).toFixed(1)} µs/record`);
      }
      for (const [name, write] of order) {
        const ctx = await newContext();
        const one = people.slice(next, (next += round === 0 ? 1 : Math.ceil(posts / roundsCount)));
        for (const [i, values] of one.entries()) {
          count(`post/${name}`, await measured(database, (tx) => write(tx, services.audit, actor, ctx, [{ key: `P${i}`, values }])), 1);
        }
      }
    }
    const us = (key: string): number => (totals.get(key)!.seconds / totals.get(key)!.records) * 1e6;
    console.log(`tier ${tier}, ${roundsCount} rounds of ${n} records (+${posts} single posts), load ${loadavg().map((l) => l.toFixed(1)).join(' / ')}`);
    for (const c of ['create', 'update', 'post']) {
      const b = us(`${c}/baseline`);
      const cur = us(`${c}/current`);
      console.log(`${c.padEnd(7)} baseline ${b.toFixed(1).padStart(7)} µs/record   current ${cur.toFixed(1).padStart(7)} µs/record   current/baseline ${(cur / b).toFixed(2)}`);
    }
    await database.close();
  } finally {
    await pg?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
