import { resolvePart, type PartFn } from './blocking.js';
import { BlockLists } from './block-lists.js';
import { buildComparisonSpecs } from './comparison-specs.js';
import { EncodedDataset } from './encoded-dataset.js';
import { DEFAULTS } from './pipeline.js';
import { Scorer, probabilityToWeight } from './scoring.js';
import type { MatchModel, MatchRecord, PairExplanation } from './types.js';

/** One candidate returned by `MatchIndex.match`. */
export interface MatchCandidate {
  id: string;
  probability: number;
  weight: number;
  explanation?: PairExplanation;
}

/** Options for `MatchIndex.match`. */
export interface MatchQueryOptions {
  /** Minimum probability (default: the model's threshold). */
  threshold?: number;
  /** Maximum number of candidates returned (best first). */
  limit?: number;
  /** Include a full explanation per candidate. */
  explain?: boolean;
}

interface RuleIndex {
  parts: PartFn[];
  blocks: BlockLists;
  /** Pairs inside blocks of at most `caps[c]` members, per cap. */
  pairs: Float64Array;
  /** Largest block this rule scans now (see `fitCaps`). */
  cap: number;
}

/**
 * Real-time matching index over existing records: `match(record)` scores a new record against
 * its blocking candidates with a trained model; `add(record)` indexes a record without a rebuild.
 * Memory: a few typed arrays per record and one chain link per blocking rule.
 */
export class MatchIndex {
  readonly ds: EncodedDataset;
  private readonly scorer: Scorer;
  private readonly rules: RuleIndex[];
  private readonly byId = new Map<string, number>();
  private stamp: Int32Array = new Int32Array(1024);
  private stampNo = 0;
  /** Scratch for one probe's candidates (see `scan`). */
  private gathered: Int32Array = new Int32Array(1024);
  /** Keeps the gathering reads of rows from being optimized away. */
  private touched = 0;
  /** Block caps a rule may be tightened to, largest first (halving, as the batch engine's blocking does). */
  private readonly caps: number[] = [];
  private capsAtSize = -1;

  /**
   * @param maxBlockSize blocks larger than this are not scanned by `match` (other rules still apply).
   * @param pairBudgetPerRecord the batch engine's pair budget: a rule whose blocks hold more pairs than this
   *   many per record scans only smaller blocks, so a probe costs about the same at 10,000 or 1,000,000 records.
   */
  constructor(
    readonly model: MatchModel,
    private readonly maxBlockSize = DEFAULTS.maxBlockSize,
    private readonly pairBudgetPerRecord = DEFAULTS.pairBudgetPerRecord,
  ) {
    this.ds = new EncodedDataset(buildComparisonSpecs(model.roles), 1024);
    this.scorer = new Scorer(this.ds, model);
    for (let c = maxBlockSize; c >= 25 || this.caps.length === 0; c >>= 1) this.caps.push(c);
    this.rules = [];
    for (const r of model.blockingRules) {
      const parts = r.parts.map((p) => resolvePart(this.ds, p));
      if (parts.some((p) => p === null)) continue;
      this.rules.push({ parts: parts as PartFn[], blocks: new BlockLists(maxBlockSize), pairs: new Float64Array(this.caps.length), cap: maxBlockSize });
    }
  }

  /** Build an index from existing records. */
  static build(model: MatchModel, records: Iterable<MatchRecord>, maxBlockSize?: number): MatchIndex {
    const idx = new MatchIndex(model, maxBlockSize);
    for (const r of records) idx.add(r);
    return idx;
  }

  /** Number of indexed records. */
  get size(): number {
    return this.byId.size;
  }

  private key(rule: RuleIndex, i: number): number {
    let k = 0;
    for (const p of rule.parts) {
      const x = p(i);
      if (x < 0) return -1;
      // Two parts of < 2^24 ids each fit exactly in a double.
      k = k * 16777216 + x;
    }
    return k;
  }

  /** Index a record (ids must be unique). */
  add(record: MatchRecord): void {
    if (this.byId.has(record.id)) throw new Error(`record ${record.id} is already indexed`);
    this.link(record.id, this.ds.add(record));
  }

  /** Candidate matches of a record among the indexed ones, best first, with probabilities. */
  match(record: MatchRecord, opts: MatchQueryOptions = {}): MatchCandidate[] {
    // The probe is appended temporarily so comparators and TF counts see it like a batch record.
    const probe = this.ds.add(record);
    try {
      return this.scan(probe, record.id, opts);
    } finally {
      this.ds.pop();
    }
  }

  /** `match` followed by `add`, standardizing the record once (an index fed by arriving records). */
  matchAndAdd(record: MatchRecord, opts: MatchQueryOptions = {}): MatchCandidate[] {
    if (this.byId.has(record.id)) throw new Error(`record ${record.id} is already indexed`);
    const i = this.ds.add(record);
    const out = this.scan(i, record.id, opts);
    this.link(record.id, i);
    return out;
  }

  /** Chains dataset row i into its blocks and keeps each rule's pair counts per cap. */
  private link(id: string, i: number): void {
    this.byId.set(id, i);
    for (const rule of this.rules) {
      const k = this.key(rule, i);
      if (k < 0) continue;
      const n = rule.blocks.add(k, i);
      for (let c = 0; c < this.caps.length; c++) {
        const cap = this.caps[c]!;
        // A block gains n pairs while it fits the cap, and all of them stop counting once it outgrows it.
        if (n + 1 <= cap) rule.pairs[c]! += n;
        else if (n === cap) rule.pairs[c]! -= (cap * (cap - 1)) / 2;
      }
    }
  }

  /**
   * Each rule's block cap under the batch engine's budgets (see `chooseRules`): a rule gets
   * max(100,000, budget × records) pairs, all rules together four times that, earlier rules first; a rule
   * over its budget scans only blocks under a halved cap, down to 25.
   */
  private fitCaps(): void {
    if (this.capsAtSize === this.ds.size) return;
    this.capsAtSize = this.ds.size;
    const perRule = Math.max(100_000, this.pairBudgetPerRecord * this.ds.size);
    let remaining = perRule * 4;
    for (const rule of this.rules) {
      const budget = Math.min(perRule, remaining);
      let c = 0;
      while (c + 1 < this.caps.length && rule.pairs[c]! > budget) c++;
      rule.cap = this.caps[c]!;
      remaining -= rule.pairs[c]!;
    }
  }

  private scan(probe: number, id: string, opts: MatchQueryOptions): MatchCandidate[] {
    const minW = probabilityToWeight(opts.threshold ?? this.model.threshold);
    this.fitCaps();
    if (this.stamp.length <= probe) {
      const s = new Int32Array(Math.max(probe + 1, this.stamp.length * 2));
      s.set(this.stamp);
      this.stamp = s;
    }
    const st = ++this.stampNo;
    this.scorer.refreshBounds(probe);
    // The record itself, when already indexed (ids are unique), is no candidate.
    const self = this.byId.get(id) ?? -1;
    // Two passes: gather the candidates first (block members are consecutive, so their stamps and rows load in
    // parallel), then score them from cache; scoring as the members came made each row a miss of its own.
    const rows = this.ds.rows.data;
    const S = this.ds.rowStride;
    let gathered = 0;
    let touched = 0;
    for (const rule of this.rules) {
      const k = this.key(rule, probe);
      if (k < 0) continue;
      const b = rule.blocks.find(k);
      if (b < 0) continue;
      const n = rule.blocks.len[b]!;
      if (n > rule.cap) continue;
      if (this.gathered.length < gathered + n) this.gathered = growTo(this.gathered, gathered + n);
      const pool = rule.blocks.pool;
      const first = rule.blocks.start[b]!;
      // Newest member first, as scored before (equal weights keep that order).
      for (let p = first + n - 1; p >= first; p--) {
        const j = pool[p]!;
        if (this.stamp[j] === st) continue;
        this.stamp[j] = st;
        if (j === self) continue;
        this.gathered[gathered++] = j;
        touched ^= rows[j * S]! ^ rows[j * S + S - 1]!;
      }
    }
    this.touched = touched;
    const out: Array<{ j: number; w: number }> = [];
    for (let g = 0; g < gathered; g++) {
      const j = this.gathered[g]!;
      const w = this.scorer.weightAtLeast(j, probe, minW);
      if (w >= minW) out.push({ j, w });
    }
    out.sort((x, y) => y.w - x.w);
    const top = opts.limit !== undefined ? out.slice(0, opts.limit) : out;
    return top.map(({ j, w }) => ({
      id: this.ds.ids[j]!,
      weight: w,
      probability: 1 / (1 + Math.pow(2, -w)),
      ...(opts.explain ? { explanation: this.scorer.explain(j, probe) } : {}),
    }));
  }

  /** Explain an indexed record against a (new or indexed) record. */
  explain(indexedId: string, record: MatchRecord): PairExplanation {
    const j = this.byId.get(indexedId);
    if (j === undefined) throw new Error(`record ${indexedId} is not indexed`);
    const probe = this.ds.add(record);
    try {
      return this.scorer.explain(j, probe);
    } finally {
      this.ds.pop();
    }
  }
}

function growTo(a: Int32Array, n: number): Int32Array {
  const d = new Int32Array(Math.max(n, a.length * 2));
  d.set(a);
  return d;
}
