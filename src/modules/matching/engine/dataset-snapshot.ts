import type { Dict, Int32Vec } from './int-vec.js';
import { EncodedDataset, type Feature } from './encoded-dataset.js';
import type { ComparisonSpec } from './types.js';

/** Plain, structured-clone-friendly copy of one Feature (for worker threads). */
export interface FeatureSnapshot {
  values: string[];
  counts: Int32Array;
  total: number;
  aux: string[];
  val: Int32Array;
  a1: Int32Array;
  a2: Int32Array;
  a3: Int32Array;
  tokOff: Int32Array;
  tokens: Int32Array;
}

/** Plain copy of an EncodedDataset. */
export interface DatasetSnapshot {
  specs: ComparisonSpec[];
  ids: string[];
  source: Int32Array;
  features: FeatureSnapshot[];
}

function snapFeature(f: Feature): FeatureSnapshot {
  return {
    values: f.dict.values,
    counts: f.dict.counts.data.subarray(0, f.dict.counts.length),
    total: f.dict.total,
    aux: f.aux.values,
    val: f.val.data.subarray(0, f.val.length),
    a1: f.a1.data.subarray(0, f.a1.length),
    a2: f.a2.data.subarray(0, f.a2.length),
    a3: f.a3.data.subarray(0, f.a3.length),
    tokOff: f.tokOff.data.subarray(0, f.tokOff.length),
    tokens: f.tokens.data.subarray(0, f.tokens.length),
  };
}

/** Snapshot a dataset (ids left out: workers only need indices). */
export function snapshotDataset(ds: EncodedDataset): DatasetSnapshot {
  return { specs: ds.specs, ids: [], source: ds.source.data.subarray(0, ds.source.length), features: ds.features.map(snapFeature) };
}

function fill(vec: Int32Vec, data: Int32Array): void {
  vec.data = data;
  vec.length = data.length;
}

// Workers only read values by id: the value → id map is not rebuilt (it would cost as much again).
function fillDict(d: Dict, values: string[], counts?: Int32Array, total = 0): void {
  for (const v of values) d.values.push(v);
  if (counts) fill(d.counts, counts);
  d.total = total;
}

/** Rebuild a dataset from a snapshot. */
export function restoreDataset(s: DatasetSnapshot): EncodedDataset {
  const ds = new EncodedDataset(s.specs, 16);
  fill(ds.source, s.source);
  for (let i = 0; i < s.source.length; i++) ds.ids.push('');
  ds.features.forEach((f, k) => {
    const x = s.features[k]!;
    fillDict(f.dict, x.values, x.counts, x.total);
    fillDict(f.aux, x.aux);
    fill(f.val, x.val);
    fill(f.a1, x.a1);
    fill(f.a2, x.a2);
    fill(f.a3, x.a3);
    fill(f.tokOff, x.tokOff);
    fill(f.tokens, x.tokens);
  });
  for (let i = 0; i < s.source.length; i++) ds.pushRow(i);
  return ds;
}
