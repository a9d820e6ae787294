import { Int32Vec } from './int-vec.js';
import { forEachCandidatePair, type BlockedRule } from './blocking.js';
import type { LevelFn } from './comparators.js';
import type { EncodedDataset } from './encoded-dataset.js';

/** Candidate pairs with their comparison patterns, compactly stored. */
export interface CandidateSet {
  a: Int32Vec;
  b: Int32Vec;
  /** Index of each pair's comparison-level pattern in `patterns`. */
  pattern: Int32Vec;
  /** Distinct level vectors (one byte per comparison). */
  patterns: Uint8Array[];
  /** count of pairs per (pattern index, rule mask), keyed `pattern * 2^31 + mask`. */
  maskCounts: Map<number, number>;
  perRule: number[];
}

/** Interns level vectors into pattern ids. */
export class PatternTable {
  readonly patterns: Uint8Array[] = [];
  private readonly ids = new Map<number | string, number>();
  private readonly radix: number[];
  private readonly numeric: boolean;
  constructor(levelCounts: number[]) {
    this.radix = levelCounts;
    this.numeric = levelCounts.reduce((p, x) => p * x, 1) < 2 ** 52;
  }
  intern(levels: Uint8Array): number {
    let key: number | string;
    if (this.numeric) {
      let k = 0;
      for (let c = 0; c < levels.length; c++) k = k * this.radix[c]! + levels[c]!;
      key = k;
    } else key = levels.join(',');
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.patterns.length;
      this.ids.set(key, id);
      this.patterns.push(levels.slice());
    }
    return id;
  }
}

/** Generate and compare all candidate pairs (single thread; see the worker pool for parallel runs). */
export function collectCandidates(
  ds: EncodedDataset,
  rules: BlockedRule[],
  levelFns: LevelFn[],
  link: boolean,
  shard = 0,
  shards = 1,
  onProgress?: (pairs: number) => void,
): CandidateSet {
  const table = new PatternTable(ds.specs.map((s) => s.levels.length));
  const C = levelFns.length;
  const levels = new Uint8Array(C);
  const a = new Int32Vec(1 << 16);
  const b = new Int32Vec(1 << 16);
  const pattern = new Int32Vec(1 << 16);
  const maskCounts = new Map<number, number>();
  const perRule = new Array<number>(rules.length).fill(0);
  let lastPattern = -1;
  let lastMask = -1;
  let run = 0;
  const flush = (): void => {
    if (run === 0) return;
    const key = lastPattern * 2147483648 + lastMask;
    maskCounts.set(key, (maskCounts.get(key) ?? 0) + run);
    run = 0;
  };
  forEachCandidatePair(
    ds,
    rules,
    link,
    (i, j, mask) => {
      for (let c = 0; c < C; c++) levels[c] = levelFns[c]!(i, j);
      const p = table.intern(levels);
      a.push(i);
      b.push(j);
      pattern.push(p);
      perRule[31 - Math.clz32(mask & -mask)]!++;
      if (p !== lastPattern || mask !== lastMask) {
        flush();
        lastPattern = p;
        lastMask = mask;
      }
      run++;
      if (onProgress && (a.length & 0xfffff) === 0) onProgress(a.length);
    },
    shard,
    shards,
  );
  flush();
  return { a, b, pattern, patterns: table.patterns, maskCounts, perRule };
}
