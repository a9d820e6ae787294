// `npm run bench:consent`: the consent check API on PostgreSQL with N customers holding consents.
// Measures GET /api/v1/consent/check through HTTP (autocannon against a separate server process) and the
// service call alone. Usage: npm run bench:consent [-- --customers 1000000 --duration 20]
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { loadavg } from 'node:os';
import autocannon from 'autocannon';
import { Actor } from '../src/platform/auth/actor.js';
import { migrateDatabase, openDatabase, type Database } from '../src/platform/db/database.js';
import { buildApp } from '../src/server/app.js';
import { createServices } from '../src/server/services.js';
import { createConsentServices, registerConsentRoutes } from '../src/modules/consent/index.js';
import { registerPortalRoutes } from '../src/modules/portal/portal.routes.js';
import { startPostgres } from '../test/support/postgres-server.js';
import { machineLine, writeBenchSection } from './lib/bench-doc.js';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i]!.replace(/^--/, ''), process.argv[i + 1] ?? '');
const CUSTOMERS = Number(args.get('customers') ?? 1_000_000);
const DURATION = Number(args.get('duration') ?? 20);
const CHUNK = 250_000;

function log(msg: string): void {
  process.stderr.write(`[bench:consent] ${msg}\n`);
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (typeof a === 'object' && a ? resolve(a.port) : reject(new Error('no port'))));
    });
  });
}

const cid = (g: string): string => `'cus_bench' || lpad(${g}::text, 17, '0')`;

/** N customers; each has an e-mail consent (70% granted, 20% withdrawn, 10% expired) and half an SMS one. */
async function seed(database: Database): Promise<{ key: string; purposeId: string }> {
  const services = createServices(database, { sessionTtlHours: 1 });
  const cs = createConsentServices(services);
  const admin = Actor.system('bench');
  const purpose = await cs.consent.createPurpose(admin, { key: 'email_marketing', name: 'E-mail offers', noticeText: 'Offers by e-mail.', channels: ['email', 'sms'] });
  const t0 = Date.now();
  for (let from = 1; from <= CUSTOMERS; from += CHUNK) {
    const to = Math.min(CUSTOMERS, from + CHUNK - 1);
    await database.raw(`insert into customers (id, display_name) select ${cid('g')}, 'Bench ' || g from generate_series(${from}, ${to}) g`);
    const status = `case when g % 10 < 7 then 'granted' when g % 10 < 9 then 'withdrawn' else 'granted' end`;
    const validUntil = `case when g % 10 = 9 then now() - interval '1 day' else null end`;
    await database.raw(
      `insert into consent_events (id, customer_id, purpose_id, channel, status, lawful_basis, notice_version, captured_at, valid_until, source, actor_type, actor_id, proof)
       select 'cev_bench' || lpad(g::text, 17, '0') || ch, ${cid('g')}, $1, ch, ${status}, 'consent', 1, now() - interval '30 days', ${validUntil}, 'import', 'system', 'bench', '{}'::jsonb
       from generate_series(${from}, ${to}) g cross join (values ('email'), ('sms')) c(ch) where ch = 'email' or g % 2 = 0`,
      [purpose.id],
    );
    await database.raw(
      `insert into consent_state (customer_id, purpose_id, channel, status, event_id, event_seq, lawful_basis, notice_version, captured_at, valid_until)
       select customer_id, purpose_id, channel, status, id, seq, lawful_basis, notice_version, captured_at, valid_until
       from consent_events where id between 'cev_bench' || lpad('${from}', 17, '0') and 'cev_bench' || lpad('${to}', 17, '0') || 'z'`,
    );
    log(`seeded ${to.toLocaleString()} / ${CUSTOMERS.toLocaleString()} customers (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
  }
  await database.raw('analyze');
  const key = (await services.governance.createApiKey(admin, { name: 'bench-agent', roles: ['agent'] })).key;
  await services.audit.seal();
  return { key, purposeId: purpose.id };
}

function sample(i: number): { customer: string; channel: string } {
  const g = 1 + ((i * 7919) % CUSTOMERS);
  return { customer: `cus_bench${String(g).padStart(17, '0')}`, channel: i % 3 === 0 ? 'sms' : 'email' };
}

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function startServer(url: string, port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/consent.bench.ts', '--serve', String(port)], { env: { ...process.env, DATABASE_URL: url }, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited: ${err}`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/ready`)).ok) return child;
    } catch {
      // not yet listening
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  child.kill('SIGKILL');
  throw new Error(`server did not start: ${err}`);
}

function run(opts: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon(opts, (err, res) => (err ? reject(err) : resolve(res)));
  });
}

async function main(): Promise<void> {
  const pg = await startPostgres({ durable: true });
  if (!pg) throw new Error('no PostgreSQL server binaries found');
  let server: ChildProcess | null = null;
  try {
    const database = await openDatabase({ databaseUrl: pg.url, poolSize: 4 });
    await migrateDatabase(database);
    const t0 = Date.now();
    log(`seeding ${CUSTOMERS.toLocaleString()} customers`);
    const { key } = await seed(database);
    const seedSeconds = (Date.now() - t0) / 1000;

    // The service call alone, sequentially (one connection's latency, no HTTP).
    const cs = createConsentServices(createServices(database, { sessionTtlHours: 1 }));
    const actor = Actor.system('bench');
    for (let i = 0; i < 500; i++) await cs.consent.check(actor, sample(i).customer, 'email_marketing', sample(i).channel);
    const lat: number[] = [];
    const reasons = new Map<string, number>();
    for (let i = 0; i < 20_000; i++) {
      const s = sample(i + 1000);
      const t = process.hrtime.bigint();
      const r = await cs.consent.check(actor, s.customer, 'email_marketing', s.channel);
      lat.push(Number(process.hrtime.bigint() - t) / 1e6);
      reasons.set(r.reason, (reasons.get(r.reason) ?? 0) + 1);
    }
    lat.sort((a, b) => a - b);
    const explain = await database.raw<{ 'QUERY PLAN': string }>(
      `explain select * from consent_state where customer_id = $1 and purpose_id = (select id from consent_purposes limit 1) and channel = 'email'`,
      [sample(1).customer],
    );
    await database.close();

    const port = await freePort();
    server = await startServer(pg.url, port);
    const base = `http://127.0.0.1:${port}`;
    let i = 0;
    const path = (): string => {
      const s = sample(i++);
      return `/api/v1/consent/check?customer=${s.customer}&purpose=email_marketing&channel=${s.channel}`;
    };
    log('HTTP warm-up');
    await run({ url: base, connections: 16, duration: 3, headers: { authorization: `Bearer ${key}` }, requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: path() }) }] });
    const results: { connections: number; res: autocannon.Result }[] = [];
    for (const connections of [1, 16]) {
      log(`HTTP ${connections} connection(s) for ${DURATION} s`);
      results.push({ connections, res: await run({ url: base, connections, duration: DURATION, headers: { authorization: `Bearer ${key}` }, requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: path() }) }] }) });
    }
    const lines = [
      '## Consent check (issue 7): `npm run bench:consent`',
      '',
      `Machine: ${machineLine()}. PostgreSQL 15 with default durability on the same machine; ${CUSTOMERS.toLocaleString()} customers, ${Math.round(CUSTOMERS * 1.5).toLocaleString()} consent states and as many ledger events (set-based seeding, ${seedSeconds.toFixed(0)} s, not measured). The check is one primary-key lookup of \`consent_state\` (maintained in the same transaction as each ledger event) plus restriction/erasure flags in the same statement; purposes come from a 5-second in-process cache. Requests use an \`agent\` API key (authentication included). Target: p99 ≤ 5 ms. Load average during the run: ${loadavg().map((l) => l.toFixed(1)).join(' / ')} (1/5/15 min) — on a shared machine the tail measures contention as much as the check.`,
      '',
      '| measurement | requests | req/s (mean) | p50 ms | p99 ms | errors |',
      '| --- | --- | --- | --- | --- | --- |',
      `| service call \`ConsentService.check\` (sequential, no HTTP) | ${lat.length.toLocaleString()} | ${Math.round(1000 / (lat.reduce((a, b) => a + b, 0) / lat.length)).toLocaleString()} | ${pct(lat, 50).toFixed(2)} | ${pct(lat, 99).toFixed(2)} | 0 |`,
      ...results.map(({ connections, res }) => `| HTTP \`GET /api/v1/consent/check\`, ${connections} connection${connections > 1 ? 's' : ''} (separate server process) | ${res.requests.total.toLocaleString()} | ${Math.round(res.requests.average).toLocaleString()} | ${res.latency.p50} | ${res.latency.p99} | ${res.non2xx + res.errors} |`),
      '',
      `Answers in the sample: ${[...reasons.entries()].map(([k, v]) => `${k} ${Math.round((v / lat.length) * 100)}%`).join(', ')}. Plan of the state lookup: \`${explain.map((r) => r['QUERY PLAN'].trim()).join(' ')}\`.`,
    ];
    writeBenchSection('consent', lines.join('\n'));
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    if (server && server.exitCode === null) server.kill('SIGTERM');
    await pg.stop();
  }
  process.exit(0);
}

// Server mode: the child process serving the API with the consent routes registered.
if (args.has('serve')) {
  const services = createServices(await openDatabase({ databaseUrl: process.env.DATABASE_URL!, poolSize: 20 }), { sessionTtlHours: 1 });
  const app = await buildApp(services, { logLevel: 'warn' });
  const cs = createConsentServices(services);
  registerConsentRoutes(app, cs);
  registerPortalRoutes(app, cs.portal);
  await app.listen({ port: Number(args.get('serve')), host: '127.0.0.1' });
} else {
  await main();
}
