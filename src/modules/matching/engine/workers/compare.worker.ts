import { parentPort, workerData } from 'node:worker_threads';
import { collectCandidates } from '../candidate-pairs.js';
import { buildLevelFns } from '../comparators.js';
import { restoreDataset, type DatasetSnapshot } from '../dataset-snapshot.js';
import type { BlockedRule } from '../blocking.js';

// One shard of the candidate-pair comparison: blocks are dealt round-robin to workers.
interface Job {
  snapshot: DatasetSnapshot;
  rules: BlockedRule[];
  link: boolean;
  shard: number;
  shards: number;
}

const job = workerData as Job;
const ds = restoreDataset(job.snapshot);
const fns = buildLevelFns(ds);
const res = collectCandidates(ds, job.rules, fns, job.link, job.shard, job.shards, (p) => parentPort!.postMessage({ progress: p }));
const a = res.a.data.slice(0, res.a.length);
const b = res.b.data.slice(0, res.b.length);
const pattern = res.pattern.data.slice(0, res.pattern.length);
parentPort!.postMessage(
  { done: true, a, b, pattern, patterns: res.patterns, maskCounts: [...res.maskCounts], perRule: res.perRule },
  [a.buffer, b.buffer, pattern.buffer],
);
