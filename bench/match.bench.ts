// Matching engine benchmark (issue 4): end-to-end CLI runs in child processes (wall time, CPU time,
// peak RSS), quality against the known truth, and the real-time index on 1M generated records.
// Writes its section of docs/benchmarks.md between the bench:match markers.
// Usage: npm run bench:match [-- --skip-1m] [-- --rows N]
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { execSync } from 'node:child_process';
import path from 'node:path';
import { runMeasured, type Measured } from './lib/measure.js';
import { datasetsDir, febrlTruth, readLabels, scoreClusters, scoreFebrlLinks } from './lib/truth.js';
import { readCsvFile } from '../src/modules/matching/engine/io/csv.js';
import type { PairwiseScores } from '../src/modules/matching/engine/evaluation.js';

const args = process.argv.slice(2);
const skip1m = args.includes('--skip-1m');
const rowsArg = args.indexOf('--rows');
const bigRows = rowsArg >= 0 ? Number(args[rowsArg + 1]) : 1_000_000;
const work = '/tmp/custodian-bench';
mkdirSync(work, { recursive: true });
const D = datasetsDir();
const cli = (...a: string[]): [string, string[]] => [process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...a]];

interface Row {
  name: string;
  records: number;
  pairs: number;
  m: Measured;
  q: PairwiseScores | null;
  note?: string;
}
const rows: Row[] = [];

function summaryPairs(stderr: string): number {
  return Number(/pairs_compared=(\d+)/.exec(stderr)?.[1] ?? NaN);
}

async function run(name: string, a: [string, string[]], score: () => PairwiseScores | null, records: number, note?: string): Promise<void> {
  process.stderr.write(`▶ ${name}\n`);
  const m = await runMeasured(a[0], a[1]);
  if (m.code !== 0) process.stderr.write(m.stderr.slice(-2000));
  const q = m.code === 0 ? score() : null;
  rows.push({ name, records, pairs: summaryPairs(m.stderr), m, q, note });
  process.stderr.write(`  ${m.seconds.toFixed(1)} s wall, ${(m.userSeconds + m.systemSeconds).toFixed(1)} s CPU, ${m.maxRssMiB.toFixed(0)} MiB, F1 ${q ? q.f1.toFixed(4) : '—'}\n`);
}

const count = (f: string): number => readCsvFile(f).rows;

await run('FEBRL3 dedupe', cli('dedupe', `${D}/febrl/dataset3.csv`, '--id', 'rec_id', '--out', `${work}/f3.csv`), () => scoreClusters(`${work}/f3.csv`, febrlTruth(readLabels(`${work}/f3.csv`).keys())), 5000);
await run('FEBRL4a+4b link', cli('link', `${D}/febrl/dataset4a.csv`, `${D}/febrl/dataset4b.csv`, '--id', 'rec_id', '--out', `${work}/f4.csv`), () => scoreFebrlLinks(`${work}/f4.csv`, readCsvFile(`${D}/febrl/dataset4a.csv`).columns[0]!), 10000);
await run('splink fake_1000', cli('dedupe', `${D}/splink/fake_1000.csv`, '--id', 'unique_id', '--out', `${work}/fake.csv`), () => scoreClusters(`${work}/fake.csv`, readLabels(`${D}/splink/fake_1000_truth.csv`)), 1000);
await run('splink historical_50k', cli('dedupe', `${D}/splink/historical_50k.csv`, '--id', 'unique_id', '--out', `${work}/hist.csv`), () => scoreClusters(`${work}/hist.csv`, readLabels(`${D}/splink/historical_50k_truth.csv`)), 50578);

let realtime: Record<string, number> | null = null;
if (!skip1m) {
  const gen = `${work}/gen-${bigRows}.csv`;
  const truth = `${work}/gen-${bigRows}-truth.csv`;
  if (!existsSync(gen)) {
    process.stderr.write(`generating ${bigRows} customers…\n`);
    execSync(`${process.execPath} --import tsx src/cli/main.ts generate --rows ${bigRows} --seed 42 --out ${gen} --truth ${truth}`, { stdio: 'inherit' });
  }
  const model = `${work}/gen-model.json`;
  await run(`generated ${bigRows.toLocaleString('en')} customers`, cli('dedupe', gen, '--id', 'customer_id', '--out', `${work}/gen-clusters.csv`, '--save-model', model), () => scoreClusters(`${work}/gen-clusters.csv`, readLabels(truth)), count(gen));
  if (existsSync(model)) {
    process.stderr.write('▶ real-time index\n');
    const m = await runMeasured(process.execPath, ['--import', 'tsx', 'bench/lib/realtime-child.ts', gen, model]);
    if (m.code === 0) realtime = { ...JSON.parse(m.stdout.trim().split('\n').pop()!), peakRssMiB: m.maxRssMiB };
    else process.stderr.write(m.stderr.slice(-2000));
  }
}

// Machine and report.
const cpuModel = cpus()[0]?.model ?? 'unknown';
const nproc = execSync('nproc').toString().trim();
const load = loadavg().map((x) => x.toFixed(1)).join(' / ');
const f = (x: number, d = 1): string => (Number.isFinite(x) ? x.toFixed(d) : '—');
const lines = [
  '<!-- bench:match:start -->',
  '## Matching engine (issue 4)',
  '',
  `Measured ${new Date().toISOString().slice(0, 16)}Z by \`npm run bench:match\`: ${nproc} cores (\`nproc\`), ${cpuModel}, Node ${process.version}; load average at the end ${load} (the machine is shared: wall times include other jobs, CPU times do not).`,
  'Each case is the CLI end to end (read CSV → write clusters/links) in a child process, default settings, no labels; peak RSS from `/usr/bin/time -v`.',
  '',
  '| data set | records | candidate pairs | wall s | CPU s | peak RSS MiB | precision | recall | F1 |',
  '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ...rows.map((r) => `| ${r.name} | ${r.records.toLocaleString('en')} | ${Number.isFinite(r.pairs) ? r.pairs.toLocaleString('en') : '—'} | ${f(r.m.seconds)} | ${f(r.m.userSeconds + r.m.systemSeconds)} | ${f(r.m.maxRssMiB, 0)} | ${r.q ? r.q.precision.toFixed(4) : '—'} | ${r.q ? r.q.recall.toFixed(4) : '—'} | ${r.q ? r.q.f1.toFixed(4) : (r.m.code === 0 ? '—' : `failed (exit ${r.m.code})`)} |`),
  '',
  realtime
    ? `Real-time index: ${realtime.indexed!.toLocaleString('en')} records indexed with \`add()\` in ${f(realtime.buildSeconds!)} s; \`match(record)\` p50 ${f(realtime.matchP50!, 2)} ms, p99 ${f(realtime.matchP99!, 2)} ms; \`add(record)\` p50 ${f(realtime.addP50!, 3)} ms, p99 ${f(realtime.addP99!, 3)} ms; peak RSS ${f(realtime.peakRssMiB!, 0)} MiB (2,000 held-out probes, ${realtime.probesWithMatches} with a match).`
    : 'Real-time index: not measured in this run.',
  '',
  'Targets (issue 4): historical_50k ≤ 10 s; 1M generated ≤ 60 s and ≤ 2 GiB; real-time p99 match ≤ 20 ms, add ≤ 5 ms; F1 FEBRL3 ≥ 0.995, FEBRL4 ≥ 0.99, fake_1000 ≥ 0.92, historical_50k ≥ 0.92. See docs/matching.md for which are met and why not.',
  '<!-- bench:match:end -->',
];
const doc = path.resolve('docs/benchmarks.md');
const old = existsSync(doc) ? readFileSync(doc, 'utf8') : '# Benchmarks\n';
const section = lines.join('\n');
const re = /<!-- bench:match:start -->[\s\S]*?<!-- bench:match:end -->/;
writeFileSync(doc, re.test(old) ? old.replace(re, section) : `${old.trimEnd()}\n\n${section}\n`);
writeFileSync(`${work}/match-bench.json`, JSON.stringify({ rows: rows.map((r) => ({ name: r.name, records: r.records, pairs: r.pairs, seconds: r.m.seconds, cpuSeconds: r.m.userSeconds + r.m.systemSeconds, maxRssMiB: r.m.maxRssMiB, q: r.q })), realtime }, null, 2));
console.log(section);
