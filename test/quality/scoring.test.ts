import { describe, expect, it } from 'vitest';
import { assessRecord } from '../../src/modules/quality/assess.js';
import { freshnessCutoff, isStale } from '../../src/modules/quality/freshness.js';
import { formatPattern } from '../../src/modules/quality/patterns.js';
import { lengthStats } from '../../src/modules/quality/profile.js';
import { resolveRules } from '../../src/modules/quality/rules.js';
import { scoreRecord } from '../../src/modules/quality/score.js';
import type { RecordStandardizer } from '../../src/modules/quality/standardizer.js';
import type { StoredVerification, VerificationMap } from '../../src/modules/quality/verification.js';
import { schemaDefinitionSchema } from '../../src/modules/schemas/index.js';

const definition = schemaDefinitionSchema.parse({
  attributes: [
    { name: 'first_name', type: 'text', required: true },
    { name: 'last_name', type: 'text', required: true },
    { name: 'email', type: 'email' },
    { name: 'phone', type: 'phone' },
    { name: 'home', type: 'address' },
    { name: 'city', type: 'text' },
  ],
  defaultRegion: 'GB',
});
const rules = resolveRules(definition, null);
const NOW = new Date('2026-06-15T00:00:00.000Z');

function v(status: StoredVerification['status'], verifiedAt = '2026-06-01T00:00:00.000Z', verifiedBy: StoredVerification['verifiedBy'] = 'import-rule'): StoredVerification {
  return { status, reasons: status === 'valid' ? [] : [{ code: 'x', message: 'x' }], verifiedAt, verifiedBy };
}

describe('quality rules', () => {
  it('defaults: e-mail 12, phone 18, address 24 months, names never; contact attributes are important', () => {
    expect(rules.attributes.map((a) => [a.name, a.required, a.important, a.freshnessMonths])).toEqual([
      ['first_name', true, false, null],
      ['last_name', true, false, null],
      ['email', false, true, 12],
      ['phone', false, true, 18],
      ['home', false, true, 24],
      ['city', false, false, null],
    ]);
  });

  it('overrides replace the important list and single freshness periods', () => {
    const r = resolveRules(definition, { freshness: { email: 6, phone: null, city: 36 }, important: ['city', 'first_name'] });
    expect(r.attributes.map((a) => [a.name, a.important, a.freshnessMonths])).toEqual([
      ['first_name', false, null], // required already counts
      ['last_name', false, null],
      ['email', false, 6],
      ['phone', false, null],
      ['home', false, 24],
      ['city', true, 36],
    ]);
  });
});

describe('freshness', () => {
  it.each([
    ['2026-06-15T00:00:00.000Z', 12, '2025-06-15T00:00:00.000Z'],
    ['2026-03-31T10:30:00.000Z', 1, '2026-02-28T10:30:00.000Z'], // clamped like PostgreSQL's interval arithmetic
    ['2024-03-31T00:00:00.000Z', 1, '2024-02-29T00:00:00.000Z'], // leap year
    ['2026-01-15T00:00:00.000Z', 18, '2024-07-15T00:00:00.000Z'],
  ])('cutoff of %s minus %i months is %s', (now, months, cutoff) => {
    expect(freshnessCutoff(new Date(now), months).toISOString()).toBe(cutoff);
  });

  it('a value is stale strictly before the cutoff; no period or no stamp never is', () => {
    expect(isStale('2025-06-14T23:59:59.999Z', 12, NOW)).toBe(true);
    expect(isStale('2025-06-15T00:00:00.000Z', 12, NOW)).toBe(false);
    expect(isStale('2000-01-01T00:00:00.000Z', null, NOW)).toBe(false);
    expect(isStale(undefined, 12, NOW)).toBe(false);
  });
});

describe('record score', () => {
  const full = { first_name: 'Ann', last_name: 'Lee', email: 'a@x.com', phone: '+447700900001', home: { line1: '1 High St' } };
  const allValid: VerificationMap = { first_name: v('valid'), last_name: v('valid'), email: v('valid'), phone: v('valid'), home: v('valid') };

  // Completeness weights: required 2 (×2), important 1 (×3) → denominator 7.
  it.each<[string, Record<string, unknown>, VerificationMap, number, string[]]>([
    ['everything filled, valid, fresh', full, allValid, 100, []],
    // completeness 7/7, validity (4 + 0.5)/5 = 0.9, freshness 1 → 40 + 36 + 20 = 96
    ['one suspect value', full, { ...allValid, email: v('suspect') }, 96, ['email:suspect']],
    // validity 4/5 = 0.8 → 40 + 32 + 20 = 92
    ['one invalid value', full, { ...allValid, phone: v('invalid') }, 92, ['phone:invalid']],
    // freshness: email stale, phone + home fresh → 2/3; 40 + 40 + 13.33 = 93.33 → 93
    ['a stale e-mail', full, { ...allValid, email: v('valid', '2025-01-01T00:00:00.000Z') }, 93, ['email:stale']],
    // completeness (4 + 0)/7, validity 1, no aging values → 22.857 + 40 + 20 = 82.857 → 83
    ['names only', { first_name: 'Ann', last_name: 'Lee' }, { first_name: v('valid'), last_name: v('valid') }, 83, []],
    // completeness 2/7 = 11.43, validity 1 (nothing assessed), freshness 1 → 71.43 → 71
    ['one required missing and no verification', { first_name: 'Ann', email: null }, {}, 71, []],
    // completeness 5/7 → 28.571; validity (1 + 1 + 0)/3 → 26.667; freshness email stale 0/1 → 0 → 55.24 → 55
    [
      'invalid and stale e-mail',
      { first_name: 'Ann', last_name: 'Lee', email: 'a@x.com' },
      { first_name: v('valid'), last_name: v('valid'), email: v('invalid', '2020-01-01T00:00:00.000Z') },
      55,
      ['email:invalid', 'email:stale'],
    ],
  ])('%s → %i', (_name, values, verification, score, issues) => {
    const r = scoreRecord(rules, values, verification, NOW);
    expect(r.score).toBe(score);
    expect(r.issues).toEqual(issues);
  });

  it('verification of an empty value does not count', () => {
    const r = scoreRecord(rules, { first_name: 'Ann', last_name: 'Lee', email: null }, { first_name: v('valid'), last_name: v('valid'), email: v('invalid') }, NOW);
    expect(r.parts.validity).toBe(1);
    expect(r.issues).toEqual([]);
  });
});

describe('assessRecord stamps', () => {
  const std: RecordStandardizer = (_d, values) => ({
    standardized: { ...values, email: typeof values.email === 'string' ? values.email.toLowerCase() : values.email },
    verification: Object.fromEntries(
      Object.entries(values)
        .filter(([, x]) => x !== null && x !== undefined)
        .map(([k, x]) => [k, k === 'email' && String(x).toLowerCase().endsWith('@example.com') ? { status: 'suspect' as const, reasons: [{ code: 'placeholder', message: 'placeholder domain' }], suggestion: 'fix@me.com' } : { status: 'valid' as const, reasons: [] }]),
    ),
  });
  const base = { definition, rules, standardize: std, verifiedBy: 'import-rule' as const };

  it('new values are stamped now by the writer; suggestions are kept', () => {
    const a = assessRecord({ ...base, values: { first_name: 'Ann', last_name: 'Lee', email: 'A@Example.com' }, now: NOW });
    expect(a.standardized.email).toBe('a@example.com');
    expect(a.verification.email).toEqual({ status: 'suspect', reasons: [{ code: 'placeholder', message: 'placeholder domain' }], suggestion: 'fix@me.com', verifiedAt: NOW.toISOString(), verifiedBy: 'import-rule' });
    expect(a.issues).toEqual(['email:suspect']);
  });

  it('an unchanged value keeps its stamp (it still ages); a steward verification also keeps its status', () => {
    const earlier = '2025-01-01T00:00:00.000Z';
    const previous = {
      standardized: { first_name: 'Ann', last_name: 'Lee', email: 'a@example.com' },
      verification: {
        first_name: v('valid', earlier),
        last_name: v('valid', earlier),
        email: { status: 'valid' as const, reasons: [], verifiedAt: earlier, verifiedBy: 'steward' as const },
      },
    };
    const a = assessRecord({ ...base, values: { first_name: 'Ann', last_name: 'Lea', email: 'A@example.com' }, previous, now: NOW });
    expect(a.verification.first_name!.verifiedAt).toBe(earlier);
    expect(a.verification.last_name).toMatchObject({ verifiedAt: NOW.toISOString(), verifiedBy: 'import-rule' });
    expect(a.verification.email).toEqual(previous.verification.email);
    // email verified 2025-01-01 by a steward is past 12 months at NOW.
    expect(a.issues).toEqual(['email:stale']);
  });
});

describe('format patterns and length statistics', () => {
  it.each([
    ['Ann-Marie', 'Aaa-Aaaaa'],
    ['(312) 256-8352', '(999) 999-9999'],
    ['+44 7700 900003', '+99 9999 999999'],
    ['SW1A 1AA', 'AA9A 9AA'],
    ['José Ñúñez', 'Aaaé Ñúñaa'], // only ASCII letters are classed
    ['ann.lee@x.com', 'aaa.aaa@a.aaa'],
    ['', ''],
  ])('%s → %s', (value, pattern) => {
    expect(formatPattern(value)).toBe(pattern);
  });

  it('percentiles are nearest-rank over the histogram', () => {
    expect(lengthStats([{ length: 11, count: 1 }, { length: 12, count: 2 }, { length: 15, count: 1 }])).toMatchObject({ min: 11, max: 15, mean: 12.5, p50: 12, p95: 15 });
    expect(lengthStats([])).toMatchObject({ min: null, max: null, mean: null, p50: null, p95: null });
  });
});
