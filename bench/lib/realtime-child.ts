// Child process for the real-time benchmark: index N generated records, then time add() and match().
// Prints one JSON line on stdout. Usage: tsx bench/lib/realtime-child.ts CUSTOMERS.csv MODEL.json
import { readCsvFile } from '../../src/modules/matching/engine/io/csv.js';
import { recordsFromTable } from '../../src/modules/matching/engine/io/load-records.js';
import { MatchIndex, loadModel } from '../../src/modules/matching/engine/index.js';

const [csv, modelFile] = process.argv.slice(2) as [string, string];
const model = loadModel(modelFile);
const { records } = recordsFromTable(csv, readCsvFile(csv), 'customer_id', model.roles);
const held = 2000;
const base = records.slice(0, records.length - held);
const probes = records.slice(records.length - held);
const t0 = performance.now();
const idx = new MatchIndex(model);
for (const r of base) idx.add(r);
const buildSeconds = (performance.now() - t0) / 1000;
const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
const matchMs: number[] = [];
let found = 0;
for (const r of probes) {
  const t = performance.now();
  const res = idx.match(r);
  matchMs.push(performance.now() - t);
  if (res.length > 0) found++;
}
const addMs: number[] = [];
for (const r of probes) {
  const t = performance.now();
  idx.add(r);
  addMs.push(performance.now() - t);
}
console.log(JSON.stringify({
  indexed: base.length,
  buildSeconds,
  matchP50: pct(matchMs, 50),
  matchP99: pct(matchMs, 99),
  addP50: pct(addMs, 50),
  addP99: pct(addMs, 99),
  probesWithMatches: found,
  maxRssMiB: process.resourceUsage().maxRSS / 1024,
}));
