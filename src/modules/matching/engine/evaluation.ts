/** Pairwise quality of predicted clusters against the truth. */
export interface PairwiseScores {
  truePairs: number;
  predictedPairs: number;
  correctPairs: number;
  precision: number;
  recall: number;
  f1: number;
}

function pairsWithin(sizes: Iterable<number>): number {
  let s = 0;
  for (const n of sizes) s += (n * (n - 1)) / 2;
  return s;
}

function groupSizes(labels: Iterable<string>): Map<string, number> {
  const m = new Map<string, number>();
  for (const l of labels) m.set(l, (m.get(l) ?? 0) + 1);
  return m;
}

/** Pairwise precision/recall/F1 of a record → cluster labelling against record → entity truth. */
export function pairwiseScores(predicted: Map<string, string>, truth: Map<string, string>): PairwiseScores {
  const ids = [...predicted.keys()].filter((id) => truth.has(id));
  const predPairs = pairsWithin(groupSizes(ids.map((id) => predicted.get(id)!)).values());
  const truePairs = pairsWithin(groupSizes(ids.map((id) => truth.get(id)!)).values());
  const both = pairsWithin(groupSizes(ids.map((id) => `${predicted.get(id)}\u0000${truth.get(id)}`)).values());
  return score(truePairs, predPairs, both);
}

/** Precision/recall/F1 of predicted links (a, b) against true links. */
export function linkScores(predicted: Array<[string, string]>, truth: Array<[string, string]>): PairwiseScores {
  const t = new Set(truth.map(([a, b]) => `${a}\u0000${b}`));
  const p = new Set(predicted.map(([a, b]) => `${a}\u0000${b}`));
  let correct = 0;
  for (const k of p) if (t.has(k)) correct++;
  return score(t.size, p.size, correct);
}

function score(truePairs: number, predictedPairs: number, correctPairs: number): PairwiseScores {
  const precision = predictedPairs ? correctPairs / predictedPairs : 1;
  const recall = truePairs ? correctPairs / truePairs : 1;
  const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
  return { truePairs, predictedPairs, correctPairs, precision, recall, f1 };
}
