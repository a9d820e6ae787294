import { beforeAll, expect, it } from 'vitest';
import { Actor } from '../../src/platform/auth/actor.js';
import { describeTiers } from '../support/tiers.js';
import { createFixture, useSystem, type Fixture } from '../support/system.js';

const PEOPLE: [string, Record<string, unknown>][] = [
  ['p1', { first_name: 'John', last_name: 'Smith', email: 'john.smith@example.com', phone: '020 7946 0958', birth_date: '1980-04-02' }],
  ['p2', { first_name: 'Jon', last_name: 'Smyth', email: 'jon@smyth.org' }],
  ['p3', { first_name: 'Mary', last_name: 'Jones', email: 'Mary.Jones@Example.com' }],
  ['p4', { first_name: 'Peter', last_name: 'Parker' }],
  ['p5', { first_name: 'Bruce', last_name: 'Wayne' }],
  ['p6', { first_name: 'Clark', last_name: 'Kent' }],
  ['p7', { first_name: 'Diana', last_name: 'Prince' }],
];

type Summary = { id: string; displayName: string | null; matchedOn?: string; score?: number };

describeTiers('HTTP customers', (tier) => {
  const sys = useSystem(tier);
  let fx: Fixture;
  const keys: Record<string, string> = {};
  let stewardKeyId: string;
  const customerOf: Record<string, string> = {};

  beforeAll(async () => {
    fx = await createFixture(sys());
    for (const role of ['admin', 'agent', 'analyst', 'auditor'] as const) keys[role] = (await sys().key(role)).key;
    const st = await sys().key('steward');
    keys.steward = st.key;
    stewardKeyId = st.id;
    const results = await sys().services.records.writeMany(Actor.system(), fx.sourceId, PEOPLE.map(([key, values]) => ({ key, values })));
    for (const r of results) {
      expect(r.outcome).toBe('created');
      customerOf[r.record.sourceKey] = r.record.customerId!;
    }
  });

  const get = (url: string, role = 'analyst') => sys().request({ method: 'GET', url, key: keys[role] });
  const ids = async (url: string, role = 'analyst') => {
    const res = await get(url, role);
    expect(res.statusCode, url).toBe(200);
    return (res.json().items as Summary[]).map((c) => c.id);
  };

  it('list paginates with cursors: 7 customers at limit 3 → 3, 3, 1 without repeats', async () => {
    const pages: string[][] = [];
    let cursor: string | null = null;
    do {
      const res = await get(`/api/v1/customers?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.statusCode).toBe(200);
      pages.push(res.json().items.map((c: Summary) => c.id));
      cursor = res.json().nextCursor;
    } while (cursor && pages.length < 10);
    expect(pages.map((p) => p.length)).toEqual([3, 3, 1]);
    const all = pages.flat();
    expect(new Set(all).size).toBe(7);
    expect(new Set(all)).toEqual(new Set(Object.values(customerOf)));
  });

  it('fuzzy name search finds "Jon Smyth" for "John Smith"; exact does not', async () => {
    const fuzzy = await ids('/api/v1/customers?name=John%20Smith');
    expect(fuzzy).toContain(customerOf.p1);
    expect(fuzzy).toContain(customerOf.p2);
    expect(fuzzy[0]).toBe(customerOf.p1); // the exact spelling ranks first
    expect(fuzzy).not.toContain(customerOf.p4);
    const exact = await ids('/api/v1/customers?name=John%20Smith&fuzzy=false');
    expect(exact).toEqual([customerOf.p1]);
    const viaQ = await get('/api/v1/customers?q=jon%20smyth');
    expect(viaQ.json().items[0]).toMatchObject({ id: customerOf.p2, matchedOn: 'name', score: 1 });
    // Diacritics and case are folded.
    expect(await ids('/api/v1/customers?name=J%C3%B3hn%20SMITH&fuzzy=false')).toEqual([customerOf.p1]);
  });

  it('fuzzy e-mail search forgives a typo in either part but does not return other people at the same provider', async () => {
    expect(await ids('/api/v1/customers?q=john.smith@example.com')).toEqual([customerOf.p1]);
    expect(await ids('/api/v1/customers?q=jonh.smith@example.com')).toEqual([customerOf.p1]);
    expect(await ids('/api/v1/customers?q=john.smith@exmaple.com')).toEqual([customerOf.p1]);
    expect(await ids('/api/v1/customers?q=someone.else@example.com')).toEqual([]);
  });

  it('e-mail search is case-insensitive', async () => {
    expect(await ids('/api/v1/customers?email=mary.jones@example.com&fuzzy=false')).toEqual([customerOf.p3]);
    expect(await ids('/api/v1/customers?email=MARY.JONES@EXAMPLE.COM&fuzzy=false')).toEqual([customerOf.p3]);
    const viaQ = await ids('/api/v1/customers?q=Mary.Jones%40example.COM');
    expect(viaQ[0]).toBe(customerOf.p3);
  });

  it('phone search finds +44 20 7946 0958 stored from 020 7946 0958 (default region GB)', async () => {
    expect(await ids(`/api/v1/customers?phone=${encodeURIComponent('+44 20 7946 0958')}`)).toEqual([customerOf.p1]);
    expect(await ids(`/api/v1/customers?phone=${encodeURIComponent('+44 20 7946 0958')}&fuzzy=false`)).toEqual([customerOf.p1]);
    expect(await ids(`/api/v1/customers?phone=${encodeURIComponent('020 7946 0958')}`)).toEqual([customerOf.p1]);
    expect(await ids(`/api/v1/customers?q=${encodeURIComponent('+44 (0)20 7946-0958')}`)).toEqual([customerOf.p1]);
    expect(await ids(`/api/v1/customers?phone=${encodeURIComponent('+44 20 7946 0000')}`)).toEqual([]);
  });

  it('search by source key and by customer id', async () => {
    expect(await ids('/api/v1/customers?key=P4')).toEqual([customerOf.p4]);
    expect(await ids('/api/v1/customers?q=p5')).toContain(customerOf.p5);
    expect(await ids(`/api/v1/customers?q=${customerOf.p6}`)).toEqual([customerOf.p6]);
  });

  it('ranked search pages with an opaque cursor; a bad cursor is a 400', async () => {
    const first = (await get('/api/v1/customers?name=John%20Smith&limit=1')).json();
    expect(first.items).toHaveLength(1);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = (await get(`/api/v1/customers?name=John%20Smith&limit=1&cursor=${first.nextCursor}`)).json();
    expect(second.items).toHaveLength(1);
    expect(second.items[0].id).not.toBe(first.items[0].id);
    for (const bad of ['not-a-cursor', Buffer.from('{"o":-5}').toString('base64url'), Buffer.from('{"o":"x"}').toString('base64url')]) {
      const res = await get(`/api/v1/customers?name=John%20Smith&cursor=${bad}`);
      expect(res.statusCode, bad).toBe(400);
      expect(res.json().error).toMatchObject({ code: 'BAD_REQUEST', details: [{ field: 'cursor' }] });
    }
    expect((await get('/api/v1/customers?limit=0')).statusCode).toBe(400);
    expect((await get('/api/v1/customers?limit=abc')).statusCode).toBe(400);
    expect((await get('/api/v1/customers?fuzzy=maybe')).statusCode).toBe(400);
  });

  it('get by id includes its records; include=history adds the versions', async () => {
    const res = await get(`/api/v1/customers/${customerOf.p4}`, 'admin');
    expect(res.statusCode).toBe(200);
    const c = res.json();
    expect(c).toMatchObject({ id: customerOf.p4, status: 'active', displayName: 'Peter Parker', version: 1 });
    expect(c.records).toHaveLength(1);
    expect(c.records[0]).toMatchObject({ sourceKey: 'p4', sourceId: fx.sourceId, status: 'valid' });
    expect(c.history).toBeUndefined();

    await sys().services.records.writeMany(Actor.system(), fx.sourceId, [{ key: 'p4', values: { first_name: 'Peter', last_name: 'Parker-Jones' } }]);
    const withHistory = (await get(`/api/v1/customers/${customerOf.p4}?include=history`, 'admin')).json();
    expect(withHistory.records).toHaveLength(1);
    expect(withHistory.displayName).toBe('Peter Parker-Jones');
    expect(withHistory.history.map((h: { recordId: string; sourceKey: string; version: number }) => [h.sourceKey, h.version])).toEqual([
      ['p4', 2],
      ['p4', 1],
    ]);
    expect(withHistory.history[1].raw.last_name).toBe('Parker');
    expect((await get(`/api/v1/customers/${customerOf.p4}?include=bogus`, 'admin')).statusCode).toBe(400);
  });

  it('concurrent lookups (which share statements) each get their own customer, records and masking, or their own 404', async () => {
    const asked = [...PEOPLE.map(([key]) => key), 'p1', 'unknown'];
    const roles = asked.map((_, i) => (i % 2 === 0 ? 'agent' : 'analyst'));
    const res = await Promise.all(asked.map((key, i) => get(`/api/v1/customers/${customerOf[key] ?? 'cus_01jd0000000000000000000000'}`, roles[i])));
    expect(res.map((r) => r.statusCode)).toEqual(asked.map((key) => (key === 'unknown' ? 404 : 200)));
    asked.forEach((key, i) => {
      if (key === 'unknown') return;
      const c = res[i]!.json();
      expect(c.id).toBe(customerOf[key]);
      expect(c.records.map((r: { sourceKey: string }) => r.sourceKey)).toEqual([key]);
    });
    // p1 twice: once as an agent (e-mail visible), once as an analyst (masked).
    expect(res[0]!.json().records[0].values.email).toBe('john.smith@example.com');
    expect(res[7]!.json().records[0].values.email).toBe('j***@example.com');
  });

  it('unknown customer id → 404 NOT_FOUND', async () => {
    const res = await get('/api/v1/customers/cus_01jd0000000000000000000000');
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('NOT_FOUND');
  });

  const sensitiveReads = async () =>
    (await sys().services.audit.list(Actor.system(), { action: 'sensitive.read', limit: 1000 })).filter((e) => e.entityId === customerOf.p1);

  it('masking: an analyst sees personal and sensitive fields masked and listed in `masked`', async () => {
    const before = (await sensitiveReads()).length;
    const c = (await get(`/api/v1/customers/${customerOf.p1}`, 'analyst')).json();
    const r = c.records[0];
    expect(r.values.first_name).toBe('John');
    expect(r.values.email).toBe('j***@example.com');
    expect(r.values.phone).toBe('+*********958');
    expect(r.values.birth_date).toBe('****-**-**');
    expect(r.raw.email).toBe('j***@example.com');
    expect(r.masked).toEqual(['birth_date', 'email', 'phone']);
    expect(JSON.stringify(c)).not.toContain('john.smith@');
    expect(JSON.stringify(c)).not.toContain('1980-04-02');
    // Also on the record routes and in history.
    const rec = (await get(`/api/v1/records/${r.id}`, 'analyst')).json();
    expect(rec.values.email).toBe('j***@example.com');
    const hist = (await get(`/api/v1/records/${r.id}/history`, 'analyst')).json();
    expect(JSON.stringify(hist)).not.toContain('john.smith@');
    expect((await sensitiveReads()).length).toBe(before);
  });

  it('masking: an agent sees personal fields but not sensitive ones', async () => {
    const before = (await sensitiveReads()).length;
    const r = (await get(`/api/v1/customers/${customerOf.p1}`, 'agent')).json().records[0];
    expect(r.values.email).toBe('john.smith@example.com');
    expect(r.values.phone).toBe('+442079460958');
    expect(r.values.birth_date).toBe('****-**-**');
    expect(r.masked).toEqual(['birth_date']);
    expect((await sensitiveReads()).length).toBe(before);
  });

  it('a steward sees sensitive fields unmasked and the read leaves a sensitive.read audit entry', async () => {
    const before = await sensitiveReads();
    const r = (await get(`/api/v1/customers/${customerOf.p1}`, 'steward')).json().records[0];
    expect(r.values.birth_date).toBe('1980-04-02');
    expect(r.values.email).toBe('john.smith@example.com');
    expect(r.masked).toEqual([]);
    const after = await sensitiveReads();
    expect(after.length).toBe(before.length + 1);
    const entry = after[0]!;
    expect(entry).toMatchObject({ action: 'sensitive.read', actorType: 'api_key', actorId: stewardKeyId, entityType: 'customer', entityId: customerOf.p1 });
    expect((entry.payload as { fields: string[] }).fields).toEqual(['birth_date']);
    // A customer without sensitive values does not produce one.
    const all = (await sys().services.audit.list(Actor.system(), { action: 'sensitive.read', limit: 1000 })).length;
    await get(`/api/v1/customers/${customerOf.p5}`, 'steward');
    expect((await sys().services.audit.list(Actor.system(), { action: 'sensitive.read', limit: 1000 })).length).toBe(all);
  });

  it('an analyst can search by e-mail and the results reveal no e-mail', async () => {
    const res = await get('/api/v1/customers?email=john.smith@example.com&fuzzy=false', 'analyst');
    expect(res.json().items.map((c: Summary) => c.id)).toEqual([customerOf.p1]);
    expect(JSON.stringify(res.json())).not.toContain('john.smith@');
  });
});
