// `npm run bench:api`: autocannon against a real server process, on PostgreSQL and on PGlite.
// (a) GET one customer by id with N customers stored, (b) POST one source record.
// Usage: npm run bench:api [-- --customers 1000000 --duration 20 --tier postgres|pglite|both --cases get,post]
// (--cases get: iterate on the read path without the write phase; the docs section is only written for both.)
// --post-data generated (default): each POST is a row of the project's customer generator (GB people with real
// name, e-mail and phone distributions; a fifth are returning customers, i.e. variants of an earlier POST, that
// match on arrival links or sends to review), like real traffic; --post-data same: every POST has the same surname
// and birth date (the bench until session 4), so all writes share one arrival lock key.
// BENCH_POST_VARIANTS="A=1 B=2;A=2" repeats the POST case once per variant, restarting the server with those
// extra environment variables each time (alternating old and new settings in one run); POST_DATA=generated|same
// in a variant sets the POST data instead, CONNECTIONS=n the POST case's client connections (default 32 on
// PostgreSQL, 8 on PGlite), and BENCH_SERVER_DIST=/path/to/other/dist runs another build (an
// older commit's, built in a git worktree) to compare code in one run. PG.name=value in a variant (PostgreSQL) sets a
// server setting that takes effect on reload (ALTER SYSTEM, then pg_reload_conf(); e.g. the background writer's) for
// that case, and a variant without it resets it. Each POST case continues the same POST
// stream, so a later variant meets more of the run's earlier POSTs in the match index: compare neighbours only.
// --seed-data generated (default) | synthetic: who the stored customers are (see SEED_DATA below).
// --pg-statements N (PostgreSQL): after each POST case, the N statements that took PostgreSQL the most time in it
// (pg_stat_statements, loaded for the run), to see where the database's share of a write goes.
// --pg-settings "shared_buffers=2GB,work_mem=8MB" (PostgreSQL): server settings for the run, on top of the harness's.
import autocannon from 'autocannon';
import pg from 'pg';
import { generateCustomers } from '../src/devtools/generator/index.js';
import { displayNameOf, searchTermsOf } from '../src/modules/records/search-terms.js';
import { validateCompiled } from '../src/modules/schemas/index.js';
import { Actor } from '../src/platform/auth/actor.js';
import type { Database } from '../src/platform/db/database.js';
import { createServices } from '../src/server/services.js';
import { machineLine, writeBenchSection } from './lib/bench-doc.js';
import { API_BENCH_SCHEMA, apiBenchRow } from './lib/generated-schema.js';
import { parentPid, postgresCpuSeconds, processCpuSeconds } from './lib/cpu.js';
import { freePort, startServer, stopServer } from './lib/server.js';
import { openBenchTier } from './lib/tier.js';

type Tier = 'postgres' | 'pglite';
type Result = { tier: Tier; customers: number; seedSeconds: number; indexSeconds: number; get?: autocannon.Result; post?: autocannon.Result; postConnections: number };
let indexSeconds = 0;
/** Client connections per tier (a POST variant may set others with CONNECTIONS=n). */
const CLIENTS: Record<Tier, number> = { postgres: 32, pglite: 8 };
// POST keys and values count on across runs and variants, so every POST creates a new record.
let postSeq = 0;

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i]!.replace(/^--/, ''), process.argv[i + 1] ?? '');
const CUSTOMERS = Number(args.get('customers') ?? 1_000_000);
const DURATION = Number(args.get('duration') ?? 20);
const TIERS: Tier[] = args.get('tier') === 'postgres' ? ['postgres'] : args.get('tier') === 'pglite' ? ['pglite'] : ['postgres', 'pglite'];
const CHUNK = 100_000;
const SOCKET = args.get('socket') === 'true';
const CASES = new Set((args.get('cases') ?? 'get,post').split(','));
// --seed-data generated (default): the stored customers are people of the project's generator (another seed than
// the POSTs; GB names, e-mails, phones and birth dates as the real distributions give them), so new POSTs meet
// realistic candidate blocks in the match index; synthetic (the bench until session 5): "Given<n> Family<n % 5000>",
// whom no generated POST resembles, so match on arrival only ever met the run's own earlier POSTs.
type SeedData = 'generated' | 'synthetic';
const SEED_DATA: SeedData = args.get('seed-data') === 'synthetic' ? 'synthetic' : 'generated';
type PostData = 'generated' | 'same';
const postDataOf = (v: string | undefined): PostData => (v === 'same' ? v : 'generated');
let POST_DATA = postDataOf(args.get('post-data'));
let generated: Record<string, string>[] | null = null;

/** Generated POST rows, made once, before the first POST clock starts (enough for 20 s at 20,000 req/s). */
function generatedRows(): Record<string, string>[] {
  generated ??= [...generateCustomers({ count: 400_000, seed: 5, countries: ['GB'], duplicateRate: 0.2 })].map(apiBenchRow);
  return generated;
}
const PG_STATEMENTS = Number(args.get('pg-statements') ?? 0);
const PG_SETTINGS: Record<string, string> = Object.fromEntries(
  (args.get('pg-settings') ?? '')
    .split(',')
    .filter(Boolean)
    .map((kv) => [kv.slice(0, kv.indexOf('=')).trim(), kv.slice(kv.indexOf('=') + 1).trim()]),
);
const VARIANTS = (process.env.BENCH_POST_VARIANTS ?? '')
  .split(';')
  .map((v) => v.trim())
  .filter(Boolean)
  // Split at the first '=' only: a value may hold one itself (BENCH_SERVER_NODE_ARGS=--flag=value).
  .map((v) => Object.fromEntries(v.split(/\s+/).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)] as [string, string])));

function log(msg: string): void {
  process.stderr.write(`[bench:api] ${msg}\n`);
}

/** Seeds N customers, each with one valid source record and its search terms, set-based in chunks. */
async function seed(database: Database, n: number): Promise<{ getKey: string; postKey: string; sampleIds: string[] }> {
  const services = createServices(database, { sessionTtlHours: 1 });
  const admin = Actor.system('bench');
  const schema = await services.schemas.create(admin, { name: 'customer', definition: API_BENCH_SCHEMA });
  const source = await services.sources.create(admin, { name: 'pos', schema: 'customer', systemType: 'pos', trustRank: 60 });
  const t0 = Date.now();
  if (SEED_DATA === 'generated') await seedGenerated(database, services, source.id, schema.id, n, t0);
  for (let from = 1; SEED_DATA === 'synthetic' && from <= n; from += CHUNK) {
    const to = Math.min(n, from + CHUNK - 1);
    const ids = `'cus_bench' || lpad(g::text, 17, '0')`;
    const rec = `'rec_bench' || lpad(g::text, 17, '0')`;
    await database.raw(`insert into customers (id, display_name) select ${ids}, 'Given' || g || ' Family' || (g % 5000) from generate_series(${from}, ${to}) g`);
    await database.raw(
      `insert into source_records (id, source_id, source_key, customer_id, schema_id, schema_version, status, raw, "values", extras, errors, version, created_by, updated_by)
       select ${rec}, $1, 'K' || g, ${ids}, $2, 1, 'valid', v, v, '{}'::jsonb, '[]'::jsonb, 1, 'bench', 'bench'
       from (select g, jsonb_build_object('first_name', 'Given' || g, 'last_name', 'Family' || (g % 5000), 'email', 'user' || g || '@example.com',
                                          'phone', '+4479' || lpad((g % 100000000)::text, 8, '0'), 'date_of_birth', '1980-01-01', 'city', 'London') v
             from generate_series(${from}, ${to}) g) s`,
      [source.id, schema.id],
    );
    await database.raw(
      `insert into source_record_versions (record_id, version, change_kind, status, schema_version, raw, "values", errors, changed_by)
       select id, 1, 'create', 'valid', 1, raw, "values", errors, 'bench' from source_records where id between 'rec_bench' || lpad('${from}', 17, '0') and 'rec_bench' || lpad('${to}', 17, '0')`,
    );
    await database.raw(
      `insert into customer_search_terms (record_id, customer_id, kind, term)
       select ${rec}, ${ids}, k.kind, case k.kind when 'name' then 'given' || g || ' family' || (g % 5000) when 'email' then 'user' || g || '@example.com' else 'k' || g end
       from generate_series(${from}, ${to}) g cross join (values ('name'), ('email'), ('key')) k(kind)`,
    );
    log(`seeded ${to.toLocaleString()} / ${n.toLocaleString()} customers (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
  }
  await database.raw('analyze');
  // The seed's dirty pages are written out now rather than by a checkpoint during the measurement.
  await database.raw('checkpoint');
  const getKey = (await services.governance.createApiKey(admin, { name: 'bench-agent', roles: ['agent'] })).key;
  const postKey = (await services.governance.createApiKey(admin, { name: 'bench-steward', roles: ['steward'] })).key;
  await services.audit.seal();
  const sampleIds = Array.from({ length: 10_000 }, (_, i) => `cus_bench${String(1 + Math.floor(((i * 7919) % 10_000) * (n / 10_000))).padStart(17, '0')}`);
  return { getKey, postKey, sampleIds };
}

/**
 * The stored customers as generated people: validated as a write would (values as stored: phones in E.164, …),
 * one record and one customer each, with the search terms and display name the writer gives them; set-based.
 */
async function seedGenerated(database: Database, services: ReturnType<typeof createServices>, sourceId: string, schemaId: string, n: number, t0: number): Promise<void> {
  const { compiled, definition } = await services.schemas.currentVersionOf(schemaId);
  const people = generateCustomers({ count: Math.ceil(n * 1.05), seed: 9, countries: ['GB'], duplicateRate: 0 })[Symbol.iterator]();
  const id = (prefix: string, g: number) => `${prefix}${String(g).padStart(17, '0')}`;
  for (let from = 1; from <= n; from += CHUNK) {
    const to = Math.min(n, from + CHUNK - 1);
    const recs: { rid: string; cid: string; key: string; raw: Record<string, string>; vals: Record<string, unknown>; name: string | null }[] = [];
    const terms: { rid: string; cid: string; kind: string; term: string }[] = [];
    for (let g = from; g <= to; ) {
      const next = people.next();
      if (next.done) throw new Error('the generator ran out of people');
      const raw = apiBenchRow(next.value);
      const v = validateCompiled(compiled, raw);
      if (!v.ok) continue;
      const rec = { rid: id('rec_bench', g), cid: id('cus_bench', g), key: `K${g}`, raw, vals: v.values, name: displayNameOf(definition, v.values) };
      recs.push(rec);
      for (const t of searchTermsOf(definition, v.values, rec.key)) terms.push({ rid: rec.rid, cid: rec.cid, kind: t.kind, term: t.term });
      g += 1;
    }
    const doc = JSON.stringify(recs);
    await database.raw(`insert into customers (id, display_name) select u.cid, u.name from jsonb_to_recordset($1::jsonb) as u(cid text, name text)`, [doc]);
    await database.raw(
      `insert into source_records (id, source_id, source_key, customer_id, schema_id, schema_version, status, raw, "values", extras, errors, version, created_by, updated_by)
       select u.rid, $2, u.key, u.cid, $3, 1, 'valid', u.raw, u.vals, '{}'::jsonb, '[]'::jsonb, 1, 'bench', 'bench'
       from jsonb_to_recordset($1::jsonb) as u(rid text, cid text, key text, raw jsonb, vals jsonb)`,
      [doc, sourceId, schemaId],
    );
    await database.raw(
      `insert into source_record_versions (record_id, version, change_kind, status, schema_version, raw, "values", errors, changed_by)
       select id, 1, 'create', 'valid', 1, raw, "values", errors, 'bench' from source_records where id between '${id('rec_bench', from)}' and '${id('rec_bench', to)}'`,
    );
    await database.raw(
      `insert into customer_search_terms (record_id, customer_id, kind, term) select u.rid, u.cid, u.kind, u.term from jsonb_to_recordset($1::jsonb) as u(rid text, cid text, kind text, term text)`,
      [JSON.stringify(terms)],
    );
    log(`seeded ${to.toLocaleString()} / ${n.toLocaleString()} generated customers (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
  }
}

// Server settings the POST variants name (PG.name=value): each case gets its own and the others' defaults back.
const PG_VARIANT_KEYS = [...new Set(VARIANTS.flatMap((v) => Object.keys(v).filter((k) => k.startsWith('PG.')).map((k) => k.slice(3))))];
async function applyPgVariant(url: string, variant: Record<string, string>): Promise<void> {
  if (PG_VARIANT_KEYS.length === 0) return;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (const key of PG_VARIANT_KEYS) {
      if (!/^[a-z_.]+$/.test(key)) throw new Error(`not a setting name: ${key}`);
      const value = variant[`PG.${key}`];
      await client.query(value === undefined ? `alter system reset ${key}` : `alter system set ${key} = ${client.escapeLiteral(value)}`);
    }
    await client.query('select pg_reload_conf()');
  } finally {
    await client.end();
  }
}

function run(opts: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon(opts, (err, res) => (err ? reject(err) : resolve(res)));
  });
}

async function benchTier(tier: Tier): Promise<Result> {
  const statements = tier === 'postgres' && PG_STATEMENTS > 0;
  const { database, env, cleanup } = await openBenchTier(tier, {
    serverPoolSize: 20,
    socket: SOCKET,
    pgSettings: { ...PG_SETTINGS, ...(statements ? { shared_preload_libraries: 'pg_stat_statements', 'pg_stat_statements.track': 'all' } : {}) },
  });
  try {
    const t0 = Date.now();
    log(`${tier}: seeding ${CUSTOMERS.toLocaleString()} customers`);
    const { getKey, postKey, sampleIds } = await seed(database, CUSTOMERS);
    const seedSeconds = (Date.now() - t0) / 1000;
    if (statements) await database.raw('create extension if not exists pg_stat_statements');
    // CPU per POST request is read from /proc for the server process and the PostgreSQL server.
    const postmaster = tier === 'postgres' ? parentPid(Number((await database.raw<{ pid: number }>('select pg_backend_pid() as pid'))[0]!.pid)) : 0;
    // Kept open for the statement statistics only (nothing else runs through it during a case).
    if (!statements) await database.close();
    const port = await freePort();
    let server = await startServer(env, port);
    try {
      const base = `http://127.0.0.1:${port}`;
      const connections = CLIENTS[tier];
      let postConnections = connections;
      let i = 0;
      log(`${tier}: warm-up`);
      await run({ url: base, connections, duration: 3, requests: [{ method: 'GET', path: `/api/v1/customers/${sampleIds[0]}` }], headers: { authorization: `Bearer ${getKey}` } });
      // The first write builds the warm match index over the stored records; a running server pays that once.
      if (CASES.has('post')) await firstWrite('WARM-0');
      const get = CASES.has('get') ? await runGet() : undefined;
      let post: autocannon.Result | undefined;
      if (CASES.has('post') && VARIANTS.length === 0) post = await runPost();
      for (const [n, variant] of (CASES.has('post') ? VARIANTS : []).entries()) {
        await stopServer(server);
        // POST_DATA and CONNECTIONS in a variant switch the bench's data and load, not the server's environment.
        const { POST_DATA: data, CONNECTIONS: clients, ...rest } = variant;
        const serverEnv = Object.fromEntries(Object.entries(rest).filter(([k]) => !k.startsWith('PG.')));
        if (tier === 'postgres') await applyPgVariant(env.DATABASE_URL!, variant);
        if (data) POST_DATA = postDataOf(data);
        postConnections = clients ? Number(clients) : connections;
        server = await startServer({ ...env, ...serverEnv }, port);
        await firstWrite(`WARM-${n + 1}`);
        post = await runPost();
        log(`${tier} POST with ${JSON.stringify(variant)}: ${Math.round(post.requests.average)} req/s, p50 ${post.latency.p50} ms, p99 ${post.latency.p99} ms, ${post.non2xx + post.errors} errors`);
      }
      for (const [name, r] of [['GET', get], ['POST', post]] as const) {
        if (r) log(`${tier} ${name}: ${Math.round(r.requests.average)} req/s, p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms, ${r.non2xx + r.errors} errors`);
      }
      // The POST figure is the last case's, with that case's connections.
      return { tier, customers: CUSTOMERS, seedSeconds, indexSeconds, get, post, postConnections };

      async function firstWrite(key: string): Promise<void> {
        log(`${tier}: first write (builds the match index over ${CUSTOMERS.toLocaleString()} records)`);
        const tw = Date.now();
        const first = await fetch(`${base}/api/v1/records`, {
          method: 'POST',
          headers: { authorization: `Bearer ${postKey}`, 'content-type': 'application/json' },
          body: JSON.stringify({ source: 'pos', key, values: { first_name: 'Warm', last_name: 'Up', email: `${key.toLowerCase()}@example.org` } }),
          signal: AbortSignal.timeout(900_000),
        });
        indexSeconds = (Date.now() - tw) / 1000;
        log(`${tier}: first write ${first.status} after ${indexSeconds.toFixed(1)} s`);
      }

      async function runGet(): Promise<autocannon.Result> {
        log(`${tier}: GET customer by id for ${DURATION} s`);
        return run({
          url: base,
          connections,
          duration: DURATION,
          headers: { authorization: `Bearer ${getKey}` },
          requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: `/api/v1/customers/${sampleIds[i++ % sampleIds.length]}` }) }],
        });
      }

      async function runPost(): Promise<autocannon.Result> {
        log(`${tier}: POST record (${POST_DATA} data, ${postConnections} connections) for ${DURATION} s`);
        // Made before the clock (and the CPU counters) start.
        const rows = POST_DATA === 'generated' ? generatedRows() : [];
        if (statements) await database.raw('select pg_stat_statements_reset()');
        const cpu0 = { server: processCpuSeconds(server.pid!), pg: postmaster ? postgresCpuSeconds(postmaster) : 0, bench: process.cpuUsage() };
        const res = await postLoad(rows);
        const n = res.requests.total;
        const ms = (s: number): string => ((s * 1000) / Math.max(1, n)).toFixed(3);
        const bench = process.cpuUsage(cpu0.bench);
        log(
          `${tier}: CPU per POST: server ${ms(processCpuSeconds(server.pid!) - cpu0.server)} ms, PostgreSQL ${postmaster ? ms(postgresCpuSeconds(postmaster) - cpu0.pg) : '—'} ms, load generator ${ms((bench.user + bench.system) / 1e6)} ms (${n} requests)`,
        );
        if (statements) await logStatements(n);
        return res;
      }

      async function logStatements(posts: number): Promise<void> {
        const top = await database.raw<{ query: string; calls: string; total: number; rows: string }>(
          `select query, calls, total_exec_time as total, rows from pg_stat_statements where query not like '%pg_stat_statements%'
           order by total_exec_time desc limit ${PG_STATEMENTS}`,
        );
        log(`${tier}: statements by PostgreSQL execution time in the POST case (ms per POST, calls per POST, rows per call):`);
        for (const t of top) {
          const calls = Number(t.calls);
          log(`  ${(t.total / posts).toFixed(3)} ms  ${(calls / posts).toFixed(3)} calls  ${(Number(t.rows) / Math.max(1, calls)).toFixed(1)} rows  ${t.query.replace(/\s+/g, ' ').slice(0, 160)}`);
        }
      }

      function postLoad(rows: Record<string, string>[]): Promise<autocannon.Result> {
        return run({
          url: base,
          connections: postConnections,
          duration: DURATION,
          headers: { authorization: `Bearer ${postKey}`, 'content-type': 'application/json' },
          requests: [
            {
              method: 'POST',
              path: '/api/v1/records',
              setupRequest: (req) => {
                const k = ++postSeq;
                const values =
                  POST_DATA === 'generated'
                    ? rows[(k - 1) % rows.length]!
                    : { first_name: `New${k}`, last_name: 'Person', email: `new${k}@example.org`, phone: `07911 ${String(k % 1000000).padStart(6, '0')}`, date_of_birth: '1990-05-17', city: 'Leeds' };
                return {
                  ...req,
                  body: JSON.stringify({
                    source: 'pos',
                    key: `N${k}-${process.pid}`,
                    values,
                  }),
                };
              },
            },
          ],
        });
      }
    } finally {
      await stopServer(server);
    }
  } finally {
    await database.close().catch(() => undefined);
    await cleanup();
  }
}

function row(r: Result, name: 'GET' | 'POST', res: autocannon.Result | undefined, target: string): string[] {
  if (!res) return [];
  return [
    `| ${r.tier} | ${name === 'GET' ? 'GET /api/v1/customers/{id}' : 'POST /api/v1/records'} | ${r.customers.toLocaleString()} | ${Math.round(res.requests.average).toLocaleString()} | ${res.latency.p50} | ${res.latency.p99} | ${res.non2xx + res.errors} | ${target} |`,
  ];
}

const results: Result[] = [];
for (const tier of TIERS) results.push(await benchTier(tier));
const lines = [
  '## API (issue 2): `npm run bench:api`',
  '',
  `Machine: ${machineLine()}. Stored customers: ${SEED_DATA === "generated" ? "generated people (the project's generator, GB)" : "synthetic (Given<n> Family<n % 5000>)"}. Server: \`node dist/src/cli/main.js serve\` (one process); load: autocannon in the bench process on the same machine, ${DURATION} s per case after a 3 s warm-up; PostgreSQL 15 with default durability (fsync on), ${Object.entries({ shared_buffers: '128MB', ...PG_SETTINGS }).map(([k, v]) => `${k} ${v}`).join(', ')}; client connections: ${results.map((r) => `${r.tier} GET ${CLIENTS[r.tier]}, POST ${r.postConnections}`).join('; ')}. GET uses an \`agent\` API key (personal data visible, sensitive masked); POST uses a \`steward\` key and writes a new record (validation, customer, version, search terms, audit entry, events) per request.`,
  '',
  '| tier | request | customers stored | req/s (mean) | p50 ms | p99 ms | errors | target |',
  '| --- | --- | --- | --- | --- | --- | --- | --- |',
  ...results.flatMap((r) => [
    ...row(r, 'GET', r.get, r.tier === 'postgres' ? '≥ 3,000 req/s, p99 ≤ 20 ms' : '≥ 800 req/s'),
    ...row(r, 'POST', r.post, r.tier === 'postgres' ? '≥ 1,000 req/s' : '—'),
  ]),
  '',
  `Seeding (set-based SQL, not part of the measurement): ${results.map((r) => `${r.tier} ${r.seedSeconds.toFixed(0)} s`).join(', ')}. First write after start-up (builds the warm match index over the stored records, not part of the measurement): ${results.map((r) => `${r.tier} ${r.indexSeconds.toFixed(0)} s`).join(', ')}.`,
];
if (CASES.has('post') && CASES.has('get') && args.get('doc') !== 'false') writeBenchSection('api', lines.join('\n'));
process.stdout.write(`${lines.join('\n')}\n`);
process.exit(0);
