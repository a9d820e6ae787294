// `npm run bench:ingest`: generates seeded customer CSVs (5 % messy values, 20 % duplicates) and imports
// them through the ingest service into PostgreSQL and PGlite, each import in a child process so its peak
// RSS is its own. Writes the figures between the bench:ingest markers of docs/benchmarks.md.
// BENCH_ROWS (default 1,000,000) and BENCH_PGLITE_ROWS (default 200,000) size the runs; DATABASE_URL
// uses an existing server instead of a throwaway one.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeCustomersCsv } from '../src/devtools/generator/index.js';
import { createIngestService } from '../src/modules/ingest/index.js';
import { Actor } from '../src/platform/auth/actor.js';
import { migrateDatabase, openDatabase } from '../src/platform/db/database.js';
import { createServices } from '../src/server/services.js';
import { startPostgres } from '../test/support/postgres-server.js';

type ChildResult = { rows: number; seconds: number; rowsPerSecond: number; maxRssMiB: number; counters: Record<string, number>; auditMode: string };

const SCHEMA = {
  attributes: [
    { name: 'customer_id', type: 'identifier', privacy: 'public' },
    { name: 'first_name', type: 'text', required: true, privacy: 'public' },
    { name: 'middle_name', type: 'text', privacy: 'public' },
    { name: 'last_name', type: 'text', required: true, privacy: 'public' },
    { name: 'birth_date', type: 'date', privacy: 'sensitive' },
    { name: 'gender', type: 'text', privacy: 'personal' },
    { name: 'email', type: 'email', privacy: 'personal' },
    { name: 'phone', type: 'phone', privacy: 'personal' },
    { name: 'address', type: 'address', privacy: 'personal' },
    { name: 'loyalty_id', type: 'identifier', privacy: 'public' },
  ],
  defaultRegion: 'US',
};

async function child(): Promise<void> {
  const [, , , file, target, auditMode] = process.argv;
  const database = await openDatabase(target!.startsWith('postgres') ? { databaseUrl: target, poolSize: 4 } : { dataDir: target });
  await migrateDatabase(database);
  const services = createServices(database, { sessionTtlHours: 12 });
  const actor = Actor.system('bench');
  await services.schemas.create(actor, { name: 'bench_customer', definition: SCHEMA }).catch(() => undefined);
  const ingest = createIngestService(services, { dataDir: tmpdir() });
  const t0 = process.hrtime.bigint();
  const job = await ingest.importFile(actor, file!, { source: `bench_${Date.now()}`, schema: 'bench_customer', batchSize: 2000, auditMode: auditMode as 'record' | 'batch' });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  await database.close();
  const out: ChildResult = {
    rows: job.counters.read,
    seconds,
    rowsPerSecond: Math.round(job.counters.read / seconds),
    maxRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
    counters: job.counters,
    auditMode: auditMode!,
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

function runChild(file: string, target: string, auditMode: string): Promise<ChildResult> {
  const self = fileURLToPath(import.meta.url);
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', self, '--child', file, target, auditMode], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop()!) as ChildResult) : reject(new Error(`bench child exited ${code}`))));
  });
}

async function generate(rows: number, dir: string): Promise<string> {
  const file = join(dir, `customers-${rows}.csv`);
  if (!existsSync(file)) await writeCustomersCsv(file, { count: rows, seed: 7, duplicateRate: 0.2, errorRate: 0.05, countries: ['US', 'GB'] });
  return file;
}

function section(name: string, body: string): void {
  const doc = join(process.cwd(), 'docs', 'benchmarks.md');
  const start = `<!-- bench:${name}:start -->`;
  const end = `<!-- bench:${name}:end -->`;
  const block = `${start}\n${body.trim()}\n${end}`;
  mkdirSync(join(process.cwd(), 'docs'), { recursive: true });
  let text = existsSync(doc) ? readFileSync(doc, 'utf8') : '# Benchmarks\n\nMeasured figures; every section names the machine it ran on.\n';
  const a = text.indexOf(start);
  const b = text.indexOf(end);
  text = a >= 0 && b > a ? text.slice(0, a) + block + text.slice(b + end.length) : `${text.trimEnd()}\n\n${block}\n`;
  writeFileSync(doc, text);
}

async function main(): Promise<void> {
  const rows = Number(process.env.BENCH_ROWS ?? 1_000_000);
  const liteRows = Number(process.env.BENCH_PGLITE_ROWS ?? 200_000);
  const modes = (process.env.BENCH_AUDIT_MODES ?? 'batch,record').split(',');
  const dir = mkdtempSync(join(tmpdir(), 'custodian-bench-ingest-'));
  const lines: string[] = [];
  try {
    const file = await generate(rows, dir);
    const server = process.env.DATABASE_URL ? null : await startPostgres();
    const url = process.env.DATABASE_URL ?? server?.url;
    try {
      for (const mode of modes) {
        if (!url) break;
        const r = await runChild(file, url, mode);
        console.log(`postgres ${mode}:`, r);
        lines.push(`| PostgreSQL | ${fmt(r.rows)} | ${mode} | ${r.seconds.toFixed(1)} s | **${fmt(r.rowsPerSecond)}** | ${r.maxRssMiB} MiB | ${fmt(r.counters.accepted!)} / ${fmt(r.counters.rejected!)} |`);
      }
    } finally {
      await server?.stop();
    }
    const liteFile = await generate(liteRows, dir);
    for (const mode of modes) {
      const liteDir = join(dir, `pglite-${mode}`);
      const r = await runChild(liteFile, liteDir, mode);
      console.log(`pglite ${mode}:`, r);
      lines.push(`| PGlite | ${fmt(r.rows)} | ${mode} | ${r.seconds.toFixed(1)} s | **${fmt(r.rowsPerSecond)}** | ${r.maxRssMiB} MiB | ${fmt(r.counters.accepted!)} / ${fmt(r.counters.rejected!)} |`);
    }
    const size = (statSync(file).size / 1024 ** 2).toFixed(0);
    section(
      'ingest',
      `## Ingestion (\`npm run bench:ingest\`)

${cpus().length} cores (${cpus()[0]?.model ?? 'unknown CPU'}), Node ${process.version}, ${new Date().toISOString().slice(0, 10)}.
Generated customer CSV (seed 7, US/GB, 5 % messy values, 20 % duplicate entities; ${size} MB for ${fmt(rows)} rows), imported with
validation in batches of 2,000 rows, one transaction per batch (records, history, search terms, events, quarantine, checkpoint).
Audit mode \`record\` writes one audit entry per changed record (as API writes do); \`batch\` one entry per batch listing record ids and versions.
Peak RSS is the importing process's \`maxRSS\` (PGlite runs inside it). Standardization is not in this pipeline yet.

| Database | Rows | Audit | Time | Rows/s | Peak RSS | Accepted / quarantined |
| --- | ---: | --- | ---: | ---: | ---: | ---: |
${lines.join('\n')}`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const fmt = (n: number): string => n.toLocaleString('en-US');

if (process.argv[2] === '--child') await child();
else await main();
