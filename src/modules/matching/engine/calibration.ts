import { buildComparisonSpecs } from './comparison-specs.js';
import { EncodedDataset } from './encoded-dataset.js';
import { buildLevelFns } from './comparators.js';
import type { MatchModel, MatchRecord } from './types.js';

/** A steward's decision on a pair of records. */
export interface LabelledPair {
  a: MatchRecord;
  b: MatchRecord;
  match: boolean;
}

/**
 * Calibrate a model with labelled pairs: m-probabilities become a blend of the EM estimate and the
 * level frequencies among labelled matches (`priorStrength` pseudo-pairs for the EM side).
 * u stays from random pairs. Returns a new model.
 */
export function calibrateModel(model: MatchModel, labels: LabelledPair[], priorStrength = 50): MatchModel {
  const matches = labels.filter((l) => l.match);
  if (matches.length === 0) return model;
  const ds = new EncodedDataset(buildComparisonSpecs(model.roles), matches.length * 2);
  for (const l of matches) {
    ds.add(l.a);
    ds.add(l.b);
  }
  const fns = buildLevelFns(ds);
  const comparisons = model.comparisons.map((c, k) => {
    const counts = new Float64Array(c.levels.length);
    for (let p = 0; p < matches.length; p++) counts[fns[k]!(2 * p, 2 * p + 1)]!++;
    let seen = 0;
    for (let l = 1; l < counts.length; l++) seen += counts[l]!;
    const m = c.m.map((old, l) => (l === 0 ? 0 : Math.max(1e-6, (old * priorStrength + counts[l]!) / (priorStrength + seen))));
    return { ...c, m };
  });
  return { ...model, comparisons, training: { ...model.training, calibratedWithLabels: labels.length } };
}
