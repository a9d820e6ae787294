import { beforeAll, describe, expect, it } from 'vitest';
import { describeTiers } from '../support/tiers.js';
import { setupSources, useGoldenSystem, write, type GoldenSystem } from './golden-system.js';

type Ids = Record<string, { id: string; customerId: string }>;

describeTiers('golden: three sources, overlapping people', (tier) => {
  const sys = useGoldenSystem(tier);
  let s: GoldenSystem;
  let admin: string;
  let steward: string;
  let agent: string;
  const r: Ids = {};
  beforeAll(async () => {
    s = sys();
    const { schemaId } = await setupSources(s, [{ name: 'crm', trustRank: 90 }, { name: 'shop', trustRank: 50 }, { name: 'pos', trustRank: 20 }]);
    admin = await s.key('admin');
    steward = await s.key('steward');
    agent = await s.key('agent');
    const set = await s.request({ method: 'PUT', url: `/api/v1/schemas/${schemaId}/golden-settings`, key: steward, payload: { survivorship: { default: ['verified', 'trust', 'recent'], attributes: { city: ['recent'], first_name: ['frequent', 'trust'] } } } });
    expect(set.statusCode).toBe(200);
    // Anna in all three sources, Bob in two, Emma (Anna's sister: same phone and surname) and Carl once.
    r.c1 = await write(s, 'crm', 'C-1', { first_name: 'Anna', last_name: 'Smith', email: 'anna.smith@example.com', phone: '07911 123456', birth_date: '1980-04-01', city: 'Leeds' });
    r.c2 = await write(s, 'crm', 'C-2', { first_name: 'Robert', last_name: 'Jones', email: 'bob.jones@example.org', phone: '07911 222333', birth_date: '1975-09-09', city: 'Hull' });
    r.s1 = await write(s, 'shop', 'S-1', { first_name: 'Anna', last_name: 'Smith', email: 'anna.smith@example.com', phone: '07911 123456', city: 'Leeds' });
    r.s2 = await write(s, 'shop', 'S-2', { first_name: 'Bob', last_name: 'Jones', email: 'bob.jones@example.org', phone: '07911 222333' });
    r.s3 = await write(s, 'shop', 'S-3', { first_name: 'Emma', last_name: 'Smith', phone: '07911 123456', birth_date: '1983-02-11' });
    r.p1 = await write(s, 'pos', 'P-1', { first_name: 'Ann', last_name: 'Smith', email: 'anna.smith@example.com', city: 'York' });
    r.p2 = await write(s, 'pos', 'P-2', { first_name: 'Carl', last_name: 'Brown', email: 'carl@brown.net', city: 'Bath' });
  }, 180_000);

  it('ends with the right customers', async () => {
    expect(r.s1!.customerId).toBe(r.c1!.customerId);
    expect(r.p1!.customerId).toBe(r.c1!.customerId);
    expect(r.s2!.customerId).toBe(r.c2!.customerId);
    const distinct = new Set(Object.values(r).map((x) => x.customerId));
    expect(distinct.size).toBe(4);
    expect(r.s3!.customerId).not.toBe(r.c1!.customerId);
    const active = await s.query<{ n: number }>(`select count(*)::int as n from customers where status = 'active'`);
    expect(Number(active[0]!.n)).toBe(4);
  });

  it('computes golden values with lineage (frequent, trust, recent)', async () => {
    const res = await s.request({ method: 'GET', url: `/api/v1/customers/${r.c1!.customerId}?include=sources,history`, key: admin });
    expect(res.statusCode).toBe(200);
    const c = res.json();
    expect(c.golden.first_name).toMatchObject({ value: 'Anna', rule: 'frequent' });
    expect(['crm', 'shop']).toContain(c.golden.first_name.sourceName);
    expect(c.golden.birth_date).toMatchObject({ value: '1980-04-01', recordId: r.c1!.id, sourceName: 'crm', sourceKey: 'C-1' });
    expect(c.golden.city).toMatchObject({ value: 'York', rule: 'recent', recordId: r.p1!.id, sourceName: 'pos' });
    expect(c.golden.email.value).toBe('anna.smith@example.com');
    expect(c.golden.phone).toMatchObject({ value: '+447911123456' });
    expect(typeof c.golden.city.chosenAt).toBe('string');
    expect(c.sources.map((x: { sourceName: string }) => x.sourceName)).toEqual(['crm', 'shop', 'pos']);
    expect(c.records).toHaveLength(3);
    expect(c.timeline.map((e: { type: string }) => e.type)).toEqual(['customer.created', 'customer.updated', 'customer.updated']);
    // Personal and sensitive golden values are masked like record values.
    const masked = (await s.request({ method: 'GET', url: `/api/v1/customers/${r.c1!.customerId}`, key: agent })).json();
    expect(masked.golden.birth_date.value).toBe('****-**-**');
    expect(masked.golden.birth_date.sourceName).toBe('crm');
    expect(masked.golden.first_name.value).toBe('Anna');
  });

  it('creates a review task for the borderline pair only, with both records side by side', async () => {
    const list = (await s.request({ method: 'GET', url: '/api/v1/review-tasks', key: steward })).json();
    expect(list.items).toHaveLength(1);
    const t = list.items[0];
    expect(t.record.id).toBe(r.s3!.id);
    expect([r.c1!.id, r.s1!.id]).toContain(t.candidate.id);
    expect(t.probability).toBeGreaterThanOrEqual(0.5);
    expect(t.probability).toBeLessThan(0.95);
    expect(t.explanation.terms.map((x: { role: string }) => x.role)).toEqual(expect.arrayContaining(['givenName', 'familyName', 'phone']));
    // The task's event comes with the write's own events, after them.
    const events = await s.query<{ type: string; aggregate_id: string; payload: Record<string, unknown> }>(
      `select type, aggregate_id, payload from events where aggregate_id = any($1::text[]) order by seq`,
      [[r.s3!.id, r.s3!.customerId, t.id]],
    );
    expect(events.map((e) => [e.type, e.aggregate_id])).toEqual([['customer.created', r.s3!.customerId], ['record.created', r.s3!.id], ['review_task.created', t.id]]);
    const schemaId = (await s.query<{ id: string }>(`select id from schemas where name = 'person'`))[0]!.id;
    expect(events[2]!.payload).toEqual({ recordId: r.s3!.id, candidateRecordId: t.candidate.id, probability: t.probability, schemaId });
    const filtered = (await s.request({ method: 'GET', url: '/api/v1/review-tasks?minScore=0.99', key: steward })).json();
    expect(filtered.items).toHaveLength(0);
    const counts = (await s.request({ method: 'GET', url: '/api/v1/review-tasks/counts', key: steward })).json();
    expect(counts.byStatus.open).toBe(1);
    expect((await s.request({ method: 'GET', url: '/api/v1/review-tasks', key: agent })).statusCode).toBe(403);
  });

  it('cross-references (source, key) and lists a customer’s keys', async () => {
    const x = (await s.request({ method: 'GET', url: '/api/v1/xref/pos/P-1', key: agent })).json();
    expect(x.customerId).toBe(r.c1!.customerId);
    const keys = (await s.request({ method: 'GET', url: `/api/v1/customers/${r.c1!.customerId}/keys`, key: agent })).json();
    expect(keys.items.map((k: { sourceName: string; sourceKey: string }) => `${k.sourceName}/${k.sourceKey}`)).toEqual(['crm/C-1', 'pos/P-1', 'shop/S-1']);
    expect((await s.request({ method: 'GET', url: '/api/v1/xref/pos/NOPE', key: agent })).statusCode).toBe(404);
  });

  it('remembers "not a duplicate" and honours it on re-match and merge', async () => {
    const [t] = (await s.request({ method: 'GET', url: '/api/v1/review-tasks', key: steward })).json().items;
    const d = await s.request({ method: 'POST', url: `/api/v1/review-tasks/${t.id}/decision`, key: steward, payload: { decision: 'not_match', note: 'sisters' } });
    expect(d.json()).toMatchObject({ status: 'not_match', mergeId: null });
    const merge = await s.request({ method: 'POST', url: '/api/v1/customers/merge', key: steward, payload: { customerIds: [r.c1!.customerId, r.s3!.customerId], reason: 'try' } });
    expect(merge.statusCode).toBe(409);
    // With the upper threshold below the pair's score the re-match would merge them, but for the decision.
    await s.request({ method: 'PUT', url: `/api/v1/schemas/person/golden-settings`, key: steward, payload: { upperThreshold: 0.55, lowerThreshold: 0.3 } });
    const job = await s.request({ method: 'POST', url: '/api/v1/rematch-jobs', key: steward, payload: { schema: 'person', dryRun: true } });
    expect(job.statusCode).toBe(202);
    await s.g.stewardship.drain();
    const done = (await s.request({ method: 'GET', url: `/api/v1/rematch-jobs/${job.json().id}`, key: steward })).json();
    expect(done.status).toBe('succeeded');
    expect(done.report.merges.count).toBe(0);
    expect(done.report.splits.count).toBe(0);
    expect(done.report.notDuplicateHonoured).toBeGreaterThanOrEqual(1);
    // Applied: nothing changes either.
    const applied = await s.g.stewardship.runRematchNow((await import('../../src/platform/auth/actor.js')).Actor.system(), { schema: 'person', dryRun: false });
    expect(applied.status).toBe('succeeded');
    const active = await s.query<{ n: number }>(`select count(*)::int as n from customers where status = 'active'`);
    expect(Number(active[0]!.n)).toBe(4);
    await s.request({ method: 'PUT', url: `/api/v1/schemas/person/golden-settings`, key: steward, payload: { upperThreshold: 0.95, lowerThreshold: 0.5 } });
  }, 60_000);

  it('merges by a steward with evidence, then unmerges back exactly', async () => {
    const before = await s.query<{ id: string; customer_id: string }>('select id, customer_id from source_records order by id');
    const m = await s.request({ method: 'POST', url: '/api/v1/customers/merge', key: steward, payload: { customerIds: [r.c2!.customerId, r.p2!.customerId], into: r.c2!.customerId, reason: 'same household account', evidence: { ticket: 'T-1' } } });
    expect(m.statusCode).toBe(200);
    const merged = (await s.request({ method: 'GET', url: `/api/v1/customers/${r.p2!.customerId}`, key: admin })).json();
    expect(merged).toMatchObject({ status: 'merged', mergedInto: r.c2!.customerId });
    const hist = (await s.request({ method: 'GET', url: `/api/v1/customers/${r.c2!.customerId}/merges`, key: admin })).json();
    expect(hist.items[0]).toMatchObject({ id: m.json().mergeId, reason: 'same household account', evidence: { ticket: 'T-1' }, recordIds: [r.p2!.id] });
    const u = await s.request({ method: 'POST', url: `/api/v1/merges/${m.json().mergeId}/unmerge`, key: steward, payload: { reason: 'wrong' } });
    expect(u.json()).toMatchObject({ restored: [r.p2!.customerId], recordsMoved: 1 });
    expect(await s.query('select id, customer_id from source_records order by id')).toEqual(before);
    expect((await s.request({ method: 'POST', url: `/api/v1/merges/${m.json().mergeId}/unmerge`, key: steward, payload: {} })).statusCode).toBe(409);
    const types = await s.query<{ type: string }>(`select type from events where aggregate_id = $1 order by seq`, [r.p2!.customerId]);
    expect(types.map((t) => t.type)).toEqual(['customer.created', 'customer.merged', 'customer.unmerged']);
  });

  it('splits chosen records into a new customer and pins a value', async () => {
    const sp = await s.request({ method: 'POST', url: `/api/v1/customers/${r.c1!.customerId}/split`, key: steward, payload: { recordIds: [r.p1!.id], reason: 'different Ann' } });
    expect(sp.statusCode).toBe(200);
    const x = (await s.request({ method: 'GET', url: '/api/v1/xref/pos/P-1', key: agent })).json();
    expect(x.customerId).toBe(sp.json().newCustomerId);
    const g = (await s.request({ method: 'GET', url: `/api/v1/customers/${r.c1!.customerId}`, key: admin })).json().golden;
    expect(g.city).toMatchObject({ value: 'Leeds', rule: 'recent' });
    const pinned = await s.request({ method: 'PUT', url: `/api/v1/customers/${r.c1!.customerId}/golden/city/pin`, key: steward, payload: { value: 'Wakefield', reason: 'customer called' } });
    expect(pinned.json().city).toMatchObject({ value: 'Wakefield', rule: 'pinned', recordId: null });
    await write(s, 'crm', 'C-1', { first_name: 'Anna', last_name: 'Smith', email: 'anna.smith@example.com', phone: '07911 123456', birth_date: '1980-04-01', city: 'Harrogate' });
    const still = (await s.request({ method: 'GET', url: `/api/v1/customers/${r.c1!.customerId}`, key: admin })).json().golden;
    expect(still.city.value).toBe('Wakefield');
    const unpinned = (await s.request({ method: 'DELETE', url: `/api/v1/customers/${r.c1!.customerId}/golden/city/pin`, key: steward })).json();
    expect(unpinned.city).toMatchObject({ value: 'Harrogate', rule: 'recent', sourceName: 'crm' });
  });
});

describe('golden: permissions', () => {
  it('grants merge and review to stewards, events to auditors, webhooks to admins only', async () => {
    const { ROLE_PERMISSIONS } = await import('../../src/platform/auth/permissions.js');
    expect(ROLE_PERMISSIONS.steward).toEqual(expect.arrayContaining(['golden:merge', 'stewardship:review', 'events:read']));
    expect(ROLE_PERMISSIONS.steward).not.toContain('webhooks:manage');
    expect(ROLE_PERMISSIONS.auditor).toContain('events:read');
    expect(ROLE_PERMISSIONS.agent).not.toContain('golden:merge');
  });
});
