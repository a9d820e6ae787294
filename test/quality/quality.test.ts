import { beforeAll, expect, it } from 'vitest';
import { Actor } from '../../src/platform/auth/actor.js';
import { startDailySnapshots } from '../../src/modules/quality/index.js';
import { describeTiers } from '../support/tiers.js';
import { useQualitySystem, type QualitySystem } from './support.js';

const DEFINITION = {
  attributes: [
    { name: 'first_name', type: 'text', required: true, privacy: 'public' },
    { name: 'last_name', type: 'text', required: true, privacy: 'public' },
    { name: 'email', type: 'email', privacy: 'personal' },
    { name: 'phone', type: 'phone', privacy: 'personal' },
    { name: 'city', type: 'text', privacy: 'public' },
  ],
  defaultRegion: 'GB',
};

type Stamp = [status: 'valid' | 'suspect' | 'invalid', day: string, by?: 'import-rule' | 'api-rule' | 'steward' | 'customer'];
type Row = { key: string; values: Record<string, unknown>; ver?: Record<string, Stamp> };

// The fixture. Clock: NOW = 2026-06-15. Names and city are stamped valid on 2026-01-01 by the import rule.
// Freshness defaults: email 12 months (stale if verified before 2025-06-15), phone 18 (before 2024-12-15).
const CRM: Row[] = [
  { key: 'c1', values: { first_name: 'Ann', last_name: 'Lee', email: 'ann@x.com', phone: '07911 123451', city: 'London' }, ver: { email: ['valid', '2026-01-01'], phone: ['valid', '2026-01-01'] } },
  { key: 'c2', values: { first_name: 'Bob', last_name: 'Ray', email: 'bob@x.com' }, ver: { email: ['suspect', '2025-01-01'] } },
  { key: 'c3', values: { first_name: 'Cat', last_name: 'Fox', email: 'ann@x.com', phone: '+44 7911 123453' }, ver: { email: ['valid', '2026-03-01', 'steward'], phone: ['invalid', '2023-01-01'] } },
  { key: 'c4', values: { first_name: 'Dan', last_name: 'Orr' } },
  { key: 'c5', values: { first_name: 'Eve', last_name: 'Ash', email: 'eve@x.com', phone: '07911123455' }, ver: { email: ['valid', '2026-06-01', 'customer'], phone: ['valid', '2026-06-01', 'customer'] } },
  { key: 'c6', values: { first_name: 'Fay', last_name: 'Kim', email: 'fay@x.com', phone: '07911 123459' }, ver: { email: ['valid', '2025-07-01'], phone: ['valid', '2025-07-01'] } },
];
// Rejected (no first name, bad e-mail): not in KPIs or scores, but profiled (its e-mail counts as invalid).
const CRM_REJECTED: Row = { key: 'r1', values: { last_name: 'Zed', email: 'not-an-email' } };
const SHOP: Row[] = [
  { key: 's1', values: { first_name: 'Ann', last_name: 'Lee', email: 'ann@x.com', phone: '07911 123451' }, ver: { email: ['valid', '2026-06-01', 'api-rule'], phone: ['valid', '2026-06-01', 'api-rule'] } },
  { key: 's2', values: { first_name: 'Gus', last_name: 'Poe', email: 'gus@y.com' }, ver: { email: ['invalid', '2026-05-01'] } },
  { key: 's3', values: { first_name: 'Hal', last_name: 'Roe', phone: '07911123455' }, ver: { phone: ['valid', '2024-06-01'] } },
  { key: 's4', values: { first_name: 'Ivy', last_name: 'Day' } },
];
const NOW = new Date('2026-06-15T00:00:00.000Z');

/*
 * KPIs by hand (slots = required + important = first, last, email, phone: 4 per record):
 *   crm  (c1–c6): slots 24, filled 4+3+4+2+4+4 = 21 → completeness 21/24 = 0.875
 *                 assessed 5+3+4+2+4+4 = 22 (c1 has a city), suspect 1 (c2 email), invalid 1 (c3 phone) → validity 20/22
 *                 human-verified: c3 email (steward), c5 email + phone (customer) = 3 → accuracy 3/22
 *                 aging (filled e-mails and phones) 2+1+2+0+2+2 = 9, stale c2 email + c3 phone = 2 → freshness 7/9
 *                 duplicates: c1, c3 share ann@x.com → 2 of 6 → uniqueness 4/6
 *   shop (s1–s4): slots 16, filled 4+3+3+2 = 12 → 0.75; assessed 4+3+3+2 = 12, invalid 1 (s2 email) → 11/12
 *                 human 0 → 0/12; aging 2+1+1 = 4, stale s3 phone → 3/4; no duplicates inside shop → 1
 *   overall:      slots 40, filled 33 → 33/40; assessed 34, valid 31 → 31/34; human 3/34; aging 13, stale 3 → 10/13;
 *                 duplicates across sources: ann@x.com (c1, c3, s1), +447911123455 (c5, s3) → 5 of 10 → 0.5
 * Scores (0.4·C + 0.4·V + 0.2·F, C weights required 2 and important 1 → /6):
 *   c1 100; c2 C 5/6, V 2.5/3, F 0 → 66.67 → 67; c3 C 1, V 0.75, F 0.5 → 80; c4 C 4/6, V 1, F 1 → 86.67 → 87;
 *   c5 100; c6 100; s1 100; s2 C 5/6, V 2/3, F 1 → 80; s3 C 5/6, V 1, F 0 → 73.33 → 73; s4 87.
 */

async function load(sys: QualitySystem): Promise<{ crm: string; shop: string; ids: Map<string, string> }> {
  const actor = Actor.system();
  await sys.services.schemas.create(actor, { name: 'person', definition: DEFINITION });
  const crm = (await sys.services.sources.create(actor, { name: 'crm', schema: 'person', systemType: 'crm' })).id;
  const shop = (await sys.services.sources.create(actor, { name: 'shop', schema: 'person', systemType: 'webshop' })).id;
  await sys.services.records.writeMany(actor, 'crm', [...CRM, CRM_REJECTED].map((r) => ({ key: r.key, values: r.values })));
  await sys.services.records.writeMany(actor, 'shop', SHOP.map((r) => ({ key: r.key, values: r.values })));
  const ids = new Map((await sys.database.raw<{ id: string; source_key: string }>('select id, source_key from source_records')).map((r) => [r.source_key, r.id]));
  return { crm, shop, ids };
}

/** Replaces each record's verification with the fixture's stamps (independent of the standardizer in use). */
async function stamp(sys: QualitySystem): Promise<void> {
  for (const r of [...CRM, ...SHOP]) {
    const ver: Record<string, unknown> = {};
    for (const [attr, value] of Object.entries(r.values)) {
      if (value === null || value === undefined) continue;
      const [status, day, by] = r.ver?.[attr] ?? ['valid', '2026-01-01', 'import-rule'];
      ver[attr] = { status, reasons: status === 'valid' ? [] : [{ code: 'fixture', message: 'set by the fixture' }], verifiedAt: `${day}T00:00:00.000Z`, verifiedBy: by ?? 'import-rule' };
    }
    await sys.database.raw(`update source_records set verification = $1::jsonb where source_key = $2`, [JSON.stringify(ver), r.key]);
  }
}

describeTiers('quality', (tier) => {
  const sys = useQualitySystem(tier);
  const admin = Actor.system();
  let fx: { crm: string; shop: string; ids: Map<string, string> };
  let writerRow: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

  beforeAll(async () => {
    fx = await load(sys());
    // Snapshot of what the writer stored, for the first test; then the fixture's stamps and scores at NOW.
    writerRow = (await sys().database.raw<Record<string, any>>(`select * from source_records where source_key = 'c1'`))[0]!; // eslint-disable-line @typescript-eslint/no-explicit-any
    await stamp(sys());
    await sys().quality.recomputeScores(admin, 'crm', NOW);
    await sys().quality.recomputeScores(admin, 'shop', NOW);
  });

  it('the records writer stores standardized values, stamped verification and a score beside the raw values', async () => {
    const row = writerRow;
    expect(row!.raw.phone).toBe('07911 123451');
    expect(row!.values.phone).toBe('+447911123451');
    expect(row!.standardized.phone).toBe('+447911123451');
    expect(Object.keys(row!.verification).sort()).toEqual(['city', 'email', 'first_name', 'last_name', 'phone']);
    expect(row!.verification.email).toMatchObject({ verifiedBy: 'api-rule' });
    expect(Date.now() - Date.parse(row!.verification.email.verifiedAt)).toBeLessThan(60_000);
    expect(typeof row!.quality_score).toBe('number');
    expect(row!.quality_computed_at).not.toBeNull();
    const [rejected] = await sys().database.raw<Record<string, unknown>>(`select standardized, verification, quality_score from source_records where source_key = 'r1'`);
    expect(rejected).toEqual({ standardized: null, verification: null, quality_score: null });
  });

  it("the writer stores the standardization library's verdict: standardized beside raw, suspect with a suggestion", async () => {
    await sys().services.records.writeMany(admin, 'shop', [{ key: 'tmp', values: { first_name: 'JOHN', last_name: 'smith', email: 'john@gmial.com' } }]);
    const [row] = await sys().database.raw<Record<string, any>>(`select raw, "values", standardized, verification, quality_issues from source_records where source_key = 'tmp'`); // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(row!.raw.first_name).toBe('JOHN');
    expect(row!.values.first_name).toBe('JOHN');
    expect(row!.standardized.first_name).toBe('John');
    expect(row!.verification.email).toMatchObject({ status: 'suspect', suggestion: 'john@gmail.com', verifiedBy: 'api-rule' });
    expect(row!.quality_issues).toEqual(['email:suspect']);
    const hits = await sys().quality.records(admin, { attribute: 'email', status: 'suspect', limit: 10 });
    expect(hits.items.map((i) => i.sourceKey)).toContain('tmp');
    await sys().database.raw(`delete from source_records where source_key = 'tmp'`);
  });

  it('a rewrite keeps the stamps of unchanged values and a rejected update keeps the last valid quality', async () => {
    const before = (await sys().database.raw<{ verification: Record<string, { verifiedAt: string }> }>(`select verification from source_records where source_key = 's4'`))[0]!.verification;
    await new Promise((r) => setTimeout(r, 5));
    await sys().services.records.writeMany(admin, 'shop', [{ key: 's4', values: { first_name: 'Ivy', last_name: 'Day', city: 'Leeds' } }]);
    const after = (await sys().database.raw<{ verification: Record<string, { verifiedAt: string }> }>(`select verification from source_records where source_key = 's4'`))[0]!.verification;
    expect(after.first_name!.verifiedAt).toBe(before.first_name!.verifiedAt);
    expect(after.city!.verifiedAt > before.first_name!.verifiedAt).toBe(true);
    await sys().services.records.writeMany(admin, 'shop', [{ key: 's4', values: { first_name: 'Ivy', last_name: 'Day', email: 'broken' } }]);
    const [row] = await sys().database.raw<{ status: string; verification: Record<string, unknown> }>(`select status, verification from source_records where source_key = 's4'`);
    expect(row!.status).toBe('rejected');
    expect(Object.keys(row!.verification).sort()).toEqual(['city', 'first_name', 'last_name']);
    // Back to the fixture's s4.
    await sys().services.records.writeMany(admin, 'shop', [{ key: 's4', values: { first_name: 'Ivy', last_name: 'Day' } }]);
    await stamp(sys());
    const rescored = await sys().quality.recomputeScores(admin, 'crm', NOW);
    expect(rescored.rescored).toBe(6);
    expect((await sys().quality.recomputeScores(admin, 'shop', NOW)).rescored).toBe(4);
  });

  it('KPIs per source and overall match the hand-computed fixture', async () => {
    const k = await sys().quality.computeKpis(admin, { now: NOW });
    expect(k.map((r) => r.sourceName)).toEqual(['crm', 'shop', null]);
    const [crm, shop, overall] = k as [(typeof k)[0], (typeof k)[0], (typeof k)[0]];
    expect(crm).toMatchObject({ sourceId: fx.crm, records: 6, completeness: 21 / 24, validity: 20 / 22, accuracy: 3 / 22, uniqueness: 1 - 2 / 6, freshness: 7 / 9 });
    expect(crm.counts).toEqual({ slots: 24, slotsFilled: 21, assessed: 22, valid: 20, suspect: 1, invalid: 1, humanVerified: 3, aging: 9, stale: 2, duplicates: 2 });
    expect(shop).toMatchObject({ sourceId: fx.shop, records: 4, completeness: 12 / 16, validity: 11 / 12, accuracy: 0, uniqueness: 1, freshness: 3 / 4 });
    expect(shop.counts).toEqual({ slots: 16, slotsFilled: 12, assessed: 12, valid: 11, suspect: 0, invalid: 1, humanVerified: 0, aging: 4, stale: 1, duplicates: 0 });
    expect(overall).toMatchObject({ sourceId: null, records: 10, completeness: 33 / 40, validity: 31 / 34, accuracy: 3 / 34, uniqueness: 0.5, freshness: 10 / 13 });
    const one = await sys().quality.computeKpis(admin, { source: 'shop', now: NOW });
    expect(one.map((r) => [r.sourceName, r.records])).toEqual([['shop', 4], [null, 4]]);
  });

  it('record scores follow the documented formula; worst first, and by attribute state', async () => {
    const all = await sys().quality.records(admin, { limit: 100 });
    const scores = Object.fromEntries(all.items.map((r) => [r.sourceKey, r.score]));
    expect(scores).toEqual({ c1: 100, c2: 67, c3: 80, c4: 87, c5: 100, c6: 100, s1: 100, s2: 80, s3: 73, s4: 87 });
    expect(all.items.slice(0, 4).map((r) => r.sourceKey)).toEqual(['c2', 's3', 'c3', 's2']);
    expect(all.items[0]!.issues).toEqual(['email:stale', 'email:suspect']);
    const invalidPhone = await sys().quality.records(admin, { attribute: 'phone', status: 'invalid', limit: 100 });
    expect(invalidPhone.items.map((r) => [r.sourceKey, r.issues])).toEqual([['c3', ['phone:invalid', 'phone:stale']]]);
    const anyPhone = await sys().quality.records(admin, { attribute: 'phone', limit: 100 });
    expect(anyPhone.items.map((r) => r.sourceKey)).toEqual(['s3', 'c3']);
    const invalid = await sys().quality.records(admin, { status: 'invalid', limit: 100 });
    expect(invalid.items.map((r) => r.sourceKey)).toEqual(['c3', 's2']);
    const low = await sys().quality.records(admin, { source: 'crm', maxScore: 80, limit: 100 });
    expect(low.items.map((r) => r.sourceKey)).toEqual(['c2', 'c3']);
  });

  it('lists stale values (oldest first) with an injected clock', async () => {
    const s = await sys().quality.stale(admin, { limit: 100, now: NOW });
    expect(s.total).toBe(3);
    expect(s.items.map((i) => [i.sourceKey, i.attribute, i.verifiedAt, i.freshnessMonths, i.staleSince])).toEqual([
      ['c3', 'phone', '2023-01-01T00:00:00.000Z', 18, '2024-07-01T00:00:00.000Z'],
      ['s3', 'phone', '2024-06-01T00:00:00.000Z', 18, '2025-12-01T00:00:00.000Z'],
      ['c2', 'email', '2025-01-01T00:00:00.000Z', 12, '2026-01-01T00:00:00.000Z'],
    ]);
    expect((await sys().quality.stale(admin, { attribute: 'email', limit: 100, now: NOW })).items.map((i) => i.sourceKey)).toEqual(['c2']);
    expect((await sys().quality.stale(admin, { source: 'shop', limit: 100, now: NOW })).items.map((i) => i.sourceKey)).toEqual(['s3']);
    expect((await sys().quality.stale(admin, { limit: 1, offset: 1, now: NOW })).items.map((i) => i.sourceKey)).toEqual(['s3']);
    // A year later every e-mail verified before 2026-06-15 has decayed (same-day ties by record id).
    const later = await sys().quality.stale(admin, { attribute: 'email', limit: 100, now: new Date('2027-06-15T00:00:00.000Z') });
    expect(later.items.map((i) => i.sourceKey)).toEqual(['c2', 'c6', 'c1', 'c3', 's2', 'c5', 's1']);
  });

  it('profiles a source exactly (raw values of valid and rejected records)', async () => {
    const p = await sys().quality.profile(admin, 'crm');
    expect(p.records).toBe(7);
    const by = Object.fromEntries(p.attributes.map((a) => [a.attribute, a]));
    expect(by.first_name).toMatchObject({ filled: 6, fillRate: 6 / 7, distinct: 6, patterns: [{ pattern: 'Aaa', count: 6 }], min: 'Ann', max: 'Fay' });
    expect(by.email).toMatchObject({
      filled: 6,
      distinct: 5,
      topValues: [
        { value: 'ann@x.com', count: 2 },
        { value: 'bob@x.com', count: 1 },
        { value: 'eve@x.com', count: 1 },
        { value: 'fay@x.com', count: 1 },
        { value: 'not-an-email', count: 1 },
      ],
      patterns: [
        { pattern: 'aaa@a.aaa', count: 5 },
        { pattern: 'aaa-aa-aaaaa', count: 1 },
      ],
      status: { valid: 4, suspect: 1, invalid: 1, unassessed: 0 },
      shares: { valid: 4 / 6, suspect: 1 / 6, invalid: 1 / 6 },
    });
    expect(by.phone).toMatchObject({
      filled: 4,
      fillRate: 4 / 7,
      distinct: 4,
      topValues: [
        { value: '+44 7911 123453', count: 1 },
        { value: '07911 123451', count: 1 },
        { value: '07911 123459', count: 1 },
        { value: '07911123455', count: 1 },
      ],
      patterns: [
        { pattern: '99999 999999', count: 2 },
        { pattern: '+99 9999 999999', count: 1 },
        { pattern: '99999999999', count: 1 },
      ],
      min: '+44 7911 123453',
      max: '07911123455',
      length: { min: 11, max: 15, mean: 12.5, p50: 12, p95: 15, histogram: [{ length: 11, count: 1 }, { length: 12, count: 2 }, { length: 15, count: 1 }] },
      status: { valid: 3, suspect: 0, invalid: 1, unassessed: 0 },
    });
    expect(by.city).toMatchObject({ filled: 1, distinct: 1, topValues: [{ value: 'London', count: 1 }] });
    // r1 is rejected for its missing first name too, but its last name passed: filled, not assessed.
    expect(by.last_name!.status).toEqual({ valid: 6, suspect: 0, invalid: 0, unassessed: 1 });
  });

  it('snapshots after an import, daily and manually; the trend is filtered by time', async () => {
    const t1 = new Date('2026-06-15T10:00:00.000Z');
    const s1 = await sys().quality.snapshotKpis('import', { sourceId: fx.crm, jobId: 'job_test' }, t1);
    expect(s1.rows.map((r) => r.sourceName)).toEqual(['crm', null]);
    const daily = startDailySnapshots(sys().quality, sys().database, { now: () => new Date('2026-06-16T01:00:00.000Z') });
    try {
      expect(await daily.tick()).toBe(true);
      expect(await daily.tick()).toBe(false); // once per UTC day
    } finally {
      daily.stop();
    }
    const all = await sys().quality.kpis(admin, { from: '2026-06-15T00:00:00Z' });
    expect(all.live).toBeNull();
    expect(all.snapshots.map((s) => [s.trigger, s.sourceName])).toEqual([
      ['import', 'crm'],
      ['import', null],
      ['daily', 'crm'],
      ['daily', 'shop'],
      ['daily', null],
    ]);
    expect(all.snapshots[0]).toMatchObject({ records: 6, completeness: 21 / 24, context: { sourceId: fx.crm, jobId: 'job_test' } });
    const shop = await sys().quality.kpis(admin, { source: 'shop', from: '2026-06-16T00:00:00Z', to: '2026-06-17T00:00:00Z' });
    expect(shop.snapshots.map((s) => [s.trigger, s.records])).toEqual([['daily', 4]]);
  });

  it('HTTP: reading quality is for every role, values masked by privacy; changing rules and snapshots for stewards', async () => {
    const analyst = await sys().key('analyst');
    const steward = await sys().key('steward');
    const prof = await sys().request('GET', '/api/v1/quality/profile?source=crm', analyst);
    expect(prof.statusCode).toBe(200);
    const email = prof.json().attributes.find((a: { attribute: string }) => a.attribute === 'email');
    expect(email.masked).toBe(true);
    expect(email.topValues[0].value).not.toBe('ann@x.com');
    expect(prof.json().attributes.find((a: { attribute: string }) => a.attribute === 'first_name').topValues[0].value).toBe('Ann');
    expect((await sys().request('GET', '/api/v1/quality/kpis?live=true', analyst)).json().live).toHaveLength(3);
    expect((await sys().request('GET', '/api/v1/quality/records?attribute=phone&status=invalid', analyst)).json().items).toHaveLength(1);
    expect((await sys().request('GET', '/api/v1/quality/stale?source=crm', analyst)).statusCode).toBe(200);
    expect((await sys().request('GET', '/api/v1/quality/rules/person', analyst)).json().attributes[2]).toEqual({ name: 'email', type: 'email', required: false, important: true, freshnessMonths: 12 });
    expect((await sys().request('POST', '/api/v1/quality/kpis/snapshot', analyst)).statusCode).toBe(403);
    expect((await sys().request('PUT', '/api/v1/quality/rules/person', analyst, { freshness: { email: 24 } })).statusCode).toBe(403);
    expect((await sys().request('GET', '/api/v1/quality/profile?source=nope', analyst)).statusCode).toBe(404);
    expect((await sys().request('GET', '/api/v1/quality/records?limit=0', analyst)).statusCode).toBe(400);

    const bad = await sys().request('PUT', '/api/v1/quality/rules/person', steward, { freshness: { nope: 3 } });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().error.details[0].field).toBe('freshness.nope');
    const put = await sys().request('PUT', '/api/v1/quality/rules/person', steward, { freshness: { email: 24, city: 6 }, important: ['city'] });
    expect(put.statusCode).toBe(200);
    expect(put.json()).toMatchObject({ rescored: 10, overrides: { freshness: { email: 24, city: 6 }, important: ['city'] } });
    expect((await sys().request('POST', '/api/v1/quality/kpis/snapshot', steward)).statusCode).toBe(201);
    // Back to the defaults for the tests after this one.
    expect((await sys().request('PUT', '/api/v1/quality/rules/person', steward, {})).statusCode).toBe(200);
    const audit = await sys().database.raw<{ n: number }>(`select count(*)::int n from audit_log where action = 'quality.rules.update'`);
    expect(audit[0]!.n).toBe(2);
  });

  it('steward verification stamps values, may set their status, rescores and is audited', async () => {
    const steward = await sys().key('steward');
    const analyst = await sys().key('analyst');
    const c2 = fx.ids.get('c2')!;
    const res = await sys().request('POST', `/api/v1/records/${c2}/verify`, steward, { attributes: ['email'], status: 'valid', note: 'called the customer' });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.verification.email).toMatchObject({ status: 'valid', reasons: [], verifiedBy: 'steward' });
    expect(Date.now() - Date.parse(body.verification.email.verifiedAt)).toBeLessThan(60_000);
    expect(body.verification.first_name).toMatchObject({ verifiedBy: 'import-rule', verifiedAt: '2026-01-01T00:00:00.000Z' });
    // C 5/6, V 1, F 1 → 33.33 + 40 + 20 = 93.
    expect(body).toMatchObject({ score: 93, issues: [] });
    const log = await sys().database.raw<{ entity_id: string; payload: { before: { email: { status: string } }; after: { email: { verifiedBy: string } } } }>(
      `select entity_id, payload from audit_log where action = 'record.verify'`,
    );
    expect(log.map((l) => [l.entity_id, l.payload.before.email.status, l.payload.after.email.verifiedBy])).toEqual([[c2, 'suspect', 'steward']]);
    const q = await sys().request('GET', `/api/v1/records/${c2}/quality`, analyst);
    expect(q.statusCode).toBe(200);
    expect(q.json()).toMatchObject({ score: 93, masked: ['email'] });

    expect((await sys().request('POST', `/api/v1/records/${c2}/verify`, analyst, { attributes: ['email'] })).statusCode).toBe(403);
    const unknown = await sys().request('POST', `/api/v1/records/${c2}/verify`, steward, { attributes: ['phone', 'nope'] });
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json().error.details.map((d: { rule: string }) => d.rule)).toEqual(['empty', 'unknown_attribute']);
    expect((await sys().request('POST', `/api/v1/records/${fx.ids.get('r1')}/verify`, steward, { attributes: ['last_name'] })).statusCode).toBe(409);
  });

  it('decay: a daily pass marks newly stale values and rescores those records only', async () => {
    expect((await sys().quality.refreshDecay(NOW)).rescored).toBe(0);
    // 2027-06-15: e-mails verified before 2026-06-15 (c1, c3, c5, c6, s1, s2) and phones before 2025-12-15 (c6) decay;
    // c2's e-mail was just verified by a steward; c3's and s3's phones were already marked stale.
    const r = await sys().quality.refreshDecay(new Date('2027-06-15T00:00:00.000Z'));
    expect(r.rescored).toBe(6);
    const stale = await sys().quality.records(admin, { attribute: 'email', status: 'stale', limit: 100 });
    expect(stale.items.map((i) => i.sourceKey).sort()).toEqual(['c1', 'c3', 'c5', 'c6', 's1', 's2']);
  });
});
