import { chooseRules, type BlockedRule, type BlockingOptions } from './blocking.js';
import { collectCandidates, type CandidateSet } from './candidate-pairs.js';
import { clusterRecords } from './clustering.js';
import { buildComparisonSpecs } from './comparison-specs.js';
import { EncodedDataset } from './encoded-dataset.js';
import { detectRoles } from './roles.js';
import { Scorer, probabilityToWeight } from './scoring.js';
import { trainFromCandidates } from './trainer.js';
import { estimateU } from './u-estimator.js';
import { collectCandidatesParallel, resolveThreads } from './workers/worker-pool.js';
import type { MatchModel, MatchRecord, PairExplanation, RoleMapping } from './types.js';

/** Defaults chosen once for all data sets (no per-dataset tuning). */
export const DEFAULTS = {
  threshold: 0.5,
  conflictEvidence: -10,
  /** Cross pairs further than this below the threshold weight count against a merge. */
  supportMarginBits: 12,
  /** Clusters merge only if at most this share of cross pairs counts against the merge. */
  maxNegativeShare: 0.3,
  maxBlockSize: 400,
  pairBudgetPerRecord: 10,
  randomPairs: 300_000,
  seed: 42,
  /** Pairs with at least this probability are returned (for PAIRS.csv and review). */
  minPairProbability: 0.1,
};

/** Options for dedupe / link runs. */
export interface RunOptions {
  /** Column → role; detected from column names when absent. Explicit entries win. */
  roles?: RoleMapping;
  /** Use this trained model instead of training one. */
  model?: MatchModel;
  /** Match probability threshold (default: the model's, else 0.5). */
  threshold?: number;
  /** Worker threads for comparison (default: all cores; 1 = in-process). */
  threads?: number;
  maxBlockSize?: number;
  minPairProbability?: number;
  onProgress?: (msg: string) => void;
  onWarning?: (msg: string) => void;
}

/** Run statistics. */
export interface RunStats {
  records: number;
  rules: Array<{ name: string; pairs: number; cappedBlocks: number }>;
  blocks: number;
  candidatePairs: number;
  clusters: number;
  seconds: number;
}

/** Scored pairs, compact (indices into `ids`). */
export interface PairList {
  a: Int32Array;
  b: Int32Array;
  weight: Float64Array;
  probability: Float64Array;
}

/** Result of a de-duplication run. */
export interface DedupeResult {
  ids: string[];
  /** Cluster index per record (same order as the input). */
  clusterOf: Int32Array;
  /** Pairs with probability ≥ minPairProbability. */
  pairs: PairList;
  model: MatchModel;
  stats: RunStats;
  /** Explain any two records by index. */
  explain: (a: number, b: number) => PairExplanation;
  /** Comparison level of each comparison for a pair (for PAIRS.csv). */
  levels: (a: number, b: number) => string[];
}

/** Result of a linkage run: each A record with its matches in B. */
export interface LinkResult extends DedupeResult {
  /** Number of records from A (indices 0 … sizeA-1; B follows). */
  sizeA: number;
  links: PairList;
}

function resolveRoles(records: MatchRecord[], opts: RunOptions): RoleMapping {
  if (opts.model) return opts.model.roles;
  const cols = new Set<string>();
  for (const r of records.slice(0, 100)) for (const k of Object.keys(r.fields)) cols.add(k);
  const { roles } = detectRoles([...cols], null, opts.roles ?? {});
  if (opts.roles) for (const [c, r] of Object.entries(opts.roles)) if (r === 'ignore') delete roles[c];
  if (Object.keys(roles).length === 0) throw new Error('no column has a recognisable role; map columns explicitly');
  return roles;
}

async function run(records: MatchRecord[], sources: Uint8Array | null, opts: RunOptions): Promise<{ res: DedupeResult; link: boolean }> {
  const t0 = performance.now();
  const link = sources !== null;
  const report = opts.onProgress ?? (() => {});
  // Progress lines carry the resident set size: memory per phase is part of what we measure.
  const progress = (msg: string): void => report(`${msg} [rss ${Math.round(process.memoryUsage.rss() / 1048576)} MiB]`);
  const warn = opts.onWarning ?? (() => {});
  const roles = resolveRoles(records, opts);
  const specs = buildComparisonSpecs(roles);
  const ds = new EncodedDataset(specs, records.length);
  records.forEach((r, k) => ds.add(r, sources ? sources[k]! : 0));
  ds.freeze();
  progress(`standardized ${ds.size} records, ${specs.length} comparisons (${specs.map((s) => s.name).join(', ')})`);
  const bopts: BlockingOptions = { maxBlockSize: opts.maxBlockSize ?? DEFAULTS.maxBlockSize, pairBudgetPerRecord: DEFAULTS.pairBudgetPerRecord, link, warn };
  const rules: BlockedRule[] = chooseRules(ds, bopts, opts.model?.blockingRules);
  if (rules.length === 0) throw new Error('no blocking rule applies to these columns');
  let blocks = 0;
  for (const r of rules) for (let b = 0; b + 1 < r.starts.length; b++) if (r.starts[b + 1]! - r.starts[b]! > 1) blocks++;
  progress(`blocking: ${rules.length} rules, ${blocks} blocks`);
  const threads = resolveThreads(opts.threads);
  let cands: CandidateSet;
  // Small runs are faster in-process than paying for worker start-up (unless threads are explicit).
  if (threads === 1 || (records.length < 20_000 && opts.threads === undefined)) {
    const levelFns = new Scorer(ds, opts.model ?? placeholderModel(ds, roles)).levelFns;
    cands = collectCandidates(ds, rules, levelFns, link, 0, 1, (p) => progress(`compared ${p} pairs`));
  } else {
    cands = await collectCandidatesParallel(ds, rules, link, threads, progress);
  }
  progress(`compared ${cands.a.length} candidate pairs`);
  let model = opts.model;
  if (!model) {
    const levelFns = new Scorer(ds, placeholderModel(ds, roles)).levelFns;
    const u = estimateU(ds, levelFns, DEFAULTS.randomPairs, DEFAULTS.seed, link);
    model = trainFromCandidates(ds, roles, rules, cands, u.u, { threshold: DEFAULTS.threshold, conflictWeight: DEFAULTS.conflictEvidence, randomPairs: u.pairs, link });
    progress(`trained model: λ=${model.lambda.toExponential(3)}`);
  }
  const scorer = new Scorer(ds, model);
  const threshold = opts.threshold ?? model.threshold;
  const minW = probabilityToWeight(threshold);
  const keepW = probabilityToWeight(Math.min(threshold, opts.minPairProbability ?? DEFAULTS.minPairProbability));
  // Score every candidate: level weights from its pattern plus TF adjustments (grouped terms).
  const ka: number[] = [];
  const kb: number[] = [];
  const kw: number[] = [];
  const N = cands.a.length;
  const A = cands.a.data;
  const B = cands.b.data;
  const PT = cands.pattern.data;
  for (let k = 0; k < N; k++) {
    const w = scorer.weightOfLevels(cands.patterns[PT[k]!]!, A[k]!);
    if (w >= keepW) {
      ka.push(A[k]!);
      kb.push(B[k]!);
      kw.push(w);
    }
  }
  const pairs: PairList = { a: Int32Array.from(ka), b: Int32Array.from(kb), weight: Float64Array.from(kw), probability: Float64Array.from(kw, (w) => 1 / (1 + Math.pow(2, -w))) };
  progress(`scored: ${pairs.a.length} pairs kept`);
  const conflictEvidence = model.conflictWeight;
  const clusterOf = clusterRecords(ds.size, pairs.a, pairs.b, pairs.weight, {
    minWeight: minW,
    conflicts: (i, j) => (link && ds.source.data[i] === ds.source.data[j] ? false : scorer.weight(i, j) - scorer.priorWeight < conflictEvidence),
    // A cross pair supports a merge when its weight is within supportMarginBits of the threshold:
    // relative to the threshold, not the prior, so the guard does not loosen as λ shrinks with size.
    evidence: link ? undefined : (i, j) => scorer.weight(i, j) - (minW - DEFAULTS.supportMarginBits),
    maxNegativeShare: DEFAULTS.maxNegativeShare,
  });
  progress('clustered');
  let clusters = 0;
  for (const c of clusterOf) if (c + 1 > clusters) clusters = c + 1;
  const stats: RunStats = {
    records: ds.size,
    rules: rules.map((r, k) => ({ name: r.spec.name, pairs: cands.perRule[k] ?? 0, cappedBlocks: r.cappedBlocks })),
    blocks,
    candidatePairs: N,
    clusters,
    seconds: (performance.now() - t0) / 1000,
  };
  const res: DedupeResult = {
    ids: ds.ids,
    clusterOf,
    pairs,
    model,
    stats,
    explain: (a, b) => scorer.explain(a, b),
    levels: (a, b) => scorer.levelFns.map((f, c) => model.comparisons[c]!.levels[f(a, b)]!),
  };
  return { res, link };
}

/** A model-shaped placeholder so level functions can be built before training. */
function placeholderModel(ds: EncodedDataset, roles: RoleMapping): MatchModel {
  return {
    format: 'custodian-match-model', version: 1, createdAt: '', roles, lambda: 0.5, threshold: 0.5, conflictWeight: 0,
    comparisons: ds.specs.map((s) => ({ ...s, m: s.levels.map(() => 1), u: s.levels.map(() => 1) })),
    blockingRules: [], training: { records: 0, candidatePairs: 0, randomPairs: 0, emIterations: 0 },
  };
}

/**
 * Batch de-duplication of one dataset: standardize, block, compare, train (unless a model is given),
 * score, cluster with the chaining guard.
 */
export async function dedupe(records: MatchRecord[], opts: RunOptions = {}): Promise<DedupeResult> {
  return (await run(records, null, opts)).res;
}

/** Link two datasets: every record of A with its matches in B (pairs above the threshold). */
export async function link(recordsA: MatchRecord[], recordsB: MatchRecord[], opts: RunOptions = {}): Promise<LinkResult> {
  const sources = new Uint8Array(recordsA.length + recordsB.length);
  sources.fill(1, recordsA.length);
  const { res } = await run([...recordsA, ...recordsB], sources, opts);
  const minW = probabilityToWeight(opts.threshold ?? res.model.threshold);
  const keep: number[] = [];
  for (let k = 0; k < res.pairs.a.length; k++) if (res.pairs.weight[k]! >= minW) keep.push(k);
  // Order links as (A, B).
  const links: PairList = {
    a: Int32Array.from(keep, (k) => Math.min(res.pairs.a[k]!, res.pairs.b[k]!)),
    b: Int32Array.from(keep, (k) => Math.max(res.pairs.a[k]!, res.pairs.b[k]!)),
    weight: Float64Array.from(keep, (k) => res.pairs.weight[k]!),
    probability: Float64Array.from(keep, (k) => res.pairs.probability[k]!),
  };
  return { ...res, sizeA: recordsA.length, links };
}

/** Train a model on a dataset without keeping the clustering (same defaults as `dedupe`). */
export async function trainModel(records: MatchRecord[], opts: Omit<RunOptions, 'model'> = {}): Promise<MatchModel> {
  return (await dedupe(records, opts)).model;
}
