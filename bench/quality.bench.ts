// `npm run bench:quality`: loads N generated customers into a throwaway PostgreSQL and times quality profiling.
// The first --writer records go through the records writer (validation, standardization, scoring, history,
// audit) to measure its throughput; the rest are validated and assessed by the same functions and inserted
// set-based straight into source_records, which is what profiling reads.
// Usage: npm run bench:quality [-- --records 1000000 --writer 50000 --runs 3]
// With CUSTODIAN_TEST_DATABASE_URL set to a database an earlier run loaded, `--reuse true` skips loading and
// only measures (profiling, KPIs, lookups) on the records already there.
import { cpus, loadavg } from 'node:os';
import { sql } from 'drizzle-orm';
import { generateCustomers } from '../src/devtools/generator/index.js';
import { Actor } from '../src/platform/auth/actor.js';
import { migrateDatabase, openDatabase } from '../src/platform/db/database.js';
import { newId } from '../src/platform/ids.js';
import { writeRecords, type IncomingRecord } from '../src/modules/records/index.js';
import { assessRecord } from '../src/modules/quality/assess.js';
import { QualityService } from '../src/modules/quality/index.js';
import { loadRules } from '../src/modules/quality/rules.js';
import { validateCompiled } from '../src/modules/schemas/index.js';
import { createServices } from '../src/server/services.js';
import { startPostgres } from '../test/support/postgres-server.js';
import { machineLine, writeBenchSection } from './lib/bench-doc.js';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i]!.replace(/^--/, ''), process.argv[i + 1] ?? '');
const RECORDS = Number(args.get('records') ?? 1_000_000);
const WRITER = Math.min(RECORDS, Number(args.get('writer') ?? 50_000));
const RUNS = Number(args.get('runs') ?? 3);
const REUSE = args.get('reuse') === 'true';
const WRITER_BATCH = 5_000;
const BULK_BATCH = 20_000;

function log(msg: string): void {
  process.stderr.write(`[bench:quality] ${msg}\n`);
}

const DEFINITION = {
  attributes: [
    { name: 'first_name', type: 'text', required: true, privacy: 'public' },
    { name: 'middle_name', type: 'text', privacy: 'public' },
    { name: 'last_name', type: 'text', required: true, privacy: 'public' },
    { name: 'date_of_birth', type: 'date', privacy: 'sensitive' },
    { name: 'gender', type: 'enum', values: ['M', 'F'], privacy: 'personal' },
    { name: 'email', type: 'email' },
    { name: 'phone', type: 'phone' },
    { name: 'street', type: 'text' },
    { name: 'city', type: 'text', privacy: 'public' },
    { name: 'postcode', type: 'text' },
    { name: 'state', type: 'text', privacy: 'public' },
    { name: 'country', type: 'country', privacy: 'public' },
    { name: 'loyalty_card', type: 'identifier' },
  ],
  defaultRegion: 'US',
};

async function main(): Promise<void> {
  const pg = await startPostgres();
  if (!pg) throw new Error('no PostgreSQL server binaries (>= 15) found');
  const database = await openDatabase({ databaseUrl: pg.url, poolSize: 4 });
  try {
    await migrateDatabase(database);
    // The writer figure is validation, standardization, scoring, history and audit; matching has its own bench.
    const services = createServices(database, { sessionTtlHours: 1 }, { matchOnArrival: false });
    const quality = new QualityService(database, services.audit, services.schemas, services.sources);
    const actor = Actor.system('bench');
    const reused = REUSE && (await database.raw(`select 1 from sources where name = 'crm'`)).length > 0;
    if (!reused) {
      await services.schemas.create(actor, { name: 'customer', definition: DEFINITION });
      await services.sources.create(actor, { name: 'crm', schema: 'customer', systemType: 'crm' });
    }
    const sourceRow = await services.sources.resolve(actor, 'crm');
    const ctx = { ...(await services.records.writeContext(sourceRow)), verifiedBy: 'import-rule' as const };
    const rules = await loadRules(database.db, sourceRow.schemaId, ctx.definition);

    const gen = generateCustomers({ count: RECORDS, errorRate: 0.05, countries: ['US'] });
    const next = (n: number): IncomingRecord[] => {
      const out: IncomingRecord[] = [];
      for (let i = 0; i < n; i++) {
        const r = gen.next();
        if (r.done) break;
        const { customer_id, entity_id: _e, ...values } = r.value;
        out.push({ key: customer_id, values });
      }
      return out;
    };

    // 1. Through the records writer, as an import does.
    let t0 = performance.now();
    for (let done = 0; done < WRITER && !reused; ) {
      const batch = next(Math.min(WRITER_BATCH, WRITER - done));
      await database.db.transaction((tx) => writeRecords(tx, services.audit, actor, ctx, batch));
      done += batch.length;
    }
    const writerSeconds = (performance.now() - t0) / 1000;
    if (!reused) log(`records writer: ${WRITER.toLocaleString()} records in ${writerSeconds.toFixed(1)} s (${Math.round(WRITER / writerSeconds).toLocaleString()}/s)`);

    // 2. The rest: same validation and assessment, one set-based insert per batch.
    t0 = performance.now();
    let assessMs = 0;
    for (let done = WRITER; done < RECORDS && !reused; ) {
      const batch = next(Math.min(BULK_BATCH, RECORDS - done));
      const a0 = performance.now();
      const now = new Date();
      const planned = batch.map((r) => {
        const v = validateCompiled(ctx.compiled, r.values);
        const q = v.ok ? assessRecord({ definition: ctx.definition, rules, values: v.values, now, verifiedBy: 'import-rule', region: 'US' }) : null;
        return { r, v, q };
      });
      assessMs += performance.now() - a0;
      const col = <T>(f: (p: (typeof planned)[number]) => T): T[] => planned.map(f);
      await database.db.execute(sql`
        insert into source_records (id, source_id, source_key, customer_id, schema_id, schema_version, status, raw, "values", extras, errors, version,
                                    standardized, verification, quality_score, quality_computed_at, quality_issues)
        select u.id, ${sourceRow.id}, u.key, null, ${sourceRow.schemaId}, ${ctx.schemaVersion}, u.status, u.raw::jsonb, u.vals::jsonb, '{}'::jsonb, u.errors::jsonb, 1,
               u.std::jsonb, u.ver::jsonb, u.score::smallint, case when u.score is null then null else now() end, string_to_array(u.issues, ',')
        from unnest(${sql.param(col(() => newId('record')))}::text[], ${sql.param(col((p) => p.r.key))}::text[], ${sql.param(col((p) => (p.v.ok ? 'valid' : 'rejected')))}::text[],
                    ${sql.param(col((p) => JSON.stringify(p.r.values)))}::text[], ${sql.param(col((p) => (p.v.ok ? JSON.stringify(p.v.values) : null)))}::text[],
                    ${sql.param(col((p) => JSON.stringify(p.v.errors)))}::text[], ${sql.param(col((p) => (p.q ? JSON.stringify(p.q.standardized) : null)))}::text[],
                    ${sql.param(col((p) => (p.q ? JSON.stringify(p.q.verification) : null)))}::text[], ${sql.param(col((p) => p.q?.score ?? null))}::int[],
                    ${sql.param(col((p) => (p.q && p.q.issues.length > 0 ? p.q.issues.join(',') : null)))}::text[])
             as u(id, key, status, raw, vals, errors, std, ver, score, issues)`);
      done += batch.length;
      if ((done / BULK_BATCH) % 10 === 0 || done === RECORDS) log(`loaded ${done.toLocaleString()} / ${RECORDS.toLocaleString()} (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
    }
    const bulkSeconds = (performance.now() - t0) / 1000;
    const bulkRows = RECORDS - WRITER;
    if (!reused) await database.raw('vacuum analyze source_records');
    const [{ records }] = (await database.raw<{ records: number }>(`select count(*)::int records from source_records`)) as [{ records: number }];
    const [{ size }] = (await database.raw<{ size: string }>(`select pg_size_pretty(pg_total_relation_size('source_records')) size`)) as [{ size: string }];

    // 3. Profiling.
    const profileTimes: number[] = [];
    let profile: Awaited<ReturnType<QualityService['profile']>> | undefined;
    for (let i = 0; i < RUNS; i++) {
      const p0 = performance.now();
      profile = await quality.profile(actor, 'crm');
      profileTimes.push((performance.now() - p0) / 1000);
      log(`profile run ${i + 1}: ${profileTimes[i]!.toFixed(2)} s (load ${loadavg()[0]!.toFixed(1)})`);
    }
    const k0 = performance.now();
    const kpis = await quality.computeKpis(actor, {});
    const kpiSeconds = (performance.now() - k0) / 1000;
    log(`kpis: ${kpiSeconds.toFixed(2)} s (load ${loadavg()[0]!.toFixed(1)})`);
    const w0 = performance.now();
    await quality.records(actor, { limit: 100 });
    const worstMs = performance.now() - w0;
    const i0 = performance.now();
    // About 1 % of the generated e-mails are suspect (likely typos, disposable or role addresses); no phone is.
    const suspectEmail = await quality.records(actor, { attribute: 'email', status: 'suspect', limit: 100 });
    const issueMs = performance.now() - i0;
    log(`worst 100: ${worstMs.toFixed(0)} ms; suspect e-mail: ${issueMs.toFixed(0)} ms (${suspectEmail.items.length})`);

    const overall = kpis.find((k) => k.sourceId === null)!;
    const pct = (x: number | null) => (x === null ? '–' : `${(100 * x).toFixed(1)} %`);
    const median = [...profileTimes].sort((a, b) => a - b)[Math.floor(profileTimes.length / 2)]!;
    writeBenchSection(
      'quality',
      `## Data quality (\`npm run bench:quality\`)

${machineLine()}; PostgreSQL 15 ${process.env.CUSTODIAN_TEST_DATABASE_URL ? 'at CUSTODIAN_TEST_DATABASE_URL' : 'from startPostgres() (fsync off)'}, ${Number(records).toLocaleString()} generated US customers (5 % with injected errors), 13 attributes, \`source_records\` ${size}.

| Step | Figure |
| --- | --- |
${
  reused
    ? '| Loading | not measured: the database of an earlier run was reused |'
    : `| Records writer (validate + standardize + score + history + audit + search terms), batches of ${WRITER_BATCH.toLocaleString()} | ${Math.round(WRITER / writerSeconds).toLocaleString()} records/s (${WRITER.toLocaleString()} records) |
| Validation + standardization + scoring in JS only | ${Math.round(bulkRows / (assessMs / 1000)).toLocaleString()} records/s |
| Bulk load of the rest (JS + one set-based insert per ${BULK_BATCH.toLocaleString()}) | ${Math.round(bulkRows / bulkSeconds).toLocaleString()} records/s |`
}
| **\`profile(source)\`**, ${RUNS} runs | ${profileTimes.map((t) => `${t.toFixed(2)} s`).join(', ')} (median ${median.toFixed(2)} s; budget 10 s) |
| KPIs, all sources + overall (live) | ${kpiSeconds.toFixed(2)} s |
| Worst 100 records (\`quality_score\` btree) | ${worstMs.toFixed(0)} ms |
| Records with a suspect e-mail, first 100 (\`quality_issues\` GIN) | ${issueMs.toFixed(0)} ms |

Overall KPIs of the loaded data: ${overall.records.toLocaleString()} valid records, completeness ${pct(overall.completeness)}, validity ${pct(overall.validity)}, uniqueness ${pct(overall.uniqueness)}, freshness ${pct(overall.freshness)}.
${profile?.attributes.length ?? 0} attributes profiled; every figure is exact except the format patterns, which are sampled above 100,000 records (docs/quality.md). Load average at the end: ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores (other work on the box slows every figure).`,
    );
    log('wrote docs/benchmarks.md');
  } finally {
    await database.close();
    await pg.stop();
  }
}

await main();
