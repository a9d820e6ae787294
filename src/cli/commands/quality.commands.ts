import type { Command } from 'commander';
import { userInfo } from 'node:os';
import { Actor } from '../../platform/auth/actor.js';
import { loadConfig } from '../../platform/config/config.js';
import { QualityService, type KpiView, type ProfileView } from '../../modules/quality/index.js';
import { openRuntime } from '../../server/runtime.js';
import { print, run } from '../output.js';

function cliActor(): Actor {
  let who = 'unknown';
  try {
    who = userInfo().username;
  } catch {
    // no passwd entry (containers)
  }
  return Actor.system(`cli:${who}`);
}

async function withQuality(body: (q: QualityService) => Promise<void>): Promise<void> {
  const services = await openRuntime(loadConfig());
  try {
    await body(new QualityService(services.database, services.audit, services.schemas, services.sources));
    await services.audit.seal();
  } finally {
    await services.database.close();
  }
}

const pct = (x: number | null): string => (x === null ? '–' : `${(100 * x).toFixed(1)}%`);

/** A plain-text table: columns padded to their widest cell; numbers right-aligned. */
export function table(header: string[], body: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (/^[-\d.,%–]+$/.test(c) && i > 0 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

function short(v: unknown, max = 24): string {
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

export function profileTable(p: ProfileView): string {
  const rows = p.attributes.map((a) => [
    a.attribute,
    a.type,
    pct(a.fillRate),
    a.distinct.toLocaleString('en'),
    a.topValues.slice(0, 3).map((t) => `${short(t.value, 18)} (${t.count})`).join(', '),
    a.patterns.slice(0, 2).map((x) => `${short(x.pattern, 16)} (${x.count})`).join(', '),
    a.length.min === null ? '–' : `${a.length.min}–${a.length.max}`,
    pct(a.shares.valid),
    pct(a.shares.suspect),
    pct(a.shares.invalid),
  ]);
  return [
    `Profile of source ${p.sourceName}: ${p.records.toLocaleString('en')} records (valid + rejected), schema version ${p.schemaVersion}, ${p.tookMs} ms`,
    '',
    table(['attribute', 'type', 'fill', 'distinct', 'top values', 'patterns', 'length', 'valid', 'suspect', 'invalid'], rows),
  ].join('\n');
}

export function kpiTable(rows: KpiView[]): string {
  return table(
    ['source', 'records', 'completeness', 'validity', 'accuracy', 'uniqueness', 'freshness', 'stale values', 'duplicates'],
    rows.map((r) => [
      r.sourceName ?? (r.sourceId === null ? '(overall)' : r.sourceId),
      r.records.toLocaleString('en'),
      pct(r.completeness),
      pct(r.validity),
      pct(r.accuracy),
      pct(r.uniqueness),
      pct(r.freshness),
      r.counts.stale.toLocaleString('en'),
      r.counts.duplicates.toLocaleString('en'),
    ]),
  );
}

/** `custodian quality profile --source NAME` and `custodian quality report [--source NAME]`. */
export function registerQualityCommands(program: Command): void {
  const quality = program.command('quality').description('Data quality: profiling and KPIs');
  quality
    .command('profile')
    .description('Profile a source: fill rate, distinct values, top values, format patterns, lengths and validity per attribute')
    .requiredOption('--source <name>', 'source name or id')
    .option('--json', 'machine-readable output')
    .action((opts: { source: string; json?: boolean }) =>
      run(() => withQuality(async (q) => {
        const p = await q.profile(cliActor(), opts.source);
        print(!!opts.json, p, () => profileTable(p));
      })),
    );
  quality
    .command('report')
    .description('KPIs per source and overall, computed now (see docs/quality.md for the definitions)')
    .option('--source <name>', 'only this source (and the overall row over it)')
    .option('--snapshot', 'also store the figures as a manual KPI snapshot')
    .option('--json', 'machine-readable output')
    .action((opts: { source?: string; snapshot?: boolean; json?: boolean }) =>
      run(() => withQuality(async (q) => {
        const actor = cliActor();
        const rows = opts.snapshot && !opts.source ? (await q.takeSnapshot(actor)).rows : await q.computeKpis(actor, { source: opts.source });
        print(!!opts.json, rows, () => `Data quality KPIs (${new Date().toISOString()})\n\n${kpiTable(rows)}`);
      })),
    );
}
