import { beforeAll, expect, it } from 'vitest';
import { describeTiers } from '../support/tiers.js';
import { setupSources, useGoldenSystem, write, type GoldenSystem } from './golden-system.js';

type M = { id: string; kind: string; intoCustomerId: string; fromCustomerIds: string[]; recordIds: string[]; automatic: boolean; actorId: string | null; undoneAt: string | null; reason: string | null };

describeTiers('GET /api/v1/merges', (tier) => {
  const sys = useGoldenSystem(tier);
  let s: GoldenSystem;
  let steward: string;
  let stewardId: string;
  let admin: string;
  let adminId: string;
  let agent: string;
  const c: Record<string, { id: string; customerId: string }> = {};
  const merges: string[] = [];
  let splitId = '';
  let started = '';

  beforeAll(async () => {
    s = sys();
    await setupSources(s, [{ name: 'crm', trustRank: 90 }, { name: 'shop', trustRank: 50 }]);
    steward = await s.key('steward');
    admin = await s.key('admin');
    agent = await s.key('agent');
    stewardId = (await s.request({ method: 'GET', url: '/api/v1/auth/me', key: steward })).json().id;
    adminId = (await s.request({ method: 'GET', url: '/api/v1/auth/me', key: admin })).json().id;
    // Five clearly different people: nothing links on arrival.
    c.a = await write(s, 'crm', 'A', { first_name: 'Agatha', last_name: 'Quill', email: 'agatha@quill.example' });
    c.b = await write(s, 'shop', 'B', { first_name: 'Bartholomew', last_name: 'Ostrander', email: 'bart@ostrander.example' });
    c.c = await write(s, 'crm', 'C', { first_name: 'Cornelius', last_name: 'Vandermeer', email: 'cv@vdm.example' });
    c.d = await write(s, 'shop', 'D', { first_name: 'Delphine', last_name: 'Okonkwo', email: 'delphine@ok.example' });
    c.e = await write(s, 'crm', 'E', { first_name: 'Eustace', last_name: 'Pemberton', email: 'eustace@pem.example' });
    expect(new Set(Object.values(c).map((x) => x.customerId)).size).toBe(5);
    started = new Date(Date.now() - 1000).toISOString();
    const merge = async (key: string, ids: string[], reason: string) => {
      const res = await s.request({ method: 'POST', url: '/api/v1/customers/merge', key, payload: { customerIds: ids, into: ids[0], reason } });
      expect(res.statusCode).toBe(200);
      merges.push(res.json().mergeId);
    };
    await merge(steward, [c.a!.customerId, c.b!.customerId], 'same person, seen in both');
    await merge(admin, [c.c!.customerId, c.d!.customerId], 'admin merge');
    const split = await s.request({ method: 'POST', url: `/api/v1/customers/${c.c!.customerId}/split`, key: steward, payload: { recordIds: [c.d!.id], reason: 'different people after all' } });
    expect(split.statusCode).toBe(200);
    splitId = split.json().mergeId;
    const undo = await s.request({ method: 'POST', url: `/api/v1/merges/${merges[0]}/unmerge`, key: steward, payload: { reason: 'mistake' } });
    expect(undo.statusCode).toBe(200);
  }, 180_000);

  const list = async (qs = '', key = steward) => {
    const res = await s.request({ method: 'GET', url: `/api/v1/merges${qs}`, key });
    return res;
  };

  it('lists every merge and split newest first, with who, why and the moved records', async () => {
    const res = await list();
    expect(res.statusCode).toBe(200);
    const body = res.json() as { items: M[]; nextCursor: string | null };
    expect(body.nextCursor).toBeNull();
    expect(body.items.map((m) => m.id)).toEqual([splitId, merges[1], merges[0]]);
    const [split, adminMerge, first] = body.items as [M, M, M];
    expect(split).toMatchObject({ kind: 'split', intoCustomerId: expect.any(String), recordIds: [c.d!.id], actorId: stewardId, automatic: false, undoneAt: null, reason: 'different people after all' });
    expect(adminMerge).toMatchObject({ kind: 'merge', intoCustomerId: c.c!.customerId, fromCustomerIds: [c.d!.customerId], recordIds: [c.d!.id], actorId: adminId, reason: 'admin merge' });
    expect(first).toMatchObject({ kind: 'merge', intoCustomerId: c.a!.customerId, fromCustomerIds: [c.b!.customerId], recordIds: [c.b!.id], actorId: stewardId });
    expect(first.undoneAt).not.toBeNull();
  });

  it('every role that may read one merge may list them; anonymous callers get 401', async () => {
    expect((await list('', agent)).statusCode).toBe(200);
    expect((await s.request({ method: 'GET', url: '/api/v1/merges' })).statusCode).toBe(401);
  });

  it('filters by kind, actor, customer, undone, automatic and time', async () => {
    const ids = async (qs: string) => ((await list(qs)).json() as { items: M[] }).items.map((m) => m.id);
    expect(await ids('?kind=split')).toEqual([splitId]);
    expect(await ids('?kind=merge')).toEqual([merges[1], merges[0]]);
    expect(await ids(`?actor=${adminId}`)).toEqual([merges[1]]);
    expect(await ids(`?customer=${c.d!.customerId}`)).toEqual([merges[1]]);
    expect(await ids(`?customer=${c.c!.customerId}`)).toEqual([splitId, merges[1]]);
    expect(await ids('?undone=true')).toEqual([merges[0]]);
    expect(await ids('?undone=false')).toEqual([splitId, merges[1]]);
    expect(await ids('?automatic=true')).toEqual([]);
    expect(await ids('?automatic=false&kind=merge')).toEqual([merges[1], merges[0]]);
    expect(await ids(`?since=${encodeURIComponent(started)}`)).toHaveLength(3);
    expect(await ids(`?until=${encodeURIComponent(started)}`)).toEqual([]);
    expect(await ids('?since=2999-01-01')).toEqual([]);
  });

  it('pages with a cursor without skipping or repeating', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await list(`?limit=1${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.statusCode).toBe(200);
      const body = res.json() as { items: M[]; nextCursor: string | null };
      expect(body.items).toHaveLength(1);
      seen.push(body.items[0]!.id);
      cursor = body.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(seen).toEqual([splitId, merges[1], merges[0]]);
    const two = (await list('?limit=2')).json() as { items: M[]; nextCursor: string };
    const rest = (await list(`?limit=2&kind=merge&cursor=${two.nextCursor}`)).json() as { items: M[]; nextCursor: string | null };
    expect(rest).toEqual({ items: [expect.objectContaining({ id: merges[0] })], nextCursor: null });
  });

  it('rejects bad input with 400 naming the field and rule', async () => {
    const bad = async (qs: string, field: string) => {
      const res = await list(qs);
      expect(res.statusCode, qs).toBe(400);
      const err = res.json().error as { details: { field: string; rule: string }[] };
      expect(err.details.map((d) => d.field.replace(/^querystring\./, '')), qs).toContain(field);
      return err;
    };
    await bad('?kind=swap', 'kind');
    await bad('?limit=0', 'limit');
    await bad('?limit=201', 'limit');
    await bad('?automatic=yes', 'automatic');
    await bad('?since=yesterday', 'since');
    await bad('?since=2026-13-45', 'since');
    await bad('?cursor=not-a-cursor', 'cursor');
    const gone = await bad(`?cursor=${Buffer.from(JSON.stringify({ m: 'mrg_missing' })).toString('base64url')}`, 'cursor');
    expect(gone.details[0]).toMatchObject({ rule: 'exists' });
    const order = await bad('?since=2026-02-01&until=2026-01-01', 'since');
    expect(order.details[0]).toMatchObject({ rule: 'order' });
  });
});
