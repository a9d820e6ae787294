// `npm run bench:ingest`: generates seeded customer CSVs (5 % messy values, 20 % duplicates) and imports
// them through the ingest service into PostgreSQL and PGlite, each import in a child process so its peak
// RSS is its own: with match on arrival off (the issue 3 target) and on. It also measures the CPU phases
// alone (read + map, validate + standardize + score) and, on PostgreSQL, profiling the imported source.
// Writes the figures between the bench:ingest markers of docs/benchmarks.md.
// BENCH_ROWS (default 1,000,000) and BENCH_PGLITE_ROWS (default 200,000) size the runs; BENCH_MATCH
// (default "off,on") chooses the matching modes; BENCH_WRITERS (default "2") the writers option of each PostgreSQL
// import, a list runs each in turn (e.g. "1,2,2,1" to compare old and new in one run; the table shows the lanes an
// import ran with: 1 with match on arrival, at most 2 on the pool of 4 by the lane budget); BENCH_DOC=0 leaves
// docs/benchmarks.md alone; BENCH_PROFILE=0 skips profiling; DATABASE_URL uses an existing server instead of a throwaway one.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeCustomersCsv } from '../src/devtools/generator/index.js';
import { buildMapping } from '../src/modules/ingest/column-mapping.js';
import { openCsv } from '../src/modules/ingest/csv.reader.js';
import { RowMapper } from '../src/modules/ingest/row-mapper.js';
import { resolveRules } from '../src/modules/quality/rules.js';
import { prepareRecords, type IncomingRecord, type WriteContext } from '../src/modules/records/index.js';
import { compileSchema, schemaDefinitionSchema } from '../src/modules/schemas/index.js';
import { Actor } from '../src/platform/auth/actor.js';
import { migrateDatabase, openDatabase, type Database } from '../src/platform/db/database.js';
import { createServices } from '../src/server/services.js';
import { startPostgres } from '../test/support/postgres-server.js';
import { machineLine, writeBenchSection } from './lib/bench-doc.js';
import { GENERATED_SCHEMA } from './lib/generated-schema.js';

type ImportResult = {
  rows: number;
  seconds: number;
  rowsPerSecond: number;
  cpuSeconds: number;
  maxRssMiB: number;
  counters: Record<string, number>;
  profileSeconds: number[];
  load: string;
  /** Batches the import actually wrote at once (detected.writers): 1 with match on arrival or on PGlite, and the lane budget caps it. */
  writers: number;
  /** BENCH_LOCKS=1: share of 10 ms samples in which a batch waited for the job row's lock (its counters update). */
  jobRowWaitShare?: number;
};
type PhaseResult = { rows: number; readMapPerSecond: number; preparePerSecond: number; maxRssMiB: number };

const BATCH = 5000;

const load = (): string =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' / ');

/** Child: one import (and, on PostgreSQL, profiling of the imported source). */
async function importChild(file: string, target: string, match: boolean, writers: number): Promise<void> {
  const database = await openDatabase(target.startsWith('postgres') ? { databaseUrl: target, poolSize: 4 } : { dataDir: target });
  await migrateDatabase(database);
  const services = createServices(database, { sessionTtlHours: 12 }, { matchOnArrival: match });
  const actor = Actor.system('bench');
  await services.schemas.create(actor, { name: 'bench_customer', definition: GENERATED_SCHEMA }).catch(() => undefined);
  const source = `bench_${Date.now()}`;
  const loadBefore = load();
  const sampler = database.kind === 'postgres' && process.env.BENCH_LOCKS === '1' ? sampleJobRowWaits(database) : null;
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const job = await services.ingest.importFile(actor, file, { source, schema: 'bench_customer', batchSize: BATCH, writers });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const jobRowWaitShare = await sampler?.stop();
  const cpu = process.cpuUsage(cpu0);
  const profileSeconds: number[] = [];
  if (database.kind === 'postgres' && process.env.BENCH_PROFILE !== '0') {
    await database.raw('vacuum analyze source_records');
    for (let i = 0; i < 2; i++) {
      const p0 = performance.now();
      await services.quality.profile(actor, source);
      profileSeconds.push((performance.now() - p0) / 1000);
    }
  }
  await database.close();
  const out: ImportResult = {
    rows: job.counters.read,
    seconds,
    rowsPerSecond: Math.round(job.counters.read / seconds),
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    maxRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
    counters: job.counters,
    profileSeconds,
    load: `${loadBefore} → ${load()}`,
    writers: Number(job.detected?.writers ?? 1),
    ...(jobRowWaitShare === undefined ? {} : { jobRowWaitShare }),
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

/** Polls pg_stat_activity every 10 ms for a backend waiting for the job row's lock (taken before the counters update). */
function sampleJobRowWaits(database: Database): { stop(): Promise<number> } {
  let samples = 0;
  let waiting = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const [r] = await database.raw<{ n: number }>(
        `select count(*)::int as n from pg_stat_activity where wait_event_type = 'Lock' and (query like 'update "import_jobs"%' or query like 'select 1 from import_jobs%for no key update')`,
      );
      samples += 1;
      if (r!.n > 0) waiting += 1;
      await new Promise((res) => setTimeout(res, 10));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return samples === 0 ? 0 : Math.round((waiting / samples) * 1000) / 1000;
    },
  };
}

/** Child: the CPU phases alone, in batches as the importer runs them (no database). */
async function phaseChild(file: string): Promise<void> {
  const definition = schemaDefinitionSchema.parse(GENERATED_SCHEMA);
  const compiled = compileSchema(definition);
  const rules = resolveRules(definition, null);
  const ctx = { source: { defaultRegion: null }, definition, compiled, verifiedBy: 'import-rule' } as unknown as WriteContext;
  const reader = await openCsv({ path: file, encoding: 'utf-8', delimiter: ',' });
  const mapper = new RowMapper(definition, reader.headers, buildMapping(reader.headers!, definition, {}), { strictColumns: true });
  let readMapMs = 0;
  let prepareMs = 0;
  let rows = 0;
  let batch: IncomingRecord[] = [];
  const prepare = (): void => {
    const p0 = performance.now();
    prepareRecords(ctx, rules, batch);
    prepareMs += performance.now() - p0;
    batch = [];
  };
  let t = performance.now();
  for await (const r of reader.rows) {
    const m = mapper.map(r);
    rows += 1;
    if (m.ok) batch.push({ key: m.key, values: m.values });
    const now = performance.now();
    readMapMs += now - t;
    if (batch.length >= BATCH) prepare();
    t = performance.now();
  }
  if (batch.length > 0) prepare();
  await reader.close();
  const out: PhaseResult = {
    rows,
    readMapPerSecond: Math.round(rows / (readMapMs / 1000)),
    preparePerSecond: Math.round(rows / (prepareMs / 1000)),
    maxRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

function runChild<T>(args: string[]): Promise<T> {
  const self = fileURLToPath(import.meta.url);
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', self, '--child', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop()!) as T) : reject(new Error(`bench child exited ${code}`))));
  });
}

async function generate(rows: number, dir: string): Promise<string> {
  const file = join(dir, `customers-${rows}.csv`);
  if (!existsSync(file)) await writeCustomersCsv(file, { count: rows, seed: 7, duplicateRate: 0.2, errorRate: 0.05, countries: ['US', 'GB'] });
  return file;
}

const fmt = (n: number): string => n.toLocaleString('en-US');

async function main(): Promise<void> {
  const rows = Number(process.env.BENCH_ROWS ?? 1_000_000);
  const liteRows = Number(process.env.BENCH_PGLITE_ROWS ?? 200_000);
  const matchModes = (process.env.BENCH_MATCH ?? 'off,on').split(',');
  const writerRuns = (process.env.BENCH_WRITERS ?? '2').split(',').map(Number);
  const dir = mkdtempSync(join(tmpdir(), 'custodian-bench-ingest-'));
  const lines: string[] = [];
  let profileLine = '';
  try {
    const file = await generate(rows, dir);
    const phases = await runChild<PhaseResult>(['phases', file]);
    console.log('phases:', phases);
    const server = process.env.DATABASE_URL ? null : await startPostgres({ durable: true });
    const url = process.env.DATABASE_URL ?? server?.url;
    // The Writers column shows the lanes the import ran with, not the writers option asked for.
    const row = (db: string, match: string, r: ImportResult): string =>
      `| ${db} | ${fmt(r.rows)} | ${match} | ${r.writers} | ${r.seconds.toFixed(1)} s | **${fmt(r.rowsPerSecond)}** | ${r.cpuSeconds.toFixed(1)} s | ${r.maxRssMiB} MiB | ${fmt(r.counters.accepted!)} / ${fmt(r.counters.rejected!)} | ${r.load} |`;
    try {
      for (const match of matchModes) {
        for (const writers of writerRuns) {
          if (!url) break;
          const r = await runChild<ImportResult>(['import', file, url, match, String(writers)]);
          console.log(`postgres match ${match} writers ${writers} (ran with ${r.writers}):`, r);
          lines.push(row('PostgreSQL', match, r));
          if (match !== 'off' || r.profileSeconds.length === 0) continue;
          profileLine = `Profiling the imported source (\`custodian quality profile\`, ${fmt(r.counters.accepted! + r.counters.rejected!)} records, exact fill rates and distinct counts): ${r.profileSeconds.map((s) => `${s.toFixed(1)} s`).join(', ')} (target ≤ 10 s for 1,000,000 on PostgreSQL).`;
        }
      }
    } finally {
      await server?.stop();
    }
    const liteFile = await generate(liteRows, dir);
    for (const match of matchModes) {
      if (liteRows <= 0) break;
      const r = await runChild<ImportResult>(['import', liteFile, join(dir, `pglite-${match}`), match, '1']);
      console.log(`pglite match ${match}:`, r);
      lines.push(row('PGlite', match, r));
    }
    const size = (statSync(file).size / 1024 ** 2).toFixed(0);
    if (process.env.BENCH_DOC === '0') return;
    writeBenchSection(
      'ingest',
      `## Ingestion (\`npm run bench:ingest\`)

${machineLine()}; PostgreSQL from \`startPostgres({ durable: true })\` (fsync on), pool of 4; PGlite in the importing process.
Generated customer CSV (seed 7, US/GB, 5 % messy values, 20 % duplicate entities; ${size} MB for ${fmt(rows)} rows; GB numbers fail the
schema's US phone validation, so about 28 % of rows are quarantined), 14 attributes, imported in batches of ${fmt(BATCH)} rows, one transaction per batch
(records with standardized values, verification and quality score, version history, search terms, events, one audit entry per batch, quarantine, checkpoint).
The next batch is read, validated and standardized while the database writes the current one. Peak RSS is the importing process's \`maxRSS\`.
"Load" is the machine's load average (1 / 5 / 15 min) before → after each run: the box is shared, so compare figures of one run with each other.

CPU phases alone (one core, no database): read + map ${fmt(phases.readMapPerSecond)} rows/s; validate + standardize + score ${fmt(phases.preparePerSecond)} rows/s.

| Database | Rows | Match on arrival | Writers | Time | Rows/s | Node CPU | Peak RSS | Accepted / quarantined | Load |
| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |
${lines.join('\n')}

${profileLine}`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--child') {
  const [, , , kind, ...rest] = process.argv;
  if (kind === 'phases') await phaseChild(rest[0]!);
  else await importChild(rest[0]!, rest[1]!, rest[2] === 'on', Number(rest[3] ?? 2));
} else await main();
