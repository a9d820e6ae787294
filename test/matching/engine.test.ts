import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { chooseRules, evaluateRule, forEachCandidatePair, ruleSpec } from '../../src/modules/matching/engine/blocking.js';
import { clusterRecords } from '../../src/modules/matching/engine/clustering.js';
import { buildComparisonSpecs } from '../../src/modules/matching/engine/comparison-specs.js';
import { EncodedDataset } from '../../src/modules/matching/engine/encoded-dataset.js';
import { initialM, runEm } from '../../src/modules/matching/engine/em-trainer.js';
import { mulberry32 } from '../../src/modules/matching/engine/random.js';
import { MatchIndex, dedupe, explainPair, loadModel, modelFromJson, modelToJson, saveModel, calibrateModel, type MatchRecord } from '../../src/modules/matching/engine/index.js';
import { detectRole } from '../../src/modules/matching/engine/roles.js';
import { Scorer, probabilityToWeight } from '../../src/modules/matching/engine/scoring.js';

const FIRST = ['james', 'mary', 'john', 'patricia', 'robert', 'jennifer', 'michael', 'linda', 'william', 'elizabeth', 'david', 'barbara', 'richard', 'susan', 'joseph', 'jessica'];
const LAST = ['smith', 'johnson', 'williams', 'brown', 'jones', 'garcia', 'miller', 'davis', 'rodriguez', 'martinez', 'hernandez', 'lopez', 'gonzalez', 'wilson', 'anderson', 'thomas', 'zbyszewski', 'okonkwo'];

/** Small seeded population with typo'd duplicates; truth in the id (`e<entity>-<k>`). */
function population(entities: number, seed = 1): MatchRecord[] {
  const rnd = mulberry32(seed);
  const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const out: MatchRecord[] = [];
  for (let e = 0; e < entities; e++) {
    const base = {
      first_name: pick(FIRST),
      last_name: pick(LAST),
      dob: `${1940 + Math.floor(rnd() * 60)}-${String(1 + Math.floor(rnd() * 12)).padStart(2, '0')}-${String(1 + Math.floor(rnd() * 28)).padStart(2, '0')}`,
      email: '',
      postcode: String(2000 + Math.floor(rnd() * 800)),
      city: pick(['springfield', 'riverton', 'lakeside', 'hillview', 'brookfield']),
    };
    base.email = `${base.first_name}.${base.last_name}${Math.floor(rnd() * 1000)}@example.com`;
    const copies = rnd() < 0.4 ? 2 + Math.floor(rnd() * 2) : 1;
    for (let k = 0; k < copies; k++) {
      const f: Record<string, string | null> = { ...base };
      if (k > 0) {
        const r = rnd();
        if (r < 0.3) f.first_name = base.first_name.slice(0, -1) + 'x';
        else if (r < 0.5) f.email = null;
        else if (r < 0.7) f.dob = base.dob.slice(0, 8) + String(1 + Math.floor(rnd() * 28)).padStart(2, '0');
        else if (r < 0.8) f.postcode = null;
      }
      out.push({ id: `e${e}-${k}`, fields: f });
    }
  }
  return out;
}

function pairF1(ids: string[], clusterOf: Int32Array): number {
  const ent = ids.map((id) => id.split('-')[0]!);
  let tp = 0;
  let pred = 0;
  let truth = 0;
  for (let i = 0; i < ids.length; i++) {
    for (let j = i + 1; j < ids.length; j++) {
      const p = clusterOf[i] === clusterOf[j];
      const t = ent[i] === ent[j];
      if (p) pred++;
      if (t) truth++;
      if (p && t) tp++;
    }
  }
  return (2 * tp) / (pred + truth);
}

describe('role detection', () => {
  it('recognises common column names', () => {
    expect(detectRole('first_name')).toBe('givenName');
    expect(detectRole('Surname')).toBe('familyName');
    expect(detectRole('date_of_birth')).toBe('dateOfBirth');
    expect(detectRole('E-Mail')).toBe('email');
    expect(detectRole('soc_sec_id')).toBe('identifier');
    expect(detectRole('loyalty_card')).toBe('identifier');
    expect(detectRole('postcode_fake')).toBe('postcode');
    expect(detectRole('suburb')).toBe('city');
    expect(detectRole('occupation')).toBe('text');
    expect(detectRole('favourite_colour')).toBeNull();
  });
});

describe('blocking', () => {
  it('caps a key shared by 30% of rows instead of going quadratic', () => {
    const specs = buildComparisonSpecs({ last_name: 'familyName', dob: 'dateOfBirth', first_name: 'givenName' });
    const ds = new EncodedDataset(specs, 3000);
    const rnd = mulberry32(3);
    for (let i = 0; i < 3000; i++) {
      const hot = i % 10 < 3;
      ds.add({ id: String(i), fields: { last_name: hot ? 'smith' : `name${i}`, first_name: null, dob: hot ? null : `19${String(Math.floor(rnd() * 90) + 10)}-01-01` } });
    }
    const warnings: string[] = [];
    const r = evaluateRule(ds, ruleSpec(['familyName.value']), { maxBlockSize: 100, pairBudgetPerRecord: 150, link: false, warn: (m) => warnings.push(m) })!;
    expect(r.cappedBlocks).toBe(1);
    expect(r.droppedRecords).toBe(900);
    expect(r.pairs).toBe(0);
    expect(warnings[0]).toMatch(/oversized block/);
  });

  it('splits an oversized block by a refinement key and reports pairs per rule', () => {
    const specs = buildComparisonSpecs({ last_name: 'familyName', dob: 'dateOfBirth' });
    const ds = new EncodedDataset(specs, 1000);
    for (let i = 0; i < 1000; i++) ds.add({ id: String(i), fields: { last_name: 'smith', dob: `${1900 + (i % 50)}-01-01` } });
    const r = evaluateRule(ds, ruleSpec(['familyName.value']), { maxBlockSize: 100, pairBudgetPerRecord: 150, link: false, warn: () => {} })!;
    expect(r.cappedBlocks).toBe(1);
    expect(r.droppedRecords).toBe(0);
    expect(r.pairs).toBe(50 * ((20 * 19) / 2));
    const rules = chooseRules(ds, { maxBlockSize: 100, pairBudgetPerRecord: 150, link: false, warn: () => {} });
    let n = 0;
    const seen = new Set<string>();
    forEachCandidatePair(ds, rules, false, (a, b) => {
      n++;
      seen.add(`${a},${b}`);
    });
    expect(seen.size).toBe(n);
  });
});

describe('EM', () => {
  it('recovers m and λ from a simulated mixture with u fixed', () => {
    const rnd = mulberry32(7);
    const mTrue = [[0, 0.9, 0.08, 0.02], [0, 0.85, 0.15]];
    const u = [[0, 0.01, 0.04, 0.95], [0, 0.1, 0.9]];
    const counts = new Map<string, number>();
    const draw = (p: number[]): number => {
      let r = rnd();
      for (let l = 1; l < p.length; l++) if ((r -= p[l]!) < 0) return l;
      return p.length - 1;
    };
    for (let k = 0; k < 20000; k++) {
      const match = rnd() < 0.2;
      const pat = [draw(match ? mTrue[0]! : u[0]!), draw(match ? mTrue[1]! : u[1]!)];
      counts.set(pat.join(','), (counts.get(pat.join(',')) ?? 0) + 1);
    }
    const patterns = [...counts.keys()].map((k) => Uint8Array.from(k.split(',').map(Number)));
    const res = runEm({ patterns, counts: Float64Array.from(counts.values()) }, u, [true, true], initialM([4, 3]), 0.5);
    expect(res.lambda).toBeCloseTo(0.2, 1);
    expect(res.m[0]![1]).toBeCloseTo(0.9, 1);
    expect(res.m[1]![1]).toBeCloseTo(0.85, 1);
    expect(res.iterations).toBeLessThan(100);
  });
});

describe('clustering guard', () => {
  it('does not glue two different people through a bridge record', () => {
    // A~B and B~C are strong, but A and C conflict.
    const a = Int32Array.from([0, 1]);
    const b = Int32Array.from([1, 2]);
    const w = Float64Array.from([20, 19]);
    const conflicts = (i: number, j: number): boolean => (i === 0 && j === 2) || (i === 2 && j === 0);
    const guarded = clusterRecords(3, a, b, w, { minWeight: 0, conflicts });
    expect(guarded[0]).toBe(guarded[1]);
    expect(guarded[2]).not.toBe(guarded[1]);
    const naive = clusterRecords(3, a, b, w, { minWeight: 0 });
    expect(new Set(naive).size).toBe(1);
  });
});

describe('dedupe, explain, model, index', () => {
  const records = population(300);

  it('finds duplicates on a small seeded population', async () => {
    const res = await dedupe(records, { threads: 1 });
    expect(pairF1(res.ids, res.clusterOf)).toBeGreaterThanOrEqual(0.95);
    expect(res.stats.rules.length).toBeGreaterThan(2);
    expect(res.stats.candidatePairs).toBe(res.stats.rules.reduce((p, r) => p + r.pairs, 0));
  });

  it('explains a pair: prior + Σ contributions = weight', async () => {
    const res = await dedupe(records, { threads: 1 });
    for (let k = 0; k < Math.min(50, res.pairs.a.length); k++) {
      const e = res.explain(res.pairs.a[k]!, res.pairs.b[k]!);
      const sum = e.priorWeight + e.terms.reduce((p, t) => p + t.contribution, 0);
      expect(sum).toBeCloseTo(e.weight, 9);
      expect(e.weight).toBeCloseTo(res.pairs.weight[k]!, 9);
      expect(e.terms.map((t) => t.comparison)).toEqual(res.model.comparisons.map((c) => c.name));
    }
    const x = explainPair(res.model, records[0]!, records[1]!);
    expect(x.priorWeight + x.terms.reduce((p, t) => p + t.contribution, 0)).toBeCloseTo(x.weight, 9);
  });

  it('levels e-mail and date pairs (digits of the local part, day and month swapped, one digit off)', async () => {
    const res = await dedupe(records, { threads: 1 });
    const level = (name: string, a: string, b: string): string => {
      const x = explainPair(res.model, { id: 'a', fields: { [name]: a } }, { id: 'b', fields: { [name]: b } });
      return x.terms.find((t) => t.role === (name === 'dob' ? 'dateOfBirth' : 'email'))!.level;
    };
    expect(level('email', 'john.smith85@example.com', 'jon.smith85@mail.example')).toBe('same digits, local part jaro-winkler >= 0.88');
    expect(level('email', 'john.smith@example.com', 'jon.smith@mail.example')).toBe('same digits, local part jaro-winkler >= 0.88');
    expect(level('email', 'john.smith85@example.com', 'john.smith86@example.com')).toBe('else');
    expect(level('email', 'john.smith85@example.com', 'john.smith@example.com')).toBe('else');
    expect(level('email', 'john8x5@example.com', 'john85x@example.com')).toBe('same digits, local part jaro-winkler >= 0.88');
    expect(level('email', 'john85@example.com', 'john85@other.example')).toBe('same local part');
    expect(level('dob', '1985-03-12', '1985-12-03')).toBe('day-month swapped');
    expect(level('dob', '1985-03-12', '1986-12-03')).not.toBe('day-month swapped');
    expect(level('dob', '1985-03-12', '1985-03-13')).toBe('one digit off');
    expect(level('dob', '1985-03-12', '1985-03-21')).toBe('one digit off');
    expect(level('dob', '1985-03-12', '1985-04-23')).toBe('within 1 year');
    const names = (a: [string, string], b: [string, string]): string[] =>
      explainPair(res.model, { id: 'a', fields: { first_name: a[0], last_name: a[1] } }, { id: 'b', fields: { first_name: b[0], last_name: b[1] } })
        .terms.filter((t) => t.role === 'givenName' || t.role === 'familyName')
        .map((t) => t.level);
    expect(names(['john', 'smith'], ['smith', 'john'])).toEqual(['given/family swapped', 'given/family swapped']);
    expect(names(['william', 'smith'], ['bill', 'smith'])).toEqual(['nickname', 'exact']);
  });

  it('round-trips the model through JSON and reproduces the clustering', async () => {
    const res = await dedupe(records, { threads: 1 });
    const dir = mkdtempSync(path.join(tmpdir(), 'custodian-model-'));
    const file = path.join(dir, 'model.json');
    saveModel(res.model, file);
    const text = readFileSync(file, 'utf8');
    expect(JSON.parse(text).format).toBe('custodian-match-model');
    const loaded = loadModel(file);
    expect(loaded).toEqual(res.model);
    expect(modelFromJson(modelToJson(loaded))).toEqual(loaded);
    const again = await dedupe(records, { threads: 1, model: loaded });
    expect(Array.from(again.clusterOf)).toEqual(Array.from(res.clusterOf));
    expect(() => modelFromJson('{"format":"other"}')).toThrow(/not a Custodian match model/);
    writeFileSync(file, '{}');
  });

  it('incremental add/match gives the same probabilities as batch scoring', async () => {
    const res = await dedupe(records, { threads: 1, minPairProbability: 0.01 });
    const last = records[records.length - 1]!;
    const idx = MatchIndex.build(res.model, records.slice(0, -1));
    expect(idx.size).toBe(records.length - 1);
    const got = idx.match(last, { threshold: 0.01, explain: true });
    const n = records.length - 1;
    const expected = new Map<string, number>();
    for (let k = 0; k < res.pairs.a.length; k++) {
      if (res.pairs.a[k] === n || res.pairs.b[k] === n) {
        const other = res.pairs.a[k] === n ? res.pairs.b[k]! : res.pairs.a[k]!;
        expected.set(res.ids[other]!, res.pairs.probability[k]!);
      }
    }
    expect(new Set(got.map((g) => g.id))).toEqual(new Set(expected.keys()));
    for (const g of got) expect(g.probability).toBeCloseTo(expected.get(g.id)!, 9);
    for (let k = 1; k < got.length; k++) expect(got[k - 1]!.weight).toBeGreaterThanOrEqual(got[k]!.weight);
    // add() then match() finds the record itself excluded but its twin included.
    idx.add(last);
    const twin = { id: 'probe', fields: { ...last.fields } };
    expect(idx.match(twin).map((g) => g.id)).toContain(last.id);
    expect(() => idx.add(last)).toThrow(/already indexed/);
  });

  it('stops scoring a pair early only when it cannot reach the threshold (every pair, bounds of each probe)', async () => {
    const res = await dedupe(records, { threads: 1 });
    const ds = new EncodedDataset(buildComparisonSpecs(res.model.roles));
    for (const r of records) ds.add(r);
    const scorer = new Scorer(ds, res.model);
    let kept = 0;
    let cut = 0;
    // Thresholds from p ≈ 0.001 to p ≈ 0.999, so many pairs sit just above or below one of them.
    for (const minW of [-10, -6, -3, -1, probabilityToWeight(0.5), 1, 3, 6, 10]) {
      for (let probe = 0; probe < ds.size; probe++) {
        scorer.refreshBounds(probe);
        for (let j = 0; j < ds.size; j++) {
          const full = scorer.weight(j, probe);
          const early = scorer.weightAtLeast(j, probe, minW);
          if (full >= minW) {
            if (early !== full) throw new Error(`pair ${j}/${probe}: ${early} instead of ${full}`);
            kept++;
          } else {
            if (early !== -Infinity && early !== full) throw new Error(`pair ${j}/${probe}: ${early} instead of ${full} or -Infinity`);
            if (early === -Infinity) cut++;
          }
        }
      }
    }
    // Both sides are exercised: 9,069 pairs reach a threshold (twins, and each record with itself), and nearly
    // all the others are cut before their last comparison.
    const pairs = 9 * records.length * records.length;
    expect(kept).toBe(9069);
    expect(cut / (pairs - kept)).toBeGreaterThan(0.99);
  });

  it('uses worker threads with the same result as in-process', async () => {
    const one = await dedupe(records, { threads: 1 });
    const two = await dedupe(records, { threads: 2 });
    expect(two.stats.candidatePairs).toBe(one.stats.candidatePairs);
    expect(Array.from(two.clusterOf)).toEqual(Array.from(one.clusterOf));
  });

  it('calibrates m with labelled pairs', async () => {
    const res = await dedupe(records, { threads: 1 });
    const labels = [0, 1, 2, 3].map((k) => ({ a: records[k]!, b: records[k]!, match: true }));
    const cal = calibrateModel(res.model, labels, 1);
    expect(cal.training.calibratedWithLabels).toBe(4);
    const given = cal.comparisons.find((c) => c.role === 'givenName')!;
    expect(given.m[1]).toBeGreaterThan(res.model.comparisons.find((c) => c.role === 'givenName')!.m[1]!);
  });
});
