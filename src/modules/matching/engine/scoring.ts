import { buildLevelFns, type LevelFn } from './comparators.js';
import type { EncodedDataset } from './encoded-dataset.js';
import type { ExplainTerm, MatchModel, PairExplanation } from './types.js';

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
  constructor(readonly ds: EncodedDataset, readonly model: MatchModel) {
    if (ds.specs.length !== model.comparisons.length) throw new Error('model and dataset comparisons differ');
    this.levelFns = buildLevelFns(ds);
    this.levelWeights = model.comparisons.map((c) => Float64Array.from(c.m.map((m, l) => (l === 0 ? 0 : Math.log2(Math.max(m, 1e-12) / Math.max(c.u[l]!, 1e-12))))));
    this.priorWeight = probabilityToWeight(model.lambda);
    this.uExact = model.comparisons.map((c) => c.u[1] ?? 1);
    this.tfOn = model.comparisons.map((c) => c.tf);
    this.C = model.comparisons.length;
  }

  /**
   * Term-frequency adjustment for an exact match of comparison c on record i's value:
   * log2(u_exact / frequency(value)) — common values count less, rare ones more.
   */
  tfAdjustment(c: number, i: number): number {
    if (!this.tfOn[c]) return 0;
    const f = this.ds.features[c]!;
    const v = f.val.data[i]!;
    if (v < 0 || f.dict.total === 0) return 0;
    const freq = Math.max(f.dict.counts.data[v]!, 1) / f.dict.total;
    return Math.log2(this.uExact[c]! / freq);
  }

  /** Weight of a pair from its level vector (with TF adjustments). */
  weightOfLevels(levels: ArrayLike<number>, i: number): number {
    let w = this.priorWeight;
    for (let c = 0; c < this.C; c++) {
      const l = levels[c]!;
      if (l === 0) continue;
      w += this.levelWeights[c]![l]!;
      if (l === 1) w += this.tfAdjustment(c, i);
    }
    return w;
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
    const terms: ExplainTerm[] = [];
    let w = this.priorWeight;
    for (let c = 0; c < this.C; c++) {
      const spec = this.model.comparisons[c]!;
      const l = this.levelFns[c]!(i, j);
      const lw = this.levelWeights[c]![l]!;
      const tf = l === 1 ? this.tfAdjustment(c, i) : 0;
      w += lw + tf;
      const f = this.ds.features[c]!;
      terms.push({ comparison: spec.name, role: spec.role, level: spec.levels[l]!, weight: lw, tfAdjustment: tf, valueA: f.display(i), valueB: f.display(j) });
    }
    return { idA: this.ds.ids[i]!, idB: this.ds.ids[j]!, priorWeight: this.priorWeight, terms, weight: w, probability: weightToProbability(w) };
  }
}
