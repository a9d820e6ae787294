import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { Int32Vec } from '../int-vec.js';
import { PatternTable, type CandidateSet } from '../candidate-pairs.js';
import { snapshotDataset } from '../dataset-snapshot.js';
import type { BlockedRule } from '../blocking.js';
import type { EncodedDataset } from '../encoded-dataset.js';

interface WorkerOut {
  a: Int32Array;
  b: Int32Array;
  pattern: Int32Array;
  patterns: Uint8Array[];
  maskCounts: Array<[number, number]>;
  perRule: number[];
}

/**
 * Start a worker running the script next to this module: compare.worker.js when built; under tsx
 * (dev, tests) the .ts file is loaded through tsx's ESM loader registered inside the worker.
 */
export function startWorker(name: string, workerData: unknown): Worker {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return new Worker(new URL(`./${name}.js`, here), { workerData });
  const url = new URL(`./${name}.ts`, here).href;
  const boot = `(async () => { const { register } = await import('tsx/esm/api'); register(); await import(${JSON.stringify(url)}); })().catch((e) => { console.error(e); process.exit(1); });`;
  return new Worker(boot, { eval: true, workerData });
}

/** Number of worker threads to use when the caller asks for `requested` (0 = all cores). */
export function resolveThreads(requested: number | undefined): number {
  const cores = availableParallelism();
  return requested && requested > 0 ? requested : cores;
}

/**
 * Compare all candidate pairs on worker threads (blocks dealt round-robin) and merge the shards.
 * The encoded dataset is sent once per worker as typed arrays plus value dictionaries.
 */
export async function collectCandidatesParallel(ds: EncodedDataset, rules: BlockedRule[], link: boolean, threads: number, progress: (msg: string) => void): Promise<CandidateSet> {
  const snapshot = snapshotDataset(ds);
  const plainRules = rules.map((r) => ({ ...r }));
  const counts = new Array<number>(threads).fill(0);
  const outs = await Promise.all(
    Array.from({ length: threads }, (_, shard) =>
      new Promise<WorkerOut>((resolve, reject) => {
        const w = startWorker('compare.worker', { snapshot, rules: plainRules, link, shard, shards: threads });
        w.on('message', (msg: { progress?: number; done?: boolean } & WorkerOut) => {
          if (msg.done) resolve(msg);
          else if (msg.progress !== undefined) {
            counts[shard] = msg.progress;
            progress(`compared ${counts.reduce((p, x) => p + x, 0)} pairs`);
          }
        });
        w.on('error', reject);
        w.on('exit', (code) => {
          if (code !== 0) reject(new Error(`comparison worker exited with code ${code}`));
        });
      }),
    ),
  );
  // Merge: re-intern each shard's patterns into one table.
  const table = new PatternTable(ds.specs.map((s) => s.levels.length));
  const total = outs.reduce((p, o) => p + o.a.length, 0);
  const a = new Int32Vec(total + 1);
  const b = new Int32Vec(total + 1);
  const pattern = new Int32Vec(total + 1);
  const maskCounts = new Map<number, number>();
  const perRule = new Array<number>(rules.length).fill(0);
  for (const o of outs) {
    const remap = o.patterns.map((p) => table.intern(p));
    a.data.set(o.a, a.length);
    b.data.set(o.b, b.length);
    const off = pattern.length;
    for (let k = 0; k < o.pattern.length; k++) pattern.data[off + k] = remap[o.pattern[k]!]!;
    a.length += o.a.length;
    b.length += o.b.length;
    pattern.length += o.pattern.length;
    for (const [key, cnt] of o.maskCounts) {
      const p = Math.floor(key / 2147483648);
      const mask = key % 2147483648;
      const nk = remap[p]! * 2147483648 + mask;
      maskCounts.set(nk, (maskCounts.get(nk) ?? 0) + cnt);
    }
    o.perRule.forEach((x, r) => (perRule[r]! += x));
  }
  return { a, b, pattern, patterns: table.patterns, maskCounts, perRule };
}
