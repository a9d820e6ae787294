import type { EncodedDataset, Feature } from './encoded-dataset.js';
import type { BlockingRuleSpec } from './types.js';

/** Returns an integer key part for record i, or -1 when missing. */
export type PartFn = (i: number) => number;

/** Resolve a key part such as `familyName.phonetic` or `dateOfBirth.year`; null if the role is absent. */
export function resolvePart(ds: EncodedDataset, part: string): PartFn | null {
  const [role, what] = part.split('.') as [string, string];
  const f: Feature | undefined = ds.featureByRole(role);
  if (!f) return null;
  switch (what) {
    case 'value':
      return (i) => f.val.data[i]!;
    case 'phonetic':
    case 'first':
    case 'local':
    case 'last7':
    case 'district':
      return (i) => f.a1.data[i]!;
    case 'last':
    case 'year':
      return (i) => f.a2.data[i]!;
    case 'canonical':
      return (i) => f.a3.data[i] ?? -1;
    case 'anyPhonetic': {
      // Family name's phonetic code, or the given name's when the family name is missing
      // (single-name records often hold the surname in the given-name column).
      const g = ds.featureByRole('givenName');
      const codes = new Map<string, number>();
      const code = (s: string): number => {
        let id = codes.get(s);
        if (id === undefined) codes.set(s, (id = codes.size));
        return id;
      };
      return (i) => {
        const x = f.a1.data[i]!;
        if (x >= 0) return code(f.aux.values[x]!);
        const y = g ? g.a1.data[i]! : -1;
        return y >= 0 ? code(g!.aux.values[y]!) : -1;
      };
    }
    case 'initial':
      return (i) => {
        const v = f.val.data[i]!;
        return v < 0 ? -1 : f.dict.values[v]!.charCodeAt(0);
      };
    default:
      return null;
  }
}

// Candidate rules in priority order; those whose roles are absent or that prove unselective are skipped.
const CANDIDATE_RULES: string[][] = [
  ['identifier.value'],
  ['email.value'],
  ['email.local'],
  ['phone.last7'],
  ['familyName.anyPhonetic', 'dateOfBirth.year'],
  ['givenName.canonical', 'familyName.phonetic'],
  ['dateOfBirth.value'],
  ['postcode.value', 'givenName.initial'],
  ['postcode.value', 'familyName.initial'],
  ['givenName.value', 'dateOfBirth.year'],
  ['familyName.value', 'city.value'],
  ['fullName.first', 'fullName.last'],
  ['fullName.last', 'dateOfBirth.year'],
  ['fullName.first', 'dateOfBirth.year'],
  ['postcode.value', 'fullName.last'],
  ['familyName.anyPhonetic', 'postcode.district'],
  ['givenName.canonical', 'dateOfBirth.year'],
  ['text.value', 'familyName.anyPhonetic'],
  ['text.value', 'fullName.last'],
];

// Parts tried, in order, to split a block that is too large.
const REFINEMENTS = ['dateOfBirth.year', 'givenName.initial', 'familyName.initial', 'postcode.value', 'city.value', 'fullName.first', 'dateOfBirth.value'];

/** Options for blocking. */
export interface BlockingOptions {
  /** Largest block compared in full; larger blocks are split, then dropped with a warning. */
  maxBlockSize: number;
  /** A rule producing more pairs than `pairBudgetPerRecord × records` is dropped as unselective. */
  pairBudgetPerRecord: number;
  /** Link mode: only pairs across sources 0 and 1. */
  link: boolean;
  warn: (msg: string) => void;
}

/** A blocking rule evaluated on a dataset: effective key per record (-1 = not blocked). */
export interface BlockedRule {
  spec: BlockingRuleSpec;
  keys: Int32Array;
  /** Record indices sorted by key, and block boundaries into it. */
  order: Int32Array;
  starts: Int32Array;
  pairs: number;
  cappedBlocks: number;
  droppedRecords: number;
}

function keysFor(ds: EncodedDataset, parts: PartFn[], subset: Int32Array | null, base: Int32Array | null): Int32Array {
  const n = subset ? subset.length : ds.size;
  const out = new Int32Array(n);
  const intern = new Map<number, number>();
  for (let k = 0; k < n; k++) {
    const i = subset ? subset[k]! : k;
    let key = base ? base[i]! : parts[0]!(i);
    for (let p = base ? 0 : 1; p < parts.length && key >= 0; p++) {
      const x = parts[p]!(i);
      if (x < 0) {
        key = -1;
        break;
      }
      const c = key * 16777216 + x;
      let id = intern.get(c);
      if (id === undefined) {
        id = intern.size;
        intern.set(c, id);
      }
      key = id;
    }
    out[k] = key;
  }
  return out;
}

function pairsIn(ds: EncodedDataset, members: ArrayLike<number>, from: number, to: number, link: boolean): number {
  const s = to - from;
  if (!link) return (s * (s - 1)) / 2;
  let a = 0;
  for (let k = from; k < to; k++) if (ds.source.data[members[k]!] === 0) a++;
  return a * (s - a);
}

/** Group records by key: counting sort → (order, starts); keys < 0 are left out. */
function group(keys: Int32Array): { order: Int32Array; starts: Int32Array } {
  let max = -1;
  for (const k of keys) if (k > max) max = k;
  const counts = new Int32Array(max + 2);
  let m = 0;
  for (const k of keys) if (k >= 0) {
    counts[k + 1]!++;
    m++;
  }
  for (let k = 1; k < counts.length; k++) counts[k]! += counts[k - 1]!;
  const starts = counts.slice();
  const order = new Int32Array(m);
  const pos = counts;
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    if (k >= 0) order[pos[k]!++] = i;
  }
  return { order, starts };
}

/** Evaluate one rule: keys, caps by splitting large blocks with refinement parts, then dropping. */
export function evaluateRule(ds: EncodedDataset, spec: BlockingRuleSpec, opts: BlockingOptions): BlockedRule | null {
  const parts = spec.parts.map((p) => resolvePart(ds, p));
  if (parts.some((p) => p === null)) return null;
  const keys = keysFor(ds, parts as PartFn[], null, null);
  let nextKey = 0;
  for (const k of keys) if (k >= nextKey) nextKey = k + 1;
  let { order, starts } = group(keys);
  let capped = 0;
  let dropped = 0;
  const refinements = REFINEMENTS.filter((r) => !spec.parts.includes(r)).map((r) => resolvePart(ds, r)).filter((p): p is PartFn => p !== null);
  let changed = false;
  for (let b = 0; b + 1 < starts.length; b++) {
    const s = starts[b + 1]! - starts[b]!;
    if (s <= opts.maxBlockSize) continue;
    capped++;
    changed = true;
    // Split: refine this block's members by successive parts until every piece fits.
    let pending: Int32Array[] = [order.subarray(starts[b]!, starts[b + 1]!).slice()];
    for (const ref of refinements) {
      const next: Int32Array[] = [];
      for (const members of pending) {
        const sub = keysFor(ds, [ref], members, null);
        const byKey = new Map<number, number[]>();
        members.forEach((i, k) => {
          const key = sub[k]!;
          if (key < 0) {
            keys[i] = -1;
            dropped++;
            return;
          }
          const l = byKey.get(key);
          if (l) l.push(i);
          else byKey.set(key, [i]);
        });
        for (const l of byKey.values()) {
          const id = nextKey++;
          for (const i of l) keys[i] = id;
          if (l.length > opts.maxBlockSize) next.push(Int32Array.from(l));
        }
      }
      pending = next;
      if (pending.length === 0) break;
    }
    for (const members of pending) {
      for (const i of members) keys[i] = -1;
      dropped += members.length;
    }
  }
  if (changed) ({ order, starts } = group(keys));
  let pairs = 0;
  for (let b = 0; b + 1 < starts.length; b++) pairs += pairsIn(ds, order, starts[b]!, starts[b + 1]!, opts.link);
  if (capped > 0) opts.warn(`blocking rule ${spec.name}: ${capped} oversized block(s) split or capped at ${opts.maxBlockSize} records (${dropped} records left to other rules)`);
  return { spec, keys, order, starts, pairs, cappedBlocks: capped, droppedRecords: dropped };
}

/** Rule specs from part lists. */
export function ruleSpec(parts: string[]): BlockingRuleSpec {
  return { name: parts.join('+'), parts };
}

/**
 * Choose blocking rules from the data: every candidate rule whose roles exist, that covers at least
 * 1% of records and stays under the pair budget after capping.
 */
export function chooseRules(ds: EncodedDataset, opts: BlockingOptions, fixed?: BlockingRuleSpec[]): BlockedRule[] {
  const out: BlockedRule[] = [];
  const perRule = Math.max(100_000, opts.pairBudgetPerRecord * ds.size);
  // All rules together get four times one rule's budget: at scale later (weaker) rules are tightened.
  let remaining = perRule * 4;
  const specs = fixed ?? CANDIDATE_RULES.map(ruleSpec);
  const hasNames = ds.featureByRole('givenName') !== undefined && ds.featureByRole('familyName') !== undefined;
  for (const spec of specs) {
    // Full-name keys only stand in for missing given/family name columns.
    if (!fixed && hasNames && spec.parts.some((p) => p.startsWith('fullName.'))) continue;
    const budget = Math.min(perRule, remaining);
    let r = evaluateRule(ds, spec, { ...opts, warn: () => {} });
    // Too many pairs: tighten this rule's block cap (large blocks get split further) before giving up.
    for (let cap = opts.maxBlockSize >> 1; r && r.pairs > budget && cap >= 25; cap >>= 1) r = evaluateRule(ds, spec, { ...opts, maxBlockSize: cap, warn: () => {} });
    if (r === null) continue;
    if (r.cappedBlocks > 0) opts.warn(`blocking rule ${spec.name}: ${r.cappedBlocks} oversized block(s) split or capped (${r.droppedRecords} records left to other rules)`);
    if (!fixed) {
      if (r.order.length < ds.size * 0.01) continue;
      if (r.pairs > budget) {
        opts.warn(`blocking rule ${spec.name} dropped: ${r.pairs} candidate pairs exceed the budget of ${budget}`);
        continue;
      }
    }
    out.push(r);
    remaining -= r.pairs;
    if (out.length >= 30) break;
  }
  return out;
}

/**
 * Visit every candidate pair once: pairs are attributed to the first rule that blocks them.
 * `mask` has bit r set for every rule r whose key the two records share (used for EM per rule).
 */
export function forEachCandidatePair(
  ds: EncodedDataset,
  rules: BlockedRule[],
  link: boolean,
  visit: (a: number, b: number, mask: number) => void,
  shard = 0,
  shards = 1,
): void {
  const src = ds.source.data;
  const R = rules.length;
  const keyArrays = rules.map((r) => r.keys);
  let blockNo = 0;
  for (let r = 0; r < R; r++) {
    const { order, starts } = rules[r]!;
    for (let b = 0; b + 1 < starts.length; b++) {
      const from = starts[b]!;
      const to = starts[b + 1]!;
      if (to - from < 2) continue;
      if (blockNo++ % shards !== shard) continue;
      for (let x = from; x < to; x++) {
        const i = order[x]!;
        for (let y = x + 1; y < to; y++) {
          const j = order[y]!;
          if (link && src[i] === src[j]) continue;
          let seen = false;
          let mask = 1 << r;
          for (let q = 0; q < R; q++) {
            if (q === r) continue;
            const kq = keyArrays[q]!;
            const ki = kq[i]!;
            if (ki >= 0 && ki === kq[j]) {
              if (q < r) {
                seen = true;
                break;
              }
              mask |= 1 << q;
            }
          }
          if (seen) continue;
          if (i < j) visit(i, j, mask);
          else visit(j, i, mask);
        }
      }
    }
  }
}
