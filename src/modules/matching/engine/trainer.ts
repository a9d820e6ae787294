import type { BlockedRule } from './blocking.js';
import type { CandidateSet } from './candidate-pairs.js';
import { initialM, runEm } from './em-trainer.js';
import type { EncodedDataset } from './encoded-dataset.js';
import { Scorer, weightToProbability } from './scoring.js';
import type { ComparisonParams, MatchModel, RoleMapping } from './types.js';

/** Settings that shape a freshly trained model. */
export interface TrainSettings {
  threshold: number;
  conflictWeight: number;
  randomPairs: number;
  link: boolean;
}

// EM also fits the non-match level distribution among candidates (see em-trainer).
const FREE_U = true;
const NAME_ROLES = ['givenName', 'familyName', 'fullName', 'middleName'];

// A rule conditions on the roles it blocks on; name roles are correlated, so blocking on any name
// part takes all name comparisons out of that rule's EM.
function rolesOfRule(rule: BlockedRule): Set<string> {
  const roles = new Set(rule.spec.parts.map((p) => p.split('.')[0]!));
  if (NAME_ROLES.some((r) => roles.has(r))) for (const r of NAME_ROLES) roles.add(r);
  return roles;
}

/**
 * Train m (EM per blocking rule, leaving out the comparisons the rule blocks on, as Splink does)
 * and λ (fixed point over all candidate pairs), with u given from random pairs.
 */
export function trainFromCandidates(ds: EncodedDataset, roles: RoleMapping, rules: BlockedRule[], cands: CandidateSet, u: number[][], s: TrainSettings): MatchModel {
  const specs = ds.specs;
  const C = specs.length;
  const levelCounts = specs.map((x) => x.levels.length);
  const mSum = specs.map((x) => new Float64Array(x.levels.length));
  const mWeight = new Float64Array(C);
  let iterations = 0;
  const P = cands.patterns.length;
  for (let r = 0; r < rules.length; r++) {
    const counts = new Float64Array(P);
    let total = 0;
    for (const [key, cnt] of cands.maskCounts) {
      const mask = key % 2147483648;
      if ((mask & (1 << r)) === 0) continue;
      counts[Math.floor(key / 2147483648)]! += cnt;
      total += cnt;
    }
    if (total < 20) continue;
    const blocked = rolesOfRule(rules[r]!);
    const included = specs.map((x) => !blocked.has(x.role));
    if (!included.some(Boolean)) continue;
    // Only this rule's patterns (most patterns occur under one rule only).
    const pats: Uint8Array[] = [];
    const cnts: number[] = [];
    for (let p = 0; p < P; p++) if (counts[p]! > 0) {
      pats.push(cands.patterns[p]!);
      cnts.push(counts[p]!);
    }
    const res = runEm({ patterns: pats, counts: Float64Array.from(cnts) }, u, included, initialM(levelCounts), 0.3, 100, 1e-5, FREE_U);
    iterations += res.iterations;
    if (res.expectedMatches < 5) continue;
    for (let c = 0; c < C; c++) {
      if (!included[c]) continue;
      for (let l = 1; l < levelCounts[c]!; l++) mSum[c]![l]! += res.m[c]![l]! * res.expectedMatches;
      mWeight[c]! += res.expectedMatches;
    }
  }
  // Comparisons never estimated (e.g. only one rule, which blocks on them): EM over all pairs.
  const allCounts = new Float64Array(P);
  for (const [key, cnt] of cands.maskCounts) allCounts[Math.floor(key / 2147483648)]! += cnt;
  let fallback: number[][] | null = null;
  if (mWeight.some((w) => w === 0)) {
    const res = runEm({ patterns: cands.patterns, counts: allCounts }, u, specs.map(() => true), initialM(levelCounts), 0.3);
    iterations += res.iterations;
    fallback = res.m;
  }
  const m = specs.map((_, c) => {
    if (mWeight[c]! > 0) return Array.from(mSum[c]!, (x, l) => (l === 0 ? 0 : x / mWeight[c]!));
    return fallback![c]!;
  });
  const comparisons: ComparisonParams[] = specs.map((x, c) => ({ name: x.name, role: x.role, column: x.column, kind: x.kind, levels: x.levels, m: m[c]!, u: u[c]!, tf: x.tf }));
  const n = ds.size;
  let nA = 0;
  for (let i = 0; i < n; i++) if (ds.source.data[i] === 0) nA++;
  const totalPairs = s.link ? nA * (n - nA) : (n * (n - 1)) / 2;
  const model: MatchModel = {
    format: 'custodian-match-model',
    version: 1,
    createdAt: new Date().toISOString(),
    roles,
    lambda: Math.min(0.5, Math.max(1e-12, (cands.a.length * 0.2) / Math.max(1, totalPairs))),
    comparisons,
    blockingRules: rules.map((r) => r.spec),
    threshold: s.threshold,
    conflictWeight: s.conflictWeight,
    training: { records: n, candidatePairs: cands.a.length, randomPairs: s.randomPairs, emIterations: iterations },
  };
  // λ: expected matches among candidates (assumed to contain nearly all matches) / all pairs.
  const pw = cands.patterns.map((pat) => {
    let w = 0;
    for (let c = 0; c < C; c++) if (pat[c]! > 0) w += Math.log2(Math.max(m[c]![pat[c]!]!, 1e-12) / Math.max(u[c]![pat[c]!]!, 1e-12));
    return w;
  });
  for (let it = 0; it < 50; it++) {
    const prior = Math.log2(model.lambda / (1 - model.lambda));
    let expected = 0;
    for (let p = 0; p < P; p++) expected += allCounts[p]! * weightToProbability(prior + pw[p]!);
    const next = Math.min(0.5, Math.max(1e-12, expected / Math.max(1, totalPairs)));
    const done = Math.abs(Math.log(next / model.lambda)) < 1e-4;
    model.lambda = next;
    if (done) break;
  }
  return model;
}

/** Convenience: a Scorer for a dataset and model. */
export function scorerFor(ds: EncodedDataset, model: MatchModel): Scorer {
  return new Scorer(ds, model);
}
