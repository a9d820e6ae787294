import { beforeAll, expect, it } from 'vitest';
import { describeTiers } from '../support/tiers.js';
import { createFixture, useSystem, type Fixture } from '../support/system.js';

// Concurrent single-record writes are coalesced into shared transactions; each request must still get its
// own outcome, its own audit entry (with its own request id) and its own error.
describeTiers('HTTP concurrent record writes', (tier) => {
  const sys = useSystem(tier, { matchOnArrival: false });
  let fx: Fixture;
  let steward: string;

  beforeAll(async () => {
    fx = await createFixture(sys());
    steward = (await sys().key('steward')).key;
  });

  const write = (source: string, key: string, values: Record<string, unknown>) =>
    sys().request({ method: 'POST', url: '/api/v1/records', key: steward, payload: { source, key, values } });

  it('40 concurrent writes: each its own outcome, record, customer and audit entry with its request id', async () => {
    const keys = Array.from({ length: 40 }, (_, i) => `k-${i}`);
    const res = await Promise.all(keys.map((k, i) => write(fx.sourceId, k, { first_name: `P${i}`, last_name: 'Doe', email: i === 7 ? 'not-an-email' : `p${i}@example.com` })));
    // A rejected record is stored in quarantine and answered with 422.
    expect(res.map((r) => r.statusCode)).toEqual(keys.map((_, i) => (i === 7 ? 422 : 201)));
    const bodies = res.map((r) => r.json());
    expect(bodies.map((b) => b.record.sourceKey)).toEqual(keys);
    expect(bodies.filter((b) => b.record.status === 'rejected').map((b) => b.record.sourceKey)).toEqual(['k-7']);
    expect(new Set(bodies.map((b) => b.record.customerId)).size).toBe(40);
    // They shared transactions (records of one transaction have its timestamp): on PGlite, which answers in
    // microtasks, each request used to run its whole transaction before the next one was even read.
    expect(new Set(bodies.map((b) => b.record.createdAt)).size).toBeLessThanOrEqual(4);
    const audit = await sys().request({ method: 'GET', url: '/api/v1/audit?entityType=record&limit=100', key: (await sys().key('auditor')).key });
    const entries = audit.json().items as { entityId: string; action: string; requestId: string | null }[];
    expect(entries).toHaveLength(40);
    expect(new Set(entries.map((e) => e.entityId))).toEqual(new Set(bodies.map((b) => b.record.id)));
    expect(entries.filter((e) => e.action === 'record.create_rejected')).toHaveLength(1);
    // 40 requests, 40 distinct request ids, even where one transaction wrote several of them.
    expect(new Set(entries.map((e) => e.requestId)).size).toBe(40);
  });

  it('the same key sent concurrently is written in order: one create, then updates', async () => {
    const res = await Promise.all([1, 2, 3].map((n) => write(fx.sourceId, 'same', { first_name: 'Sam', last_name: `V${n}` })));
    expect(res.map((r) => r.json().outcome)).toEqual(['created', 'updated', 'updated']);
    expect(res.map((r) => r.json().record.version)).toEqual([1, 2, 3]);
  });

  it('a bad request among good ones fails alone with its own 4xx', async () => {
    const res = await Promise.all([
      write(fx.sourceId, 'g-1', { first_name: 'Good', last_name: 'One' }),
      write(fx.sourceId, 'g-2', { first_name: 'Good', last_name: 'One' }),
      write(fx.sourceId, 'nul\u0000key', { first_name: 'Bad', last_name: 'One' }),
      write(fx.sourceId, 'g-3', { first_name: 'Good', last_name: 'One' }),
    ]);
    expect(res.map((r) => r.statusCode)).toEqual([201, 201, 400, 201]);
    expect(res[2]!.json().error.details[0]).toMatchObject({ field: 'key', rule: 'no_nul' });
  });
});
