// `npm run bench:search`: the console's search box (GET /api/v1/customers?q=…) with 100,000 realistic customers
// (the seeded generator: names, e-mails, phones), on PostgreSQL and on PGlite, through a real server process.
// Target (issue 6): results as you type in ≤ 200 ms perceived.
// Usage: npm run bench:search [-- --customers 100000 --tier postgres|pglite|both --queries 300]
import { generateCustomers, type GeneratedCustomer } from '../src/devtools/generator/index.js';
import { foldName, phoneDigits } from '../src/modules/records/index.js';
import { Actor } from '../src/platform/auth/actor.js';
import type { Database } from '../src/platform/db/database.js';
import { createServices } from '../src/server/services.js';
import { machineLine, writeBenchSection } from './lib/bench-doc.js';
import { freePort, startServer, stopServer } from './lib/server.js';
import { openBenchTier } from './lib/tier.js';

type Tier = 'postgres' | 'pglite';
type Kind = 'name, 3 letters' | 'name, 6 letters' | 'full name' | 'name with a typo' | 'e-mail' | 'phone' | 'source key';
type Stats = { n: number; p50: number; p95: number; p99: number; max: number };
type Result = { tier: Tier; seedSeconds: number; byKind: Map<Kind, Stats>; serial: Stats; parallel: Stats; hitRate: number };

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i]!.replace(/^--/, ''), process.argv[i + 1] ?? '');
const CUSTOMERS = Number(args.get('customers') ?? 100_000);
const QUERIES = Number(args.get('queries') ?? 300);
const TIERS: Tier[] = args.get('tier') === 'postgres' ? ['postgres'] : args.get('tier') === 'pglite' ? ['pglite'] : ['postgres', 'pglite'];
const CHUNK = 5_000;

function log(msg: string): void {
  process.stderr.write(`[bench:search] ${msg}\n`);
}

function stats(ms: number[]): Stats {
  const s = [...ms].sort((a, b) => a - b);
  const at = (q: number) => Math.round(s[Math.min(s.length - 1, Math.floor(q * s.length))]! * 10) / 10;
  return { n: s.length, p50: at(0.5), p95: at(0.95), p99: at(0.99), max: Math.round(s[s.length - 1]! * 10) / 10 };
}

/** Seeds generated customers (one record each, with the search terms the writer would store), set-based. */
async function seed(database: Database): Promise<{ key: string; sample: GeneratedCustomer[] }> {
  const services = createServices(database, { sessionTtlHours: 1 }, { matchOnArrival: false });
  const admin = Actor.system('bench');
  const schema = await services.schemas.create(admin, {
    name: 'customer',
    definition: {
      attributes: [
        { name: 'first_name', type: 'text', required: true },
        { name: 'last_name', type: 'text' },
        { name: 'email', type: 'email' },
        { name: 'phone', type: 'phone', defaultRegion: 'US' },
        { name: 'city', type: 'text', privacy: 'public' },
      ],
    },
  });
  const source = await services.sources.create(admin, { name: 'pos', schema: 'customer', systemType: 'pos', trustRank: 60 });
  const sample: GeneratedCustomer[] = [];
  let chunk: GeneratedCustomer[] = [];
  let n = 0;
  const flush = async () => {
    const ids = chunk.map((_, i) => `cus_search${String(n - chunk.length + i + 1).padStart(16, '0')}`);
    const recs = ids.map((id) => id.replace('cus_', 'rec_'));
    const values = chunk.map((c) => JSON.stringify({ first_name: c.first_name, last_name: c.last_name, email: c.email, phone: c.phone, city: c.city }));
    const names = chunk.map((c) => `${c.first_name} ${c.last_name}`.trim());
    await database.raw('insert into customers (id, display_name) select * from unnest($1::text[], $2::text[])', [ids, names]);
    await database.raw(
      `insert into source_records (id, source_id, source_key, customer_id, schema_id, schema_version, status, raw, "values", extras, errors, version, created_by, updated_by)
       select r, $3, k, c, $4, 1, 'valid', v::jsonb, v::jsonb, '{}'::jsonb, '[]'::jsonb, 1, 'bench', 'bench'
       from unnest($1::text[], $2::text[], $5::text[], $6::text[]) as u(r, c, k, v)`,
      [recs, ids, source.id, schema.id, chunk.map((c) => c.customer_id), values],
    );
    const t = { rec: [] as string[], cus: [] as string[], kind: [] as string[], term: [] as string[] };
    chunk.forEach((c, i) => {
      const terms: [string, string][] = [['key', c.customer_id.toLowerCase()], ['name', foldName(names[i]!)]];
      if (c.email) terms.push(['email', c.email.toLowerCase()]);
      if (c.phone) terms.push(['phone', phoneDigits(c.phone)]);
      for (const [kind, term] of terms) {
        t.rec.push(recs[i]!);
        t.cus.push(ids[i]!);
        t.kind.push(kind);
        t.term.push(term);
      }
    });
    await database.raw('insert into customer_search_terms (record_id, customer_id, kind, term) select * from unnest($1::text[], $2::text[], $3::text[], $4::text[])', [t.rec, t.cus, t.kind, t.term]);
    chunk = [];
  };
  for (const c of generateCustomers({ count: CUSTOMERS, seed: 7, duplicateRate: 0.1, countries: ['US', 'GB'] })) {
    n += 1;
    chunk.push(c);
    // Every k-th customer is someone a person will look up.
    if (n % Math.max(1, Math.floor(CUSTOMERS / QUERIES)) === 0 && sample.length < QUERIES) sample.push(c);
    if (chunk.length === CHUNK) await flush();
  }
  if (chunk.length > 0) await flush();
  await database.raw('analyze');
  const key = (await services.governance.createApiKey(admin, { name: 'bench-agent', roles: ['agent'] })).key;
  return { key, sample };
}

function typo(s: string): string {
  // Swap two inner letters of the surname: what a hurried agent types.
  const i = Math.max(1, Math.floor(s.length / 2));
  return s.length < 4 ? s : s.slice(0, i - 1) + s[i] + s[i - 1] + s.slice(i + 1);
}

function queriesOf(c: GeneratedCustomer): [Kind, string, boolean][] {
  const full = `${c.first_name} ${c.last_name}`.trim();
  const out: [Kind, string, boolean][] = [
    ['name, 3 letters', full.slice(0, 3), false],
    ['name, 6 letters', full.slice(0, 6), false],
    ['full name', full, true],
    ['name with a typo', `${c.first_name} ${typo(c.last_name)}`, true],
    ['source key', c.customer_id, true],
  ];
  if (c.email) out.push(['e-mail', c.email, true]);
  if (c.phone) out.push(['phone', c.phone, true]);
  return out;
}

async function benchTier(tier: Tier): Promise<Result> {
  const { database, env, cleanup } = await openBenchTier(tier, { serverPoolSize: 10 });
  try {
    const t0 = Date.now();
    log(`${tier}: seeding ${CUSTOMERS.toLocaleString()} generated customers`);
    const { key, sample } = await seed(database);
    const seedSeconds = (Date.now() - t0) / 1000;
    await database.close();
    const port = await freePort();
    const server = await startServer(env, port);
    try {
      const search = async (q: string): Promise<{ ms: number; ids: string[] }> => {
        const t = performance.now();
        const res = await fetch(`http://127.0.0.1:${port}/api/v1/customers?q=${encodeURIComponent(q)}&limit=20`, { headers: { authorization: `Bearer ${key}` } });
        const body = (await res.json()) as { items?: { id: string; displayName: string | null }[] };
        const ms = performance.now() - t;
        if (!res.ok) throw new Error(`search ${q}: ${res.status} ${JSON.stringify(body)}`);
        return { ms, ids: (body.items ?? []).map((i) => i.displayName ?? '') };
      };
      const all = sample.flatMap((c) => queriesOf(c).map(([kind, q, mustFind]) => ({ kind, q, mustFind, name: `${c.first_name} ${c.last_name}`.trim() })));
      for (const x of all.slice(0, 50)) await search(x.q); // warm-up
      log(`${tier}: ${all.length} searches one after another`);
      const byKindMs = new Map<Kind, number[]>();
      let found = 0;
      let mustFind = 0;
      const serialMs: number[] = [];
      for (const x of all) {
        const r = await search(x.q);
        serialMs.push(r.ms);
        byKindMs.set(x.kind, [...(byKindMs.get(x.kind) ?? []), r.ms]);
        if (x.mustFind) {
          mustFind += 1;
          if (r.ids.includes(x.name)) found += 1;
        }
      }
      log(`${tier}: the same searches from 4 agents at once`);
      const parallelMs: number[] = [];
      let next = 0;
      await Promise.all(
        Array.from({ length: 4 }, async () => {
          while (next < all.length) parallelMs.push((await search(all[next++]!.q)).ms);
        }),
      );
      return { tier, seedSeconds, byKind: new Map([...byKindMs].map(([k, v]) => [k, stats(v)])), serial: stats(serialMs), parallel: stats(parallelMs), hitRate: found / Math.max(1, mustFind) };
    } finally {
      await stopServer(server);
    }
  } finally {
    await database.close().catch(() => undefined);
    await cleanup();
  }
}

const results: Result[] = [];
for (const tier of TIERS) results.push(await benchTier(tier));
const kinds = [...results[0]!.byKind.keys()];
const lines = [
  '## Customer search as you type (issue 6): `npm run bench:search`',
  '',
  `Machine: ${machineLine()}. ${CUSTOMERS.toLocaleString()} generated customers (seeded generator: US and GB names, e-mails, phones), one record each with the search terms the writer stores; server \`node dist/src/cli/main.js serve\`, PostgreSQL 15 (fsync on) over loopback TCP, or PGlite. Each query is \`GET /api/v1/customers?q=…&limit=20\` with an \`agent\` key, timed in the client (request to parsed JSON), for ${QUERIES} looked-up customers × 5–7 spellings. "Found" = the customer is in the first 20 results for the full name, the name with a typo, the e-mail, the phone and the source key. Target: ≤ 200 ms perceived.`,
  '',
  `| query | ${results.map((r) => `${r.tier} p50 / p95 / p99 ms`).join(' | ')} |`,
  `| --- | ${results.map(() => '---').join(' | ')} |`,
  ...kinds.map((k) => `| ${k} | ${results.map((r) => { const s = r.byKind.get(k)!; return `${s.p50} / ${s.p95} / ${s.p99}`; }).join(' | ')} |`),
  `| **all, one agent** | ${results.map((r) => `**${r.serial.p50} / ${r.serial.p95} / ${r.serial.p99}** (max ${r.serial.max})`).join(' | ')} |`,
  `| all, 4 agents at once | ${results.map((r) => `${r.parallel.p50} / ${r.parallel.p95} / ${r.parallel.p99} (max ${r.parallel.max})`).join(' | ')} |`,
  `| found in top 20 | ${results.map((r) => `${(r.hitRate * 100).toFixed(1)} %`).join(' | ')} |`,
  '',
  `Seeding (not measured): ${results.map((r) => `${r.tier} ${r.seedSeconds.toFixed(0)} s`).join(', ')}.`,
];
if (args.get('doc') !== 'false') writeBenchSection('search', lines.join('\n'));
process.stdout.write(`${lines.join('\n')}\n`);
process.exit(0);
