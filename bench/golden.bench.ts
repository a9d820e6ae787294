// `npm run bench:golden`: match on arrival, real-time write latency and webhook latency on a throwaway
// durable PostgreSQL. Records go through the records writer (validation, quality, history, audit, search
// terms) with the golden module's customer assigner (warm MatchIndex + golden recompute) in batches of 1,000.
// Usage: npm run bench:golden [-- --records 1000000 --single 500 --events 300]   (node --expose-gc for the memory figure)
// `--stored N` skips the import: N customers are seeded set-based (see seedStored) and the single writes and
// webhooks are measured against them (the 1,000,000-stored single-write target without a 30-minute import).
// `--profile FILE.cpuprofile` writes a CPU profile of the single-write phase alone, `--profile-import FILE` one of
// the import. `--via import` imports the same records as a CSV file through the import job (ImportJobService,
// batches of `--batch`, default 5,000, one batch audit entry each: the batch path of issue 5) instead of
// RecordsService.writeMany in batches of 1,000 (the API's batch route). The import line also gives the CPU
// seconds Node and PostgreSQL spent during it, so an idle core shows.
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { Session } from 'node:inspector/promises';
import type { AddressInfo } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GeneratedCustomer } from '../src/devtools/generator/index.js';
import { csvField, generateAnnotatedCustomers, generateCustomers } from '../src/devtools/generator/index.js';
import { computeGolden, loadSettings } from '../src/modules/golden/index.js';
import { createGoldenServices } from '../src/modules/golden/golden.wiring.js';
import { loadRules } from '../src/modules/quality/rules.js';
import type { IncomingRecord, WriteContext } from '../src/modules/records/index.js';
import { displayNameOf, prepareRecords } from '../src/modules/records/index.js';
import { searchTermsOf } from '../src/modules/records/search-terms.js';
import { newId } from '../src/platform/ids.js';
import type { Database } from '../src/platform/db/database.js';
import { WebhookDeliveryWorker } from '../src/modules/webhooks/index.js';
import { Actor } from '../src/platform/auth/actor.js';
import { migrateDatabase, openDatabase } from '../src/platform/db/database.js';
import { parentPid, postgresCpuSeconds as postgresCpu } from './lib/cpu.js';
import { createServices } from '../src/server/services.js';
import { startPostgres } from '../test/support/postgres-server.js';
import { machineLine, writeBenchSection } from './lib/bench-doc.js';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i]!.replace(/^--/, ''), process.argv[i + 1] ?? '');
const STORED = args.has('stored') ? Number(args.get('stored')) : null;
const RECORDS = STORED === null ? Number(args.get('records') ?? 1_000_000) : 0;
const SINGLE = Number(args.get('single') ?? 500);
const EVENTS = Number(args.get('events') ?? 300);
const BATCH = 1000;
const VIA_IMPORT = args.get('via') === 'import';
const IMPORT_BATCH = Number(args.get('batch') ?? 5000);
// `--doc 0` leaves docs/benchmarks.md alone (profiling runs at other sizes); so does `--stored`.
const WRITE_DOC = args.get('doc') !== '0' && !args.has('stored');

const log = (m: string) => process.stderr.write(`[bench:golden] ${m}\n`);
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))]!;
const fmt = (n: number) => n.toLocaleString('en-GB', { maximumFractionDigits: 1 });

const DEFINITION = {
  attributes: [
    { name: 'first_name', type: 'text', required: true, privacy: 'public' },
    { name: 'last_name', type: 'text', required: true, privacy: 'public' },
    { name: 'date_of_birth', type: 'date', privacy: 'sensitive' },
    { name: 'email', type: 'email' },
    { name: 'phone', type: 'phone' },
    { name: 'street', type: 'text' },
    { name: 'city', type: 'text', privacy: 'public' },
    { name: 'postcode', type: 'text' },
    { name: 'loyalty_card', type: 'identifier' },
  ],
  defaultRegion: 'US',
};

function values(c: GeneratedCustomer): Record<string, unknown> {
  const v: Record<string, unknown> = {};
  for (const a of DEFINITION.attributes) {
    const x = (c as Record<string, string>)[a.name];
    if (x) v[a.name] = x;
  }
  return v;
}

const SEED_CHUNK = 5000;

/**
 * `--stored N`: N customers as match on arrival leaves them when each arrives as a new person, set-based.
 * The first record of each generated person (the stream's duplicates are skipped, so no two stored records
 * are one person) is validated and assessed by the writer's own functions (prepareRecords), and stored with
 * its version row, search terms and a customer whose golden record survivorship computes from it (with one
 * record every rule picks it). Not stored: audit entries and events, which matching and golden never read.
 */
async function seedStored(database: Database, ctx: WriteContext, stream: Iterator<{ customer: GeneratedCustomer; duplicate: boolean }>, n: number): Promise<number> {
  const rules = await loadRules(database.db, ctx.source.schemaId, ctx.definition);
  const { survivorship } = await loadSettings(database.db, ctx.source.schemaId);
  const attrs = ctx.definition.attributes.map((a) => a.name);
  let seeded = 0;
  let skipped = 0;
  let sqlMs = 0;
  const t0 = performance.now();
  // Secondary indexes are dropped while loading and built again after (the same definitions): one sort per
  // index instead of a trigram GIN insert per search term. The primary keys stay.
  const indexes = await database.raw<{ name: string; def: string }>(
    `select i.indexname as name, i.indexdef as def from pg_indexes i
     where i.tablename in ('customers', 'source_records', 'source_record_versions', 'customer_search_terms') and i.schemaname = current_schema()
       and not exists (select 1 from pg_constraint c where c.conname = i.indexname)`,
  );
  for (const ix of indexes) await database.raw(`drop index "${ix.name}"`);
  let writing: Promise<unknown> = Promise.resolve();
  while (seeded < n) {
    const batch: IncomingRecord[] = [];
    while (batch.length < Math.min(SEED_CHUNK, n - seeded)) {
      const a = stream.next().value!;
      if (a.duplicate) skipped++;
      else batch.push({ key: `K${seeded + batch.length}`, values: values(a.customer) });
    }
    prepareRecords(ctx, rules, batch);
    const now = new Date().toISOString();
    const docs = [];
    const terms: [string[], string[], string[], string[]] = [[], [], [], []];
    for (const r of batch) {
      const { validation: v, quality: q } = r.prepared!;
      if (!v.ok || !q) throw new Error(`generated record ${r.key} is not valid: ${JSON.stringify(v.errors)}`);
      const id = newId('record');
      const cid = newId('customer');
      const contributing = { id, sourceId: ctx.source.id, sourceName: ctx.source.name, sourceKey: r.key, trustRank: ctx.source.trustRank, updatedAt: now, values: v.values, verification: q.verification };
      docs.push({ id, key: r.key, cid, name: displayNameOf(ctx.definition, v.values), golden: computeGolden(attrs, [contributing], survivorship, [], {}, now),
        raw: r.values, vals: v.values, extras: v.extras, std: q.standardized, ver: q.verification, score: q.score, issues: q.issues.length ? q.issues : null });
      for (const t of searchTermsOf(ctx.definition, v.values, r.key)) {
        terms[0].push(id); terms[1].push(cid); terms[2].push(t.kind); terms[3].push(t.term);
      }
    }
    const doc = JSON.stringify(docs);
    // The database writes this chunk while the next one is prepared.
    await writing;
    writing = writeChunk(doc, terms);
    seeded += batch.length;
    if (seeded % 100_000 === 0 || seeded === n) log(`seeded ${seeded} customers (${skipped} generated duplicates skipped), ${fmt((performance.now() - t0) / 1000)} s, SQL (overlapped) ${fmt(sqlMs / 1000)} s`);
  }
  await writing;
  const ti = performance.now();
  for (const ix of indexes) await database.raw(ix.def);
  await database.raw('analyze');
  log(`indexes rebuilt in ${fmt((performance.now() - ti) / 1000)} s`);
  return seeded;

  async function writeChunk(doc: string, terms: string[][]): Promise<void> {
    const tq = performance.now();
    await database.raw(
      `insert into customers (id, display_name, golden, version) select u.cid, u.name, u.golden, 2 from jsonb_to_recordset($1::jsonb) as u(cid text, name text, golden jsonb)`,
      [doc],
    );
    await database.raw(
      `with w as (
         insert into source_records (id, source_id, source_key, customer_id, schema_id, schema_version, status, raw, "values", extras, errors, version, created_by, updated_by,
                                     standardized, verification, quality_score, quality_computed_at, quality_issues)
         select u.id, $2, u.key, u.cid, $3, $4, 'valid', u.raw, u.vals, u.extras, '[]'::jsonb, 1, 'bench', 'bench', u.std, u.ver, u.score::smallint, now(), u.issues
         from jsonb_to_recordset($1::jsonb) as u(id text, key text, cid text, raw jsonb, vals jsonb, extras jsonb, std jsonb, ver jsonb, score int, issues text[])
         returning id, raw, "values")
       insert into source_record_versions (record_id, version, change_kind, status, schema_version, raw, "values", errors, changed_by)
       select w.id, 1, 'create', 'valid', $4, w.raw, w."values", '[]'::jsonb, 'bench' from w`,
      [doc, ctx.source.id, ctx.source.schemaId, ctx.schemaVersion],
    );
    await database.raw(`insert into customer_search_terms (record_id, customer_id, kind, term) select * from unnest($1::text[], $2::text[], $3::text[], $4::text[])`, terms);
    sqlMs += performance.now() - tq;
  }
}

async function main(): Promise<void> {
  const pg = await startPostgres({ durable: true });
  if (!pg) throw new Error('no PostgreSQL server binaries (>= 15) found');
  const database = await openDatabase({ databaseUrl: pg.url, poolSize: 8 });
  const out: string[] = [];
  try {
    await migrateDatabase(database);
    // BENCH_PG_LOG=FILE: every statement's duration in the server log, copied to FILE at the end (where PostgreSQL's time goes).
    if (process.env.BENCH_PG_LOG) {
      await database.raw(`alter system set log_min_duration_statement = 0`);
      await database.raw(`select pg_reload_conf()`);
    }
    const services = createServices(database, { sessionTtlHours: 1 });
    const g = createGoldenServices(services);
    const actor = Actor.system('bench');
    await services.schemas.create(actor, { name: 'customer', definition: DEFINITION });
    await services.sources.create(actor, { name: 'crm', schema: 'customer', systemType: 'crm' });

    const loadBefore = loadavg()[0]!;
    // 1. Import with match on arrival, batches of 1,000 (the import path), or the set-based seed of --stored.
    let gen: Iterator<GeneratedCustomer> = generateCustomers({ count: RECORDS + SINGLE + EVENTS, seed: 7, duplicateRate: 0.2 });
    let seedS = 0;
    let written = 0;
    if (STORED !== null) {
      // The same kind of stream as an import, so the single writes that follow include duplicates of stored
      // people. Its length (which shapes the stream) depends on N alone: --single does not change what is stored.
      const stream = generateAnnotatedCustomers({ count: Math.ceil(STORED / 0.7) + 100_000, seed: 7, duplicateRate: 0.2 });
      const ts = performance.now();
      const source = await services.sources.resolve(actor, 'crm');
      written = await seedStored(database, await services.records.writeContext(source), stream, STORED);
      seedS = (performance.now() - ts) / 1000;
      gen = (function* () {
        for (const a of { [Symbol.iterator]: () => stream }) yield a.customer;
      })();
    }
    // --via import: the same records as a CSV file (written before the clock starts).
    const csvDir = VIA_IMPORT && RECORDS > 0 ? mkdtempSync(join(tmpdir(), 'bench-golden-')) : null;
    const csvPath = csvDir ? join(csvDir, 'customers.csv') : '';
    if (csvDir) {
      const names = DEFINITION.attributes.map((a) => a.name);
      writeFileSync(csvPath, `${['key', ...names].join(',')}\n`);
      // In chunks: 1,000,000 rows as one string would hold ≈ 150 MB next to the warm index.
      let lines: string[] = [];
      for (let n = 0; n < RECORDS; n++) {
        const v = values(gen.next().value!);
        lines.push([`K${n}`, ...names.map((a) => csvField(String(v[a] ?? '')))].join(','));
        if (lines.length === 50_000 || n === RECORDS - 1) {
          appendFileSync(csvPath, `${lines.join('\n')}\n`);
          lines = [];
        }
      }
    }
    const importProfiler = args.get('profile-import') ? new Session() : null;
    if (importProfiler) {
      importProfiler.connect();
      await importProfiler.post('Profiler.enable');
      await importProfiler.post('Profiler.start');
    }
    const pgCpu0 = await postgresCpuSeconds(database);
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    let batch: { key: string; values: Record<string, unknown> }[] = [];
    let n = 0;
    let lastLog = t0;
    if (csvDir) {
      const job = await services.ingest.importFile(actor, csvPath, { source: 'crm', batchSize: IMPORT_BATCH });
      written = job.counters.created + job.counters.updated;
      if (job.state !== 'completed' || job.counters.rejected > 0) throw new Error(`import ${job.state}: ${JSON.stringify(job.counters)}`);
      rmSync(csvDir, { recursive: true, force: true });
    }
    // next() rather than for…of: breaking out of for…of would close the generator needed below.
    while (!csvDir && n < RECORDS) {
      const c = gen.next().value!;
      batch.push({ key: `K${n++}`, values: values(c) });
      if (batch.length === BATCH) {
        await services.records.writeMany(actor, 'crm', batch);
        written += batch.length;
        batch = [];
        if (performance.now() - lastLog > 15_000) {
          lastLog = performance.now();
          log(`${written} records, ${fmt(written / ((lastLog - t0) / 1000))} records/s, ${JSON.stringify(g.stewardship.arrivalStats)}`);
        }
      }
    }
    if (batch.length) {
      await services.records.writeMany(actor, 'crm', batch);
      written += batch.length;
    }
    const importS = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const pgCpuS = (await postgresCpuSeconds(database)) - pgCpu0;
    if (importProfiler) {
      const { profile } = await importProfiler.post('Profiler.stop');
      writeFileSync(args.get('profile-import')!, JSON.stringify(profile));
      importProfiler.disconnect();
    }
    const cpuLine = `Node CPU ${fmt((cpu.user + cpu.system) / 1e6)} s, PostgreSQL CPU ${fmt(pgCpuS)} s of ${fmt(importS)} s wall`;
    // A copy of the phase times too: the single writes below keep adding to the live counters.
    const stats = { ...g.stewardship.arrivalStats, phaseMs: { ...g.stewardship.arrivalStats.phaseMs } };
    const [customers] = await database.raw<{ n: number }>(`select count(*)::int as n from customers where status = 'active'`);
    if (STORED === null) log(`imported ${written} in ${fmt(importS)} s (${fmt(written / importS)} records/s) ${VIA_IMPORT ? `via the import job, batches of ${IMPORT_BATCH}` : `via writeMany, batches of ${BATCH}`}; ${cpuLine}`);
    if (STORED === null) {
      const ph = stats.phaseMs ?? {};
      log(`outcome ${Number(customers!.n)} active customers, ${stats.autoLinked} auto-linked, ${stats.reviewTasks} review tasks; phases ${(['prescore', 'setup', 'lock', 'index', 'score', 'confirm', 'golden', 'tasks'] as const).map((k) => `${k} ${fmt((ph[k] ?? 0) / 1000)} s`).join(', ')}; assign ${fmt(stats.assignMs / 1000)} s, afterWrite ${fmt(stats.afterWriteMs / 1000)} s; scored ahead ${stats.prescored ?? 0}, scored again ${stats.rescored ?? 0}`);
    }

    // 2. Cold start: building the warm index from the stored records (what a server restart costs).
    // With --stored the index was never built: the first write also trains the bootstrap model.
    global.gc?.();
    const heapWith = process.memoryUsage().heapUsed;
    g.stewardship.indexes.invalidate();
    global.gc?.();
    const heapWithout = process.memoryUsage().heapUsed;
    const tb = performance.now();
    await services.records.writeMany(actor, 'crm', [{ key: 'warmup', values: { first_name: 'Warm', last_name: 'Up' } }]);
    const buildS = (performance.now() - tb) / 1000;
    const indexS = ((await g.stewardship.indexes.stats())[0]?.buildMs ?? 0) / 1000;
    global.gc?.();
    // Heap held by the index: with it minus after dropping it (needs --expose-gc, else approximate).
    const heapMb = (STORED === null ? heapWith - heapWithout : process.memoryUsage().heapUsed - heapWithout) / 1e6;
    log(`first write after the import/seed ${fmt(buildS)} s, of which warm index build ${fmt(indexS)} s, ≈ ${fmt(heapMb)} MB heap`);

    // 3. Real-time single-record writes (API path) against the stored customers.
    const before = { ...g.stewardship.arrivalStats };
    const profiler = args.get('profile') ? new Session() : null;
    if (profiler) {
      profiler.connect();
      await profiler.post('Profiler.enable');
      await profiler.post('Profiler.start');
    }
    const lat: number[] = [];
    for (let i = 0; i < SINGLE; i++) {
      const c = gen.next().value!;
      const s = performance.now();
      await services.records.write(actor, { source: 'crm', key: `S${i}`, values: values(c) });
      lat.push(performance.now() - s);
    }

    if (profiler) {
      const { profile } = await profiler.post('Profiler.stop');
      writeFileSync(args.get('profile')!, JSON.stringify(profile));
      profiler.disconnect();
    }
    const single = g.stewardship.arrivalStats;
    const singleOutcome = `${fmt(single.autoLinked - before.autoLinked)} auto-linked, ${fmt(single.reviewTasks - before.reviewTasks)} review tasks`;
    log(`single writes: p50 ${fmt(pct(lat, 50))} ms, p99 ${fmt(pct(lat, 99))} ms, max ${fmt(Math.max(...lat))} ms (${singleOutcome})`);
    const matchMs = (single.assignMs - before.assignMs) / SINGLE;
    const goldenMs = (single.afterWriteMs - before.afterWriteMs) / SINGLE;

    // 4. Commit → webhook delivery.
    const received = new Map<string, number>();
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        received.set((JSON.parse(body) as { aggregateId: string }).aggregateId, performance.now());
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    await g.webhooks.create(actor, { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, eventTypes: ['record.created'] });
    const worker = new WebhookDeliveryWorker(database, { pollMs: 100 });
    worker.start();
    const committed = new Map<string, number>();
    for (let i = 0; i < EVENTS; i++) {
      const c = gen.next().value!;
      const r = await services.records.write(actor, { source: 'crm', key: `E${i}`, values: values(c) });
      committed.set(r.record.id, performance.now());
      await new Promise((res) => setTimeout(res, 20));
    }
    const until = performance.now() + 30_000;
    while (received.size < EVENTS && performance.now() < until) await new Promise((r) => setTimeout(r, 50));
    await worker.stop();
    server.close();
    const hook = [...committed.entries()].filter(([id]) => received.has(id)).map(([id, t]) => received.get(id)! - t);

    const perSec = written / importS;
    const loadAfter = loadavg()[0]!;
    const ph = stats.phaseMs ?? {};
    const phases = (['prescore', 'setup', 'lock', 'index', 'score', 'confirm', 'golden', 'tasks'] as const).map((k) => `${k} ${fmt((ph[k] ?? 0) / 1000)} s`).join(', ');
    out.push(
      '## Golden records (issue 5): `npm run bench:golden`',
      '',
      `Machine: ${machineLine()}, load average ${fmt(loadBefore)} at the start and ${fmt(loadAfter)} at the end (2 cores shared with other work: compare figures within one run). PostgreSQL from \`startPostgres({ durable: true })\` (fsync on), pool of 8, one Node process. Generated US customers (20 % duplicates), 9 attributes, one source.`,
      '',
      '| measurement | figure | target |',
      '| --- | --- | --- |',
      ...(STORED === null
        ? [
            `| import with match on arrival, ${VIA_IMPORT ? `import job, batches of ${fmt(IMPORT_BATCH)}` : 'batches of 1,000'} (records writer + warm MatchIndex + review tasks + golden recompute) | ${fmt(written)} records in ${fmt(importS)} s = ${fmt(perSec)} records/s (1,000,000 would take ≈ ${fmt(1_000_000 / perSec / 60)} min) | 1,000,000 ≤ 5 min |`,
            `| outcome of the import | ${fmt(Number(customers!.n))} active customers, ${fmt(stats.autoLinked)} auto-linked, ${fmt(stats.reviewTasks)} review tasks | — |`,
            `| warm index cold start (${fmt(written)} stored records + 3,000 synthetic background) | ${fmt(buildS)} s, ≈ ${fmt(heapMb)} MB heap | — |`,
          ]
        : [
            `| seeded set-based (\`--stored\`: first record of each generated person, validated and assessed by the writer's functions, with version row, search terms, customer and golden record; no audit or events) | ${fmt(written)} customers in ${fmt(seedS)} s | — |`,
            `| first write after the seed (bootstrap model training + warm index build) / of which warm index build (${fmt(written)} records + 3,000 synthetic background) | ${fmt(buildS)} s / ${fmt(indexS)} s, ≈ ${fmt(heapMb)} MB heap | — |`,
          ]),
      `| single-record write with real-time match (${fmt(SINGLE)} writes, ${fmt(written)} records stored; ${singleOutcome}) | p50 ${fmt(pct(lat, 50))} ms, p99 ${fmt(pct(lat, 99))} ms | p99 ≤ 50 ms with 1,000,000 stored |`,
      `| of which match on arrival / golden recompute + review tasks (mean per write) | ${fmt(matchMs)} ms / ${fmt(goldenMs)} ms | — |`,
      ...(STORED === null
        ? [
            `| import time spent in match on arrival / golden recompute + review tasks | ${fmt(stats.assignMs / 1000)} s / ${fmt(stats.afterWriteMs / 1000)} s of ${fmt(importS)} s | — |`,
            `| of which, by phase (setup = settings, model, first-use bootstrap training; lock = arrival advisory locks; index = warm index get and catch-up; score = MatchIndex match + add; confirm = one candidate query per batch; golden = recompute; tasks = review tasks) | ${phases} | — |`,
          ]
        : []),
      ...(hook.length > 0 ? [`| commit → webhook delivery (${fmt(hook.length)}/${fmt(EVENTS)} events, poll 100 ms) | p50 ${fmt(pct(hook, 50))} ms, p99 ${fmt(pct(hook, 99))} ms | p99 ≤ 1 s |`] : []),
    );
    if (WRITE_DOC) writeBenchSection('golden', out.join('\n'));
    process.stdout.write(`${out.join('\n')}\n`);
  } finally {
    if (process.env.BENCH_PG_LOG) {
      const [d] = await database.raw<{ dir: string }>(`select current_setting('data_directory') as dir`);
      writeFileSync(process.env.BENCH_PG_LOG, readFileSync(join(d!.dir, '..', 'postgres.log')));
    }
    await database.close();
    await pg.stop();
  }
}

/** CPU seconds used so far by the PostgreSQL server (see bench/lib/cpu.ts); the pooled backends live through the import. */
async function postgresCpuSeconds(database: Database): Promise<number> {
  const [b] = await database.raw<{ pid: number }>('select pg_backend_pid() as pid');
  return postgresCpu(parentPid(Number(b!.pid)));
}

await main();
