import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Actor } from '../../src/platform/auth/actor.js';
import type { Role } from '../../src/platform/auth/permissions.js';
import { WebhookDeliveryWorker } from '../../src/modules/webhooks/index.js';
import { describeTiers } from '../support/tiers.js';
import { PERSON, useGoldenSystem, write, type GoldenSystem } from './golden-system.js';

type Ref = { id: string; customerId: string };

/** A receiver that keeps every delivered body. */
function receiver() {
  const got: { type: string; aggregateId: string; payload: Record<string, unknown> }[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      got.push(JSON.parse(body));
      res.writeHead(204).end();
    });
  });
  return { server, got };
}

describeTiers('golden: business-area scope and masked event payloads', (tier) => {
  const sys = useGoldenSystem(tier);
  let s: GoldenSystem;
  let areaA = '';
  let areaB = '';
  let stewardA = '';
  let stewardB = '';
  let stewardAll = '';
  let adminA = '';
  let admin = '';
  let auditor = '';
  const r: Record<string, Ref> = {};
  let crossTask = '';
  let innerTask = '';
  const allHooks = receiver();
  const auditorHooks = receiver();
  const areaHooks = receiver();
  const urlOf = (srv: Server) => `http://127.0.0.1:${(srv.address() as AddressInfo).port}/hook`;

  const keyFor = async (roles: Role[], areas: string[]) =>
    (await s.services.governance.createApiKey(Actor.system(), { name: `k-${roles.join('-')}-${areas.length}-${Math.random()}`, roles, businessAreaIds: areas })).key;
  const insertTask = async (id: string, a: Ref, b: Ref, srcA: string, srcB: string) => {
    const [schema] = await s.query<{ id: string }>(`select id from schemas limit 1`);
    await s.query(
      `insert into review_tasks (id, schema_id, source_id, record_id, candidate_record_id, candidate_source_id, probability, explanation) values ($1, $2, $3, $4, $5, $6, 0.7, '{}'::jsonb)`,
      [id, schema!.id, srcA, a.id, b.id, srcB],
    );
  };

  beforeAll(async () => {
    s = sys();
    for (const srv of [allHooks.server, auditorHooks.server, areaHooks.server]) await new Promise<void>((res) => srv.listen(0, '127.0.0.1', res));
    const sysActor = Actor.system();
    areaA = (await s.services.governance.createBusinessArea(sysActor, { name: 'retail' })).id;
    areaB = (await s.services.governance.createBusinessArea(sysActor, { name: 'wholesale' })).id;
    await s.services.schemas.create(sysActor, { name: 'person', definition: PERSON, businessArea: 'retail' });
    await s.services.sources.create(sysActor, { name: 'shop_a', schema: 'person', systemType: 'crm', businessArea: 'retail' });
    await s.services.sources.create(sysActor, { name: 'shop_b', schema: 'person', systemType: 'crm', businessArea: 'wholesale' });
    stewardA = await keyFor(['steward'], [areaA]);
    stewardB = await keyFor(['steward'], [areaB]);
    stewardAll = await keyFor(['steward'], []);
    adminA = await keyFor(['admin'], [areaA]);
    admin = await keyFor(['admin'], []);
    auditor = await keyFor(['auditor'], []);
    // Webhooks before the writes: one for every role and area, one masked for auditors, one limited to area A.
    expect((await s.request({ method: 'POST', url: '/api/v1/webhooks', key: admin, payload: { url: urlOf(allHooks.server), eventTypes: ['record.quarantined', 'record.created'] } })).statusCode).toBe(201);
    expect((await s.request({ method: 'POST', url: '/api/v1/webhooks', key: admin, payload: { url: urlOf(auditorHooks.server), eventTypes: ['record.quarantined'], roles: ['auditor'] } })).statusCode).toBe(201);
    const scoped = await s.request({ method: 'POST', url: '/api/v1/webhooks', key: adminA, payload: { url: urlOf(areaHooks.server), eventTypes: ['record.created'] } });
    expect(scoped.statusCode).toBe(201);
    expect(scoped.json()).toMatchObject({ roles: ['admin'], businessAreaIds: [areaA] });

    r.a1 = await write(s, 'shop_a', 'A-1', { first_name: 'Anna', last_name: 'Smith', email: 'anna@example.com', birth_date: '1980-04-01' });
    r.a2 = await write(s, 'shop_a', 'A-2', { first_name: 'Carl', last_name: 'Brown', email: 'carl@example.com' });
    r.a3 = await write(s, 'shop_a', 'A-3', { first_name: 'Dora', last_name: 'White', email: 'dora@example.com' });
    r.b1 = await write(s, 'shop_b', 'B-1', { first_name: 'Bert', last_name: 'Green', email: 'bert@example.net' });
    r.b2 = await write(s, 'shop_b', 'B-2', { first_name: 'Eve', last_name: 'Black', email: 'eve@example.net' });
    expect(new Set(Object.values(r).map((x) => x.customerId)).size).toBe(5);
    // A rejected record: its quarantine event names the invalid values.
    await s.services.records.write(Actor.system(), { source: 'shop_a', key: 'A-bad', values: { first_name: 'Fay', last_name: 'Grey', email: 'not-an-email', birth_date: '1980-13-45', phone: 'call me' } });
    const [srcA] = await s.query<{ id: string }>(`select id from sources where name = 'shop_a'`);
    const [srcB] = await s.query<{ id: string }>(`select id from sources where name = 'shop_b'`);
    crossTask = 'rvt_cross';
    innerTask = 'rvt_inner';
    await insertTask(crossTask, r.a1, r.b1, srcA!.id, srcB!.id);
    await insertTask(innerTask, r.a2, r.a3, srcA!.id, srcA!.id);
  }, 180_000);
  afterAll(() => {
    for (const srv of [allHooks.server, auditorHooks.server, areaHooks.server]) srv.close();
  });

  it('review tasks: a steward of area A sees and decides only tasks whose records are all in A', async () => {
    const listA = (await s.request({ method: 'GET', url: '/api/v1/review-tasks', key: stewardA })).json();
    expect(listA.items.map((t: { id: string }) => t.id)).toEqual([innerTask]);
    const listAll = (await s.request({ method: 'GET', url: '/api/v1/review-tasks', key: stewardAll })).json();
    expect(listAll.items.map((t: { id: string }) => t.id).sort()).toEqual([crossTask, innerTask].sort());
    expect((await s.request({ method: 'GET', url: '/api/v1/review-tasks', key: stewardB })).json().items).toEqual([]);
    expect((await s.request({ method: 'GET', url: `/api/v1/review-tasks/${crossTask}`, key: stewardA })).statusCode).toBe(404);
    expect((await s.request({ method: 'POST', url: `/api/v1/review-tasks/${crossTask}/decision`, key: stewardA, payload: { decision: 'match' } })).statusCode).toBe(404);
    expect((await s.request({ method: 'PUT', url: `/api/v1/review-tasks/${crossTask}/assignee`, key: stewardA, payload: { assignee: 'me' } })).statusCode).toBe(404);
    const counts = (await s.request({ method: 'GET', url: '/api/v1/review-tasks/counts', key: stewardA })).json();
    expect(counts.byStatus.open).toBe(1);
    expect((await s.request({ method: 'GET', url: '/api/v1/review-tasks/counts', key: stewardAll })).json().byStatus.open).toBe(2);
    const bulk = (await s.request({ method: 'POST', url: '/api/v1/review-tasks/decisions', key: stewardA, payload: { taskIds: [crossTask], decision: 'skip' } })).json();
    expect(bulk).toMatchObject({ items: [{ taskId: crossTask, status: 'open', error: expect.stringContaining('not found') }] });
    const [cross] = await s.query<{ status: string }>(`select status from review_tasks where id = $1`, [crossTask]);
    expect(cross!.status).toBe('open');
  });

  it('merges: no merge across areas the steward does not cover; merges of other areas are invisible', async () => {
    const cross = await s.request({ method: 'POST', url: '/api/v1/customers/merge', key: stewardA, payload: { customerIds: [r.a1!.customerId, r.b1!.customerId], reason: 'x' } });
    expect(cross.statusCode).toBe(403);
    expect((await s.request({ method: 'POST', url: '/api/v1/customers/merge', key: stewardA, payload: { customerIds: [r.b1!.customerId, r.b2!.customerId], reason: 'x' } })).statusCode).toBe(404);
    const inner = await s.request({ method: 'POST', url: '/api/v1/customers/merge', key: stewardA, payload: { customerIds: [r.a2!.customerId, r.a3!.customerId], into: r.a2!.customerId, reason: 'same' } });
    expect(inner.statusCode).toBe(200);
    const mergeId = inner.json().mergeId;
    expect((await s.request({ method: 'GET', url: `/api/v1/merges/${mergeId}`, key: stewardB })).statusCode).toBe(404);
    expect((await s.request({ method: 'GET', url: `/api/v1/merges/${mergeId}`, key: stewardA })).statusCode).toBe(200);
    expect((await s.request({ method: 'GET', url: `/api/v1/customers/${r.a2!.customerId}/merges`, key: stewardB })).json().items).toEqual([]);
    expect((await s.request({ method: 'POST', url: `/api/v1/merges/${mergeId}/unmerge`, key: stewardB, payload: {} })).statusCode).toBe(404);
    // A cross-area merge by a steward of every area: a steward of A can neither undo nor split it.
    const wide = (await s.request({ method: 'POST', url: '/api/v1/customers/merge', key: stewardAll, payload: { customerIds: [r.a1!.customerId, r.b1!.customerId], into: r.a1!.customerId, reason: 'wide' } })).json();
    expect((await s.request({ method: 'GET', url: `/api/v1/merges/${wide.mergeId}`, key: stewardA })).statusCode).toBe(404);
    expect((await s.request({ method: 'POST', url: `/api/v1/merges/${wide.mergeId}/unmerge`, key: stewardA, payload: {} })).statusCode).toBe(403);
    // The merge list shows each steward only the merges wholly inside its areas.
    const listed = async (key: string) => ((await s.request({ method: 'GET', url: '/api/v1/merges', key })).json().items as { id: string }[]).map((m) => m.id).sort();
    expect(await listed(stewardA)).toEqual([mergeId]);
    expect(await listed(stewardB)).toEqual([]);
    expect(await listed(stewardAll)).toEqual([mergeId, wide.mergeId].sort());
    expect((await s.request({ method: 'POST', url: `/api/v1/customers/${r.a1!.customerId}/split`, key: stewardA, payload: { recordIds: [r.a1!.id], reason: 'x' } })).statusCode).toBe(403);
    expect((await s.request({ method: 'PUT', url: `/api/v1/customers/${r.a1!.customerId}/golden/first_name/pin`, key: stewardA, payload: { value: 'X' } })).statusCode).toBe(403);
    expect((await s.request({ method: 'POST', url: `/api/v1/merges/${wide.mergeId}/unmerge`, key: stewardAll, payload: {} })).statusCode).toBe(200);
    expect((await s.request({ method: 'POST', url: `/api/v1/merges/${mergeId}/unmerge`, key: stewardA, payload: {} })).statusCode).toBe(200);
  });

  it('not-duplicate pairs: only between records of the steward\'s areas', async () => {
    expect((await s.request({ method: 'POST', url: '/api/v1/not-duplicates', key: stewardA, payload: { recordIds: [r.a1!.id, r.b2!.id] } })).statusCode).toBe(403);
    expect((await s.request({ method: 'POST', url: '/api/v1/not-duplicates', key: stewardA, payload: { recordIds: [r.b1!.id, r.b2!.id] } })).statusCode).toBe(404);
    expect((await s.request({ method: 'POST', url: '/api/v1/not-duplicates', key: stewardAll, payload: { recordIds: [r.a1!.id, r.b2!.id] } })).statusCode).toBe(201);
    expect((await s.request({ method: 'POST', url: '/api/v1/not-duplicates', key: stewardA, payload: { recordIds: [r.a1!.id, r.a2!.id] } })).statusCode).toBe(201);
    const pairOf = (x: { recordA: string; recordB: string }) => [x.recordA, x.recordB].sort().join('+');
    expect((await s.request({ method: 'GET', url: '/api/v1/not-duplicates', key: stewardA })).json().items.map(pairOf)).toEqual([[r.a1!.id, r.a2!.id].sort().join('+')]);
    expect((await s.request({ method: 'GET', url: '/api/v1/not-duplicates', key: stewardAll })).json().items).toHaveLength(2);
    const [x, y] = [r.a1!.id, r.b2!.id].sort();
    expect((await s.request({ method: 'DELETE', url: `/api/v1/not-duplicates/${x}/${y}`, key: stewardA })).statusCode).toBe(403);
  });

  it('re-match jobs: schema-wide only for stewards of every area of its sources; jobs of other areas are invisible', async () => {
    const wide = await s.request({ method: 'POST', url: '/api/v1/rematch-jobs', key: stewardA, payload: { schema: 'person', dryRun: true } });
    expect(wide.statusCode).toBe(403);
    const own = await s.request({ method: 'POST', url: '/api/v1/rematch-jobs', key: stewardA, payload: { source: 'shop_a', dryRun: true } });
    expect(own.statusCode).toBe(202);
    await s.g.stewardship.drain();
    expect((await s.request({ method: 'GET', url: `/api/v1/rematch-jobs/${own.json().id}`, key: stewardA })).json().status).toBe('succeeded');
    expect((await s.request({ method: 'GET', url: `/api/v1/rematch-jobs/${own.json().id}`, key: stewardB })).statusCode).toBe(404);
    expect((await s.request({ method: 'GET', url: '/api/v1/rematch-jobs', key: stewardB })).json().items).toEqual([]);
    expect((await s.request({ method: 'GET', url: '/api/v1/rematch-jobs', key: stewardAll })).json().items).toHaveLength(1);
  });

  it('webhook subscriptions: a scoped admin manages only subscriptions of its areas; audience within its own roles and areas', async () => {
    const listA = (await s.request({ method: 'GET', url: '/api/v1/webhooks', key: adminA })).json();
    expect(listA.items.map((w: { url: string }) => w.url)).toEqual([urlOf(areaHooks.server)]);
    expect((await s.request({ method: 'GET', url: '/api/v1/webhooks', key: admin })).json().items).toHaveLength(3);
    const everyArea = await s.request({ method: 'POST', url: '/api/v1/webhooks', key: adminA, payload: { url: 'http://127.0.0.1:9/x', businessAreaIds: [] } });
    expect(everyArea.statusCode).toBe(422);
    expect(everyArea.json().error.details).toEqual([expect.objectContaining({ field: 'businessAreaIds', rule: 'own_areas' })]);
    const otherArea = await s.request({ method: 'POST', url: '/api/v1/webhooks', key: adminA, payload: { url: 'http://127.0.0.1:9/x', businessAreaIds: [areaB] } });
    expect(otherArea.statusCode).toBe(422);
    expect(otherArea.json().error.details).toEqual([expect.objectContaining({ field: 'businessAreaIds', rule: 'own_areas', message: `${areaB} is outside your scope` })]);
    const stewardKey = await keyFor(['steward'], []);
    // Only admins manage webhooks; a steward-role key cannot create one at all.
    expect((await s.request({ method: 'POST', url: '/api/v1/webhooks', key: stewardKey, payload: { url: 'http://127.0.0.1:9/x' } })).statusCode).toBe(403);
  });

  it('events: polled and delivered only about the audience\'s areas, values masked for its roles', async () => {
    const quarantined = (key: string) =>
      s.request({ method: 'GET', url: '/api/v1/events?types=record.quarantined', key }).then((res) => res.json().items[0].payload.errors);
    const full = await quarantined(admin);
    expect(full.map((e: { field: string; value: unknown }) => [e.field, e.value])).toEqual([
      ['email', 'not-an-email'],
      ['phone', 'call me'],
      ['birth_date', '1980-13-45'],
    ]);
    // Auditors lack pii:read and sensitive:read: e-mail and phone are personal, birth date sensitive.
    const masked = await quarantined(auditor);
    expect(masked.map((e: { field: string; value: unknown }) => [e.field, e.value])).toEqual([
      ['email', 'n***'],
      ['phone', 'c***'],
      ['birth_date', '****-**-**'],
    ]);
    expect(masked.map((e: { rule: string }) => e.rule)).toEqual(full.map((e: { rule: string }) => e.rule));
    // A steward of area B polls only area B's events.
    const evB = (await s.request({ method: 'GET', url: '/api/v1/events?types=record.created&limit=1000', key: stewardB })).json();
    expect(evB.items.map((e: { aggregateId: string }) => e.aggregateId).sort()).toEqual([r.b1!.id, r.b2!.id].sort());

    const worker = new WebhookDeliveryWorker(s.database, { pollMs: 20 });
    worker.start();
    const until = Date.now() + 20_000;
    while ((allHooks.got.length < 6 || auditorHooks.got.length < 1 || areaHooks.got.length < 3) && Date.now() < until) await new Promise((res) => setTimeout(res, 50));
    await new Promise((res) => setTimeout(res, 300));
    await worker.stop();
    const errorsOf = (got: typeof allHooks.got) => (got.find((g) => g.type === 'record.quarantined')!.payload.errors as { field: string; value: unknown }[]).map((e) => [e.field, e.value]);
    expect(errorsOf(allHooks.got)).toEqual([['email', 'not-an-email'], ['phone', 'call me'], ['birth_date', '1980-13-45']]);
    expect(errorsOf(auditorHooks.got)).toEqual([['email', 'n***'], ['phone', 'c***'], ['birth_date', '****-**-**']]);
    expect(auditorHooks.got).toHaveLength(1);
    expect(allHooks.got.filter((g) => g.type === 'record.created')).toHaveLength(5);
    // The area-A subscription got record.created of A's three records only.
    expect(areaHooks.got.map((g) => g.aggregateId).sort()).toEqual([r.a1!.id, r.a2!.id, r.a3!.id].sort());
  });
});
