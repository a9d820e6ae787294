// `npm run bench:warm-budget`: what the warm index's pair budget trades, on the matching engine alone (no database).
// N generated GB people are indexed (one per person, as `bench:api --seed-data generated` stores them), then a
// stream of generated POST rows (a fifth are returning customers) is matched and added in turn, as match on arrival
// does. Per budget: candidates scored per probe, CPU time per probe, and how many returning customers find their
// earlier record (p ≥ 0.5 and ≥ 0.9). Prints figures; docs/benchmarks.md quotes them by hand.
// --evict MB: between probes, read MB of other memory (one read per cache line), as the server's other work per
// request does; the engine alone otherwise keeps its hot rows in cache, which the API never sees.
// Usage: npm run bench:warm-budget [-- --stored 1000000 --probes 20000 --budgets 10,3 --evict 0]
import { generateCustomers, type GeneratedCustomer } from '../src/devtools/generator/index.js';
import { MatchIndex } from '../src/modules/matching/engine/index.js';
import { compileSchema, schemaDefinitionSchema, validateCompiled } from '../src/modules/schemas/index.js';
import { bootstrapModel, syntheticRecords } from '../src/modules/stewardship/bootstrap-model.js';
import { rolesOf, toMatchRecord } from '../src/modules/stewardship/match-fields.js';
import { machineLine } from './lib/bench-doc.js';
import { API_BENCH_SCHEMA, apiBenchRow } from './lib/generated-schema.js';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i]!.replace(/^--/, ''), process.argv[i + 1] ?? '');
const STORED = Number(args.get('stored') ?? 1_000_000);
const PROBES = Number(args.get('probes') ?? 20_000);
const BUDGETS = (args.get('budgets') ?? '10,3').split(',').map(Number);
const EVICT = new Int32Array((Number(args.get('evict') ?? 0) * 1024 * 1024) / 4);
let evictSum = 0;
const mib = (n: number): string => (n / 1048576).toFixed(0);
function heapAfterGc(): NodeJS.MemoryUsage {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage();
}
function evict(): void {
  for (let i = 0; i < EVICT.length; i += 16) evictSum += EVICT[i]!;
}

const definition = schemaDefinitionSchema.parse(API_BENCH_SCHEMA);
const compiled = compileSchema(definition);
const roles = rolesOf(definition);

function valuesOf(c: GeneratedCustomer): Record<string, unknown> | null {
  const v = validateCompiled(compiled, apiBenchRow(c));
  return v.ok ? v.values : null;
}

const stored: Record<string, unknown>[] = [];
for (const c of generateCustomers({ count: Math.ceil(STORED * 1.05), seed: 9, countries: ['GB'], duplicateRate: 0 })) {
  if (stored.length >= STORED) break;
  const v = valuesOf(c);
  if (v) stored.push(v);
}
const probes: { values: Record<string, unknown>; entity: string }[] = [];
for (const c of generateCustomers({ count: PROBES, seed: 5, countries: ['GB'], duplicateRate: 0.2 })) {
  const v = valuesOf(c);
  if (v) probes.push({ values: v, entity: c.entity_id });
}

const model = await bootstrapModel(roles);
console.log(`Machine: ${machineLine()}. ${STORED.toLocaleString()} stored, ${probes.length.toLocaleString()} probes, bootstrap model, threshold 0.5.`);
for (const budget of BUDGETS) {
  const index = new MatchIndex(model, undefined, budget);
  for (const r of syntheticRecords(roles)) index.add(r);
  stored.forEach((v, i) => index.add(toMatchRecord(`s${i}#1`, v, roles)));
  let scored = 0;
  const scorer = (index as unknown as { scorer: { weightAtLeast(a: number, b: number, w: number): number } }).scorer;
  const weightAtLeast = scorer.weightAtLeast.bind(scorer);
  scorer.weightAtLeast = (a, b, w) => {
    scored++;
    return weightAtLeast(a, b, w);
  };
  const lastOf = new Map<string, number>();
  let returning = 0;
  let found = 0;
  let sure = 0;
  // Building the index leaves garbage behind: collect it now (with --expose-gc) so its collection is not timed.
  (globalThis as { gc?: () => void }).gc?.();
  const wall0 = performance.now();
  const t0 = process.cpuUsage();
  let evictCpu = 0;
  let matchNs = 0n;
  probes.forEach((p, i) => {
    if (EVICT.length > 0) {
      const e0 = process.hrtime.bigint();
      evict();
      evictCpu += Number(process.hrtime.bigint() - e0) / 1000;
    }
    const m0 = process.hrtime.bigint();
    const cands = index.matchAndAdd(toMatchRecord(`p${i}#1`, p.values, roles), { threshold: 0.5, limit: 30 });
    matchNs += process.hrtime.bigint() - m0;
    const earlier = lastOf.get(p.entity);
    if (earlier !== undefined) {
      returning++;
      const hit = cands.find((c) => c.id === `p${earlier}#1`);
      if (hit) found++;
      if (hit && hit.probability >= 0.9) sure++;
    }
    lastOf.set(p.entity, i);
  });
  const cpu = process.cpuUsage(t0);
  const wall = (performance.now() - wall0 - evictCpu / 1000) / probes.length;
  const ms = (cpu.user + cpu.system - evictCpu) / 1000 / probes.length;
  const mem = heapAfterGc();
  console.log(
    `budget ${budget}: ${(scored / probes.length).toFixed(1)} candidates scored per probe, ${ms.toFixed(3)} ms CPU per probe (wall ${wall.toFixed(3)} ms, ${(Number(matchNs) / 1e6 / probes.length).toFixed(3)} ms in matchAndAdd), ` +
      `${found} of ${returning} returning customers found (p ≥ 0.5; ${sure} at p ≥ 0.9); ` +
      `after a full collection: heap ${mib(mem.heapUsed)} MiB, array buffers ${mib(mem.arrayBuffers)} MiB`,
  );
}
if (EVICT.length > 0) console.log(`(${(EVICT.length * 4) / 1048576} MB read between probes; checksum ${evictSum})`);
