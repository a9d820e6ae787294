import { buildLevelFns, type LevelFn } from './comparators.js';
import type { EncodedDataset } from './encoded-dataset.js';
import type { ExplainTerm, MatchModel, PairExplanation } from './types.js';

// Address parts are strongly correlated (same street ⇒ same city, postcode, state): one group,
// counted once (see combine()).
const ADDRESS_ROLES = new Set(['street', 'houseNumber', 'city', 'postcode', 'state', 'country']);

/** log2 odds → probability. */
export function weightToProbability(w: number): number {
  return 1 / (1 + Math.pow(2, -w));
}

/** probability → log2 odds. */
export function probabilityToWeight(p: number): number {
  const q = Math.min(1 - 1e-15, Math.max(1e-15, p));
  return Math.log2(q / (1 - q));
}

/** Fellegi–Sunter scorer of record pairs of one dataset under one model. */
export class Scorer {
  readonly levelFns: LevelFn[];
  /** log2(m/u) per comparison and level. */
  readonly levelWeights: Float64Array[];
  readonly priorWeight: number;
  private readonly uExact: number[];
  private readonly tfOn: boolean[];
  private readonly C: number;
  /** Comparison indices of the address group (correlated: not summed naively). */
  private readonly group: Int32Array;
  private readonly contrib: Float64Array;
  /** `weightAtLeast`: comparison order (cheap id checks first, fuzzy text last) and bounds along it. */
  private readonly order: Int32Array;
  private readonly best: Float64Array;
  private readonly restSum: Float64Array;
  private readonly restGroupMax: Float64Array;
  /** @param useTf apply term-frequency adjustments (off when the dataset is too small to know frequencies). */
  constructor(readonly ds: EncodedDataset, readonly model: MatchModel, private readonly useTf = true) {
    if (ds.specs.length !== model.comparisons.length) throw new Error('model and dataset comparisons differ');
    this.levelFns = buildLevelFns(ds);
    this.levelWeights = model.comparisons.map((c) => Float64Array.from(c.m.map((m, l) => (l === 0 ? 0 : Math.log2(Math.max(m, 1e-12) / Math.max(c.u[l]!, 1e-12))))));
    this.priorWeight = probabilityToWeight(model.lambda);
    this.uExact = model.comparisons.map((c) => c.u[1] ?? 1);
    this.tfOn = model.comparisons.map((c) => c.tf);
    this.C = model.comparisons.length;
    this.group = Int32Array.from(model.comparisons.map((c) => (ADDRESS_ROLES.has(c.role) ? 1 : 0)));
    this.contrib = new Float64Array(this.C);
    const cost = (c: number): number => (ds.specs[c]!.kind === 'fuzzyText' ? 2 : ds.specs[c]!.kind === 'name' || ds.specs[c]!.kind === 'fullName' ? 1 : 0);
    this.order = Int32Array.from([...Array(this.C).keys()].sort((a, b) => cost(a) - cost(b) || a - b));
    this.best = new Float64Array(this.C);
    this.restSum = new Float64Array(this.C + 1);
    this.restGroupMax = new Float64Array(this.C + 1);
  }

  /**
   * Largest contribution each comparison can make to a pair with record `probe` (the record every pair scored
   * next contains), summed and maximised over the comparisons after each position of `order`. Call before
   * `weightAtLeast` with each new probe: a comparison the probe has no value for contributes nothing, and an
   * exact match's TF adjustment is the probe's value's (level 1 means the same value).
   */
  refreshBounds(probe: number): void {
    for (let c = 0; c < this.C; c++) {
      const lw = this.levelWeights[c]!;
      if (this.ds.features[c]!.val.data[probe]! < 0) {
        this.best[c] = 0;
        continue;
      }
      const exactTf = this.tfAdjustment(c, probe);
      // 0: the other record may lack the value (level 0 contributes nothing).
      let m = 0;
      for (let l = 1; l < lw.length; l++) m = Math.max(m, lw[l]! + (l === 1 ? exactTf : 0));
      this.best[c] = m;
    }
    this.restSum[this.C] = 0;
    this.restGroupMax[this.C] = 0;
    for (let k = this.C - 1; k >= 0; k--) {
      const c = this.order[k]!;
      this.restSum[k] = this.restSum[k + 1]! + (this.group[c] === 0 ? this.best[c]! : 0);
      this.restGroupMax[k] = this.group[c] === 0 ? this.restGroupMax[k + 1]! : Math.max(this.restGroupMax[k + 1]!, this.best[c]!);
    }
  }

  /**
   * The pair's weight if it can reach `minW`, else -Infinity without finishing: comparisons run cheapest
   * first and stop once even the best levels of the rest could not lift the pair to `minW`. Pairs that
   * reach it get exactly `weight(i, j)`.
   */
  weightAtLeast(i: number, j: number, minW: number): number {
    const lv = this.scratch;
    // A margin for the different summation order of the bound.
    const floor = minW - 1e-9 - this.priorWeight;
    let sum = 0;
    let gMax = 0;
    let gMin = 0;
    for (let k = 0; k < this.C; k++) {
      const c = this.order[k]!;
      const l = this.levelFns[c]!(i, j);
      lv[c] = l;
      if (l !== 0) {
        const x = this.levelWeights[c]![l]! + (l === 1 ? this.tfAdjustment(c, i) : 0);
        if (this.group[c] === 0) sum += x;
        else if (x > gMax) gMax = x;
        else if (x < gMin) gMin = x;
      }
      if (sum + this.restSum[k + 1]! + Math.max(gMax, this.restGroupMax[k + 1]!) + gMin < floor) return -Infinity;
    }
    return this.weightOfLevels(lv, i);
  }

  /**
   * Sum per-comparison contributions (already in `this.contrib`): address-group terms count only
   * their maximum positive and minimum negative value, other terms add up.
   */
  private combine(keep?: Float64Array): number {
    let w = 0;
    let gMax = 0;
    let gMin = 0;
    let iMax = -1;
    let iMin = -1;
    for (let c = 0; c < this.C; c++) {
      const x = this.contrib[c]!;
      if (this.group[c] === 0) w += x;
      else if (x > gMax) {
        gMax = x;
        iMax = c;
      } else if (x < gMin) {
        gMin = x;
        iMin = c;
      }
    }
    if (keep) for (let c = 0; c < this.C; c++) keep[c] = this.group[c] === 0 || c === iMax || c === iMin ? this.contrib[c]! : 0;
    return w + gMax + gMin;
  }

  /**
   * Term-frequency adjustment for an exact match of comparison c on record i's value:
   * log2(u_exact / frequency(value)) — common values count less, rare ones more.
   */
  tfAdjustment(c: number, i: number): number {
    if (!this.useTf || !this.tfOn[c]) return 0;
    const f = this.ds.features[c]!;
    const v = f.val.data[i]!;
    if (v < 0 || f.dict.total === 0) return 0;
    const freq = Math.max(f.dict.counts.data[v]!, 1) / f.dict.total;
    return Math.log2(this.uExact[c]! / freq);
  }

  /** Weight of a pair from its level vector (with TF adjustments). */
  weightOfLevels(levels: ArrayLike<number>, i: number): number {
    const k = this.contrib;
    for (let c = 0; c < this.C; c++) {
      const l = levels[c]!;
      k[c] = l === 0 ? 0 : this.levelWeights[c]![l]! + (l === 1 ? this.tfAdjustment(c, i) : 0);
    }
    return this.priorWeight + this.combine();
  }

  private readonly scratch = new Uint8Array(64);
  /** Compare and score any two records. */
  weight(i: number, j: number): number {
    const lv = this.scratch;
    for (let c = 0; c < this.C; c++) lv[c] = this.levelFns[c]!(i, j);
    return this.weightOfLevels(lv, i);
  }

  /** Every comparison's level and weight contribution; they sum (with the prior) to the weight. */
  explain(i: number, j: number): PairExplanation {
    const levels = this.levelFns.map((f) => f(i, j));
    const w = this.weightOfLevels(levels, i);
    const kept = new Float64Array(this.C);
    this.combine(kept);
    const terms: ExplainTerm[] = levels.map((l, c) => {
      const spec = this.model.comparisons[c]!;
      const f = this.ds.features[c]!;
      const lw = this.levelWeights[c]![l]!;
      return { comparison: spec.name, role: spec.role, level: spec.levels[l]!, weight: lw, tfAdjustment: l === 1 ? this.tfAdjustment(c, i) : 0, contribution: kept[c]!, valueA: f.display(i), valueB: f.display(j) };
    });
    return { idA: this.ds.ids[i]!, idB: this.ds.ids[j]!, priorWeight: this.priorWeight, terms, weight: w, probability: weightToProbability(w) };
  }
}
