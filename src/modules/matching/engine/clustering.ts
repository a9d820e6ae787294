/** An edge between two records with its match weight. */
export interface Edge {
  a: number;
  b: number;
  weight: number;
}

/** Options for clustering. */
export interface ClusterOptions {
  /** Edges at or above this weight join clusters. */
  minWeight: number;
  /**
   * Conflict test for two records (e.g. their full weight below the model's conflict weight).
   * Two clusters are not merged when any cross pair conflicts: this stops A~B~C chains glueing
   * records that clearly differ.
   */
  conflicts?: (i: number, j: number) => boolean;
  /**
   * Evidence of a cross pair (weight minus prior). When given, two clusters merge only if at most
   * `maxNegativeShare` of their cross pairs have negative evidence (majority support).
   */
  evidence?: (i: number, j: number) => number;
  maxNegativeShare?: number;
  /** Most cross pairs checked per merge; larger merges are checked on a spread sample. */
  maxGuardWork?: number;
}

/**
 * Cluster records: strongest edges first (Kruskal order), merging two clusters only when no pair
 * across them conflicts. Returns a cluster index per record (0 … k-1, singletons included).
 */
export function clusterRecords(n: number, edgesA: Int32Array, edgesB: Int32Array, weights: Float64Array, opts: ClusterOptions): Int32Array {
  const parent = new Int32Array(n);
  for (let i = 0; i < n; i++) parent[i] = i;
  const members = new Map<number, number[]>();
  const find = (x: number): number => {
    while (parent[x] !== x) {
      parent[x] = parent[parent[x]!]!;
      x = parent[x]!;
    }
    return x;
  };
  const idx: number[] = [];
  for (let e = 0; e < weights.length; e++) if (weights[e]! >= opts.minWeight) idx.push(e);
  idx.sort((x, y) => weights[y]! - weights[x]!);
  const maxWork = opts.maxGuardWork ?? 400;
  const membersOf = (r: number): number[] => members.get(r) ?? [r];
  for (const e of idx) {
    const ra = find(edgesA[e]!);
    const rb = find(edgesB[e]!);
    if (ra === rb) continue;
    const ma = membersOf(ra);
    const mb = membersOf(rb);
    if ((opts.conflicts || opts.evidence) && (ma.length > 1 || mb.length > 1)) {
      // Large merges are checked on an evenly spread sample of cross pairs (bounded work).
      const total = ma.length * mb.length;
      const step = total <= maxWork ? 1 : total / maxWork;
      const checks = Math.min(total, maxWork);
      const allowed = Math.floor((opts.maxNegativeShare ?? 1) * checks);
      let bad = false;
      let negative = 0;
      for (let s = 0; s < checks; s++) {
        const k = Math.floor(s * step);
        const i = ma[Math.floor(k / mb.length)]!;
        const j = mb[k % mb.length]!;
        if ((opts.conflicts && opts.conflicts(i, j)) || (opts.evidence && opts.evidence(i, j) < 0 && ++negative > allowed)) {
          bad = true;
          break;
        }
      }
      if (bad) continue;
    }
    // Union by size; keep member lists for the guard.
    const [big, small, mBig, mSmall] = ma.length >= mb.length ? [ra, rb, ma, mb] : [rb, ra, mb, ma];
    parent[small] = big;
    if (!members.has(big)) members.set(big, mBig.slice());
    const list = members.get(big)!;
    for (const x of mSmall) list.push(x);
    members.delete(small);
  }
  const out = new Int32Array(n);
  const ids = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const r = find(i);
    let c = ids.get(r);
    if (c === undefined) {
      c = ids.size;
      ids.set(r, c);
    }
    out[i] = c;
  }
  return out;
}
