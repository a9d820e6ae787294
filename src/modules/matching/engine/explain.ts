import { buildComparisonSpecs } from './comparison-specs.js';
import { EncodedDataset } from './encoded-dataset.js';
import { Scorer } from './scoring.js';
import type { MatchModel, MatchRecord, PairExplanation } from './types.js';

/**
 * Explain two records under a model: every comparison's level and weight; prior + Σ contributions
 * equals the weight. Without a population there are no value frequencies, so no TF adjustment
 * (use `MatchIndex.explain` or a run's `explain` for TF-adjusted figures).
 */
export function explainPair(model: MatchModel, a: MatchRecord, b: MatchRecord): PairExplanation {
  const ds = new EncodedDataset(buildComparisonSpecs(model.roles), 2);
  ds.add(a);
  ds.add(b);
  return new Scorer(ds, model, false).explain(0, 1);
}
