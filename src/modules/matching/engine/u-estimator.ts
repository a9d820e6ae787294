import type { LevelFn } from './comparators.js';
import type { EncodedDataset } from './encoded-dataset.js';
import { mulberry32 } from './random.js';

/**
 * u-probabilities: the distribution of comparison levels among random record pairs
 * (almost all non-matches). Link mode samples pairs across the two sources.
 */
export function estimateU(ds: EncodedDataset, levelFns: LevelFn[], samples: number, seed: number, link: boolean): { u: number[][]; pairs: number } {
  const n = ds.size;
  const rnd = mulberry32(seed);
  const counts = ds.specs.map((s) => new Float64Array(s.levels.length));
  const srcA: number[] = [];
  const srcB: number[] = [];
  if (link) for (let i = 0; i < n; i++) (ds.source.data[i] === 0 ? srcA : srcB).push(i);
  const total = link ? srcA.length * srcB.length : (n * (n - 1)) / 2;
  const k = Math.min(samples, total);
  let done = 0;
  for (let s = 0; s < k; s++) {
    let i: number;
    let j: number;
    if (link) {
      i = srcA[Math.floor(rnd() * srcA.length)]!;
      j = srcB[Math.floor(rnd() * srcB.length)]!;
    } else {
      i = Math.floor(rnd() * n);
      j = Math.floor(rnd() * (n - 1));
      if (j >= i) j++;
    }
    for (let c = 0; c < levelFns.length; c++) counts[c]![levelFns[c]!(i, j)]!++;
    done++;
  }
  const u = counts.map((cnt) => {
    let nonNull = 0;
    for (let l = 1; l < cnt.length; l++) nonNull += cnt[l]!;
    // Additive smoothing keeps unseen levels (e.g. exact identifier) from u = 0.
    const alpha = 0.5;
    const denom = nonNull + alpha * (cnt.length - 1);
    const out = [0];
    for (let l = 1; l < cnt.length; l++) out.push(denom > 0 ? (cnt[l]! + alpha) / denom : 1 / (cnt.length - 1));
    return out;
  });
  return { u, pairs: done };
}
