import { describe, expect, it } from 'vitest';
import { bayesFactor, comparedAttributes, DEFAULT_REVIEW_FILTERS, explanationRows, explanationSummary, filtersFromParams, filtersToParams, formatBayesFactor, formatProbability, formatWeight, levelLabel, levelTone, reviewQuery, sameValue, scoreBand } from '../../console/src/lib/explanation.js';
import { deliveryState, EVENT_TYPE_OPTIONS, mergeListQuery, mergeTitle, progressPercent, readEvidence, readRematchReport, splitProblem, webhookFormErrors, EMPTY_MERGE_FILTERS } from '../../console/src/lib/golden-ops.js';
import { isTypingTarget, nextAfterDecision, reviewActionFor, stepTask } from '../../console/src/lib/review-keys.js';
import { EVENT_TYPES } from '../../src/modules/webhooks/webhooks.schemas.js';

const el = (tagName: string, extra: Record<string, unknown> = {}) => ({ tagName, getAttribute: (n: string) => (extra[n] as string) ?? null, ...extra });

describe('review shortcuts', () => {
  it('maps m / n / s / j / k / a / u / ? to actions, case-insensitively for letters', () => {
    const body = el('BODY');
    expect(['m', 'n', 's', 'j', 'k', 'a', 'u', '?'].map((key) => reviewActionFor({ key, target: body }))).toEqual(['match', 'not_match', 'skip', 'next', 'prev', 'assign_me', 'back', 'help']);
    expect(reviewActionFor({ key: 'M', target: body })).toBe('match');
    expect(reviewActionFor({ key: 'x', target: body })).toBeNull();
    expect(reviewActionFor({ key: 'Enter', target: body })).toBeNull();
  });

  it('never fires while typing, with modifiers, on auto-repeat or behind a dialog', () => {
    expect(reviewActionFor({ key: 'm', target: el('INPUT', { type: 'text' }) })).toBeNull();
    expect(reviewActionFor({ key: 'm', target: el('TEXTAREA') })).toBeNull();
    expect(reviewActionFor({ key: 'm', target: el('DIV', { isContentEditable: true }) })).toBeNull();
    expect(reviewActionFor({ key: 'n', target: el('DIV', { role: 'combobox' }) })).toBeNull();
    expect(reviewActionFor({ key: 'm', ctrlKey: true, target: el('BODY') })).toBeNull();
    expect(reviewActionFor({ key: 'm', metaKey: true, target: el('BODY') })).toBeNull();
    expect(reviewActionFor({ key: 'm', repeat: true, target: el('BODY') })).toBeNull();
    expect(reviewActionFor({ key: 'm', defaultPrevented: true, target: el('BODY') })).toBeNull();
    expect(reviewActionFor({ key: 'm', target: el('BODY') }, true)).toBeNull();
    expect(reviewActionFor({ key: '?', target: el('BODY') }, true)).toBe('help');
    // A checkbox or button is not a typing target: shortcuts still work after clicking one.
    expect(reviewActionFor({ key: 's', target: el('INPUT', { type: 'checkbox' }) })).toBe('skip');
    expect(reviewActionFor({ key: 's', target: el('BUTTON') })).toBe('skip');
    expect(isTypingTarget(null)).toBe(false);
    expect(isTypingTarget(el('SELECT'))).toBe(true);
  });

  it('steps through tasks, clamped at both ends', () => {
    const ids = ['a', 'b', 'c'];
    expect(stepTask(ids, 'b', 1)).toBe('c');
    expect(stepTask(ids, 'c', 1)).toBe('c');
    expect(stepTask(ids, 'a', -1)).toBe('a');
    expect(stepTask(ids, 'zzz', 1)).toBe('a');
    expect(stepTask([], 'a', 1)).toBeNull();
  });

  it('after a decision goes to the next undecided task, else back, else done', () => {
    const ids = ['a', 'b', 'c', 'd'];
    expect(nextAfterDecision(ids, 'b', new Set())).toBe('c');
    expect(nextAfterDecision(ids, 'b', new Set(['c']))).toBe('d');
    expect(nextAfterDecision(ids, 'd', new Set(['a']))).toBe('c');
    expect(nextAfterDecision(ids, 'b', new Set(['a', 'c', 'd']))).toBeNull();
    expect(nextAfterDecision(['a'], 'a', new Set())).toBeNull();
    expect(nextAfterDecision(ids, 'gone', new Set(['a']))).toBe('b');
  });
});

describe('match explanation', () => {
  const ex = {
    priorWeight: -10,
    weight: 2,
    probability: 0.8,
    terms: [
      { comparison: 'given_name', role: 'givenName', level: 'else', weight: -3, tfAdjustment: 0, contribution: -3, valueA: 'Anna', valueB: 'Emma' },
      { comparison: 'family_name', role: 'familyName', level: 'exact', weight: 6, tfAdjustment: 1, contribution: 7, valueA: 'Smith', valueB: 'Smith' },
      { comparison: 'phone', role: 'phone', level: 'exact', weight: 8, tfAdjustment: 0, contribution: 8, valueA: '+44', valueB: '+44' },
      { comparison: 'email', role: 'email', level: 'null', weight: 0, tfAdjustment: 0, contribution: 0, valueA: null, valueB: 'x@y' },
      { comparison: 'birth_date', role: 'birthDate', level: 'within 1 year', weight: 1.5, tfAdjustment: 0, contribution: 1.5, valueA: '1980', valueB: '1981' },
    ],
  };

  it('orders terms by how much they moved the score, with tone, Bayes factor and strength', () => {
    const rows = explanationRows(ex);
    expect(rows.map((r) => r.comparison)).toEqual(['phone', 'family_name', 'given_name', 'birth_date', 'email']);
    expect(rows.map((r) => r.tone)).toEqual(['agree', 'agree', 'disagree', 'partial', 'missing']);
    expect(rows[0]!.bayesFactor).toBe(256);
    expect(rows[0]!.strength).toBe(1);
    expect(rows[2]!.strength).toBeCloseTo(3 / 8);
    expect(rows[4]!.strength).toBe(0);
    expect(explanationRows({})).toEqual([]);
    expect(explanationRows(null)).toEqual([]);
  });

  it('formats weights, Bayes factors and probabilities for people', () => {
    expect(bayesFactor(3)).toBe(8);
    expect(formatBayesFactor(3)).toBe('×8.0');
    expect(formatBayesFactor(8)).toBe('×256');
    expect(formatBayesFactor(-2)).toBe('÷4.0');
    expect(formatBayesFactor(0)).toBe('×1');
    expect(formatBayesFactor(20)).toBe('×1,048,576');
    expect(formatWeight(3.04)).toBe('+3.0');
    expect(formatWeight(-1)).toBe('−1.0');
    expect(formatWeight(0.01)).toBe('0.0');
    expect(formatProbability(0.873)).toBe('87%');
    expect(formatProbability(0.9962)).toBe('99.6%');
    expect(formatProbability(0.004)).toBe('0.4%');
    expect(formatProbability(Number.NaN)).toBe('—');
    expect(levelLabel('null')).toBe('missing');
    expect(levelLabel('else')).toBe('different');
    expect(levelLabel('jaro-winkler >= 0.92')).toBe('jaro-winkler >= 0.92');
    expect(levelTone('one edit', -0.5)).toBe('disagree');
    expect(scoreBand(0.96)).toBe('strong');
    expect(scoreBand(0.7)).toBe('borderline');
    expect(scoreBand(0.3)).toBe('weak');
    expect(scoreBand(0.7, 0.6, 0.2)).toBe('strong');
  });

  it('summarises in one sentence', () => {
    expect(explanationSummary(ex, 0.8)).toBe('80% likely the same person; agree on phone, family name, birth date; differ on given name.');
    expect(explanationSummary({}, 0.62)).toBe('The engine scored this pair 62%; no per-attribute detail was stored.');
  });

  it('compares attributes in schema order, then extras, and treats case and spacing as equal', () => {
    expect(comparedAttributes(['first_name', 'last_name', 'email'], { last_name: 'S', first_name: 'A', zz: 1 }, { email: 'e', aa: 2 })).toEqual(['first_name', 'last_name', 'email', 'aa', 'zz']);
    expect(sameValue('Anna  Smith', 'anna smith')).toBe(true);
    expect(sameValue('07911 123456', '07911-123456')).toBe(true);
    expect(sameValue(null, null)).toBe(false);
    expect(sameValue('', '')).toBe(false);
    expect(sameValue('Anna', 'Emma')).toBe(false);
  });
});

describe('review filters', () => {
  it('turn into the API query, sending only what narrows the list', () => {
    expect(reviewQuery(DEFAULT_REVIEW_FILTERS)).toEqual({ status: 'open', schema: undefined, source: undefined, minScore: undefined, maxScore: undefined, assignedTo: undefined });
    expect(reviewQuery({ status: 'open', schema: 'sch_1', source: 'src_1', score: [50, 90], age: 'gt7d', assignee: 'usr_1' })).toEqual({ status: 'open', schema: 'sch_1', source: 'src_1', minScore: 0.5, maxScore: 0.9, minAgeHours: 168, assignedTo: 'usr_1' });
    expect(reviewQuery({ ...DEFAULT_REVIEW_FILTERS, age: 'lt24h' })).toMatchObject({ maxAgeHours: 24 });
  });

  it('round-trip through URL parameters and ignore nonsense', () => {
    const f = { status: 'skipped', schema: 'sch_1', source: null, score: [40, 80] as [number, number], age: 'lt7d' as const, assignee: 'usr_9' };
    const p = new URLSearchParams(filtersToParams(f));
    expect(filtersFromParams(p)).toEqual(f);
    expect(filtersToParams(DEFAULT_REVIEW_FILTERS)).toEqual({});
    expect(filtersFromParams(new URLSearchParams('status=bogus&score=90-10&age=forever'))).toEqual(DEFAULT_REVIEW_FILTERS);
  });
});

describe('merge history and split', () => {
  it('titles merges and splits', () => {
    expect(mergeTitle({ kind: 'merge', fromCustomerIds: ['c2'], recordIds: ['r1', 'r2'] })).toBe('Merged 1 customer (2 records moved)');
    expect(mergeTitle({ kind: 'split', fromCustomerIds: ['c1'], recordIds: ['r1'] })).toBe('Split 1 record into a new customer');
  });

  it('reads evidence of review decisions, re-match and manual merges', () => {
    const review = readEvidence({ taskId: 'rvt_1', probability: 0.8, terms: [{ comparison: 'phone', role: 'phone', level: 'exact', contribution: 8 }, { role: 'email', level: 'null' }] });
    expect(review).toMatchObject({ source: 'review', taskId: 'rvt_1', probability: 0.8, terms: [{ comparison: 'phone', level: 'exact', contribution: 8 }, { comparison: 'email', level: 'null', contribution: null }] });
    expect(readEvidence({ jobId: 'rmj_1', a: 'r1', b: 'r2', probability: 0.99 })).toMatchObject({ source: 'rematch', jobId: 'rmj_1', pair: { a: 'r1', b: 'r2' } });
    expect(readEvidence(null).source).toBe('manual');
    expect(readEvidence({ note: 'x' }).source).toBe('unknown');
    expect(readEvidence('text')).toMatchObject({ source: 'unknown', raw: 'text', terms: [] });
  });

  it('builds the merge list query', () => {
    expect(mergeListQuery(EMPTY_MERGE_FILTERS)).toEqual({ kind: undefined, automatic: undefined, undone: undefined, customer: undefined, since: undefined });
    expect(mergeListQuery({ kind: 'split', how: 'manual', state: 'undone', customer: ' cus_1 ', since: '2026-01-02' })).toEqual({ kind: 'split', automatic: 'false', undone: 'true', customer: 'cus_1', since: '2026-01-02' });
    expect(mergeListQuery({ ...EMPTY_MERGE_FILTERS, how: 'automatic', state: 'active', since: '2026-1-2' })).toMatchObject({ automatic: 'true', undone: 'false', since: undefined });
  });

  it('refuses an empty split and one that would move every record', () => {
    expect(splitProblem(['a', 'b'], [])).toBe('Choose at least one source record to move out.');
    expect(splitProblem(['a', 'b'], ['a', 'b'])).toMatch(/Leave at least one record/);
    expect(splitProblem(['a', 'b'], ['a', 'zzz'])).toBeNull();
    expect(splitProblem(['a', 'b'], ['zzz'])).toBe('Choose at least one source record to move out.');
  });
});

describe('re-match and webhooks', () => {
  it('reads a job report defensively', () => {
    const r = readRematchReport({ records: 10, probes: 10, pairsScored: 40, merges: { count: 2, customersAbsorbed: 3, examples: [{ customers: ['c1', 'c2'], pair: { a: 'r1', b: 'r2', probability: 0.99 } }] }, splits: { count: 1, examples: [] }, reviewTasks: { count: 0, examples: [] }, notDuplicateHonoured: 1, thresholds: { upper: 0.95, lower: 0.5 }, applied: null });
    expect(r).toMatchObject({ records: 10, merges: { count: 2, customersAbsorbed: 3 }, splits: { count: 1 }, reviewTasks: { count: 0 }, notDuplicateHonoured: 1, thresholds: { upper: 0.95, lower: 0.5 }, applied: null });
    expect(r!.merges.examples).toHaveLength(1);
    expect(readRematchReport({ applied: { merges: 2 } })).toMatchObject({ records: 0, merges: { count: 0, examples: [] }, applied: { merges: 2, splits: 0, reviewTasks: 0, skipped: [] }, thresholds: null });
    expect(readRematchReport(null)).toBeNull();
    expect(progressPercent({ done: 1, total: 3 })).toBe(33);
    expect(progressPercent({ done: 5, total: 0 })).toBeNull();
    expect(progressPercent({ done: 9, total: 3 })).toBe(100);
  });

  it('offers every event type the server emits', () => {
    expect(EVENT_TYPE_OPTIONS.map((o) => o.value).sort()).toEqual([...EVENT_TYPES].sort());
  });

  it('validates the subscription form like the server', () => {
    const ok = { url: 'https://example.com/hook', eventTypes: [], secret: '', maxAttempts: 8, description: '' };
    expect(webhookFormErrors(ok)).toEqual({});
    expect(webhookFormErrors({ ...ok, url: '' })).toEqual({ url: 'Enter the URL that receives the events.' });
    expect(webhookFormErrors({ ...ok, url: 'ftp://x' })).toEqual({ url: 'Must be an http:// or https:// URL.' });
    expect(webhookFormErrors({ ...ok, secret: 'short' })).toHaveProperty('secret');
    expect(webhookFormErrors({ ...ok, secret: 'x'.repeat(16) })).toEqual({});
    expect(webhookFormErrors({ ...ok, maxAttempts: 0 })).toHaveProperty('maxAttempts');
    expect(webhookFormErrors({ ...ok, maxAttempts: 31 })).toHaveProperty('maxAttempts');
  });

  it('describes delivery states, dead letters included', () => {
    expect(deliveryState({ status: 'delivered', attempts: 1, nextAttemptAt: null, lastStatusCode: 200, lastError: null })).toMatchObject({ label: 'delivered', color: 'teal' });
    expect(deliveryState({ status: 'dead', attempts: 8, nextAttemptAt: null, lastStatusCode: 500, lastError: null })).toMatchObject({ label: 'dead-lettered', hint: expect.stringContaining('last answer 500') });
    expect(deliveryState({ status: 'pending', attempts: 2, nextAttemptAt: '2026-01-01T00:00:00Z', lastStatusCode: null, lastError: 'ECONNREFUSED' })).toMatchObject({ label: 'retrying', hint: expect.stringContaining('ECONNREFUSED') });
    expect(deliveryState({ status: 'pending', attempts: 0, nextAttemptAt: null, lastStatusCode: null, lastError: null }).label).toBe('pending');
  });
});

describe('record titles', () => {
  it('prefers a full name, then given + family name, then e-mail, then the source key', async () => {
    const { recordTitle } = await import('../../console/src/lib/explanation.js');
    expect(recordTitle({ values: { full_name: ' Jane Doe ' }, sourceKey: 'K' })).toBe('Jane Doe');
    expect(recordTitle({ values: { first_name: 'Anna', last_name: 'Smith' }, sourceKey: 'K' })).toBe('Anna Smith');
    expect(recordTitle({ values: { email: 'a@b.c' }, sourceKey: 'K' })).toBe('a@b.c');
    expect(recordTitle({ values: { email: '****' }, sourceKey: 'K-1' })).toBe('K-1');
    expect(recordTitle({ values: null, raw: { full_name: 'Raw Name' }, sourceKey: 'K' })).toBe('Raw Name');
    expect(recordTitle(null)).toBe('Record no longer available');
  });
});

describe('comparison labels', () => {
  it('turn engine comparison names into words', async () => {
    const { comparisonLabel } = await import('../../console/src/lib/explanation.js');
    expect(comparisonLabel('familyName')).toBe('Family name');
    expect(comparisonLabel('birth_date')).toBe('Birth date');
    expect(comparisonLabel('phone')).toBe('Phone');
    expect(comparisonLabel('')).toBe('');
  });
});
