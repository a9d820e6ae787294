import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { WebhookDeliveryWorker, verifySignature } from '../../src/modules/webhooks/index.js';
import { describeTiers } from '../support/tiers.js';
import { setupSources, useGoldenSystem, write, type GoldenSystem } from './golden-system.js';

type Received = { seq: number; type: string; aggregateId: string; signatureOk: boolean; attempt: number };

/** A local receiver that answers 500 to the first `failFirst` attempts of every event. */
function receiver(secret: () => string, failFirst: number) {
  const tries = new Map<string, number>();
  const ok: Received[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const ev = JSON.parse(body) as { id: string; seq: number; type: string; aggregateId: string };
      const n = (tries.get(ev.id) ?? 0) + 1;
      tries.set(ev.id, n);
      if (n <= failFirst) {
        res.writeHead(500).end('not yet');
        return;
      }
      ok.push({ seq: ev.seq, type: ev.type, aggregateId: ev.aggregateId, signatureOk: verifySignature(secret(), body, String(req.headers['x-custodian-signature'])), attempt: n });
      res.writeHead(204).end();
    });
  });
  return { server, ok, tries };
}

describeTiers('golden: webhooks and the event stream', (tier) => {
  const sys = useGoldenSystem(tier);
  let s: GoldenSystem;
  let admin: string;
  let secret = '';
  const flaky = receiver(() => secret, 2);
  const dead = receiver(() => 'x'.repeat(20), 1000);
  let worker: WebhookDeliveryWorker;
  const urlOf = (srv: Server) => `http://127.0.0.1:${(srv.address() as AddressInfo).port}/hook`;
  beforeAll(async () => {
    s = sys();
    await new Promise<void>((r) => flaky.server.listen(0, '127.0.0.1', r));
    await new Promise<void>((r) => dead.server.listen(0, '127.0.0.1', r));
    await setupSources(s, [{ name: 'crm', trustRank: 90 }]);
    admin = await s.key('admin');
    worker = new WebhookDeliveryWorker(s.database, { pollMs: 20, baseBackoffMs: 20, maxBackoffMs: 200 });
  }, 120_000);
  afterAll(async () => {
    await worker?.stop();
    flaky.server.close();
    dead.server.close();
  });

  it('delivers signed, in order per customer, retrying failed attempts; dead-letters after max attempts; replays', async () => {
    const sub = await s.request({ method: 'POST', url: '/api/v1/webhooks', key: admin, payload: { url: urlOf(flaky.server), eventTypes: ['customer.created', 'customer.updated', 'customer.merged'] } });
    expect(sub.statusCode).toBe(201);
    secret = sub.json().secret;
    const deadSub = (await s.request({ method: 'POST', url: '/api/v1/webhooks', key: admin, payload: { url: urlOf(dead.server), eventTypes: ['customer.created'], maxAttempts: 2, secret: 'x'.repeat(20) } })).json();
    expect((await s.request({ method: 'GET', url: '/api/v1/webhooks', key: await s.key('steward') })).statusCode).toBe(403);

    const people = [
      { first_name: 'Anna', last_name: 'Smith', email: 'anna@example.com' },
      { first_name: 'Carl', last_name: 'Brown', email: 'carl@example.com' },
    ];
    const a = await write(s, 'crm', 'A', people[0]!);
    const b = await write(s, 'crm', 'B', people[1]!);
    for (let i = 0; i < 3; i++) {
      await write(s, 'crm', 'A', { ...people[0]!, city: `City ${i}` });
      await write(s, 'crm', 'B', { ...people[1]!, city: `Town ${i}` });
    }
    await s.request({ method: 'POST', url: '/api/v1/customers/merge', key: admin, payload: { customerIds: [a.customerId, b.customerId], into: a.customerId, reason: 'test' } });
    worker.start();
    const expected = Number((await s.query<{ n: number }>(`select count(*)::int as n from events where type in ('customer.created', 'customer.updated', 'customer.merged')`))[0]!.n);
    const until = Date.now() + 20_000;
    while (flaky.ok.length < expected && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    expect(flaky.ok).toHaveLength(expected);
    expect(flaky.ok.every((e) => e.signatureOk)).toBe(true);
    expect(flaky.ok.every((e) => e.attempt === 3)).toBe(true);
    for (const id of [a.customerId, b.customerId]) {
      const seqs = flaky.ok.filter((e) => e.aggregateId === id).map((e) => e.seq);
      expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
      expect(seqs.length).toBeGreaterThanOrEqual(4);
    }
    let log = (await s.request({ method: 'GET', url: `/api/v1/webhooks/${sub.json().id}/deliveries`, key: admin })).json();
    // The receiver answers before the worker records the outcome.
    while (log.items.some((d: { status: string }) => d.status !== 'delivered') && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 50));
      log = (await s.request({ method: 'GET', url: `/api/v1/webhooks/${sub.json().id}/deliveries`, key: admin })).json();
    }
    expect(log.items).toHaveLength(expected);
    expect(log.items[0].status).toBe('delivered');
    expect(log.items[0].log.map((l: { statusCode: number }) => l.statusCode)).toEqual([500, 500, 204]);

    while (Date.now() < until) {
      const d = (await s.request({ method: 'GET', url: `/api/v1/webhooks/${deadSub.id}/deliveries?status=dead`, key: admin })).json();
      if (d.items.length === 2) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const deadLog = (await s.request({ method: 'GET', url: `/api/v1/webhooks/${deadSub.id}/deliveries`, key: admin })).json();
    expect(deadLog.items.map((d: { status: string; attempts: number }) => [d.status, d.attempts])).toEqual([['dead', 2], ['dead', 2]]);

    // Replay from the first merge event: delivered again (the receiver now answers at once).
    const mergedSeq = flaky.ok.find((e) => e.type === 'customer.merged')!.seq;
    const before = flaky.ok.length;
    // Counted before the replay call: the worker may deliver the replays before the call returns.
    const replayed = flaky.ok.filter((e) => e.seq >= mergedSeq).map((e) => e.seq);
    expect(replayed.length).toBeGreaterThan(0);
    const rp = await s.request({ method: 'POST', url: `/api/v1/webhooks/${sub.json().id}/replay`, key: admin, payload: { fromSeq: mergedSeq } });
    expect(rp.statusCode).toBe(200);
    while (flaky.ok.length < before + replayed.length && Date.now() < until + 10_000) await new Promise((r) => setTimeout(r, 50));
    expect(flaky.ok.slice(before).map((e) => e.seq)).toEqual(replayed);
    await worker.stop();
  }, 60_000);

  it('lets a consumer poll the same stream with ?after=', async () => {
    const auditor = await s.key('auditor');
    const first = (await s.request({ method: 'GET', url: '/api/v1/events?after=0&limit=5', key: auditor })).json();
    expect(first.items.map((e: { seq: number }) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    const next = (await s.request({ method: 'GET', url: `/api/v1/events?after=${first.next}&types=customer.merged`, key: auditor })).json();
    expect(next.items.every((e: { type: string }) => e.type === 'customer.merged')).toBe(true);
    expect(next.items.length).toBe(2);
    expect((await s.request({ method: 'GET', url: '/api/v1/events', key: await s.key('agent') })).statusCode).toBe(403);
  });
});
