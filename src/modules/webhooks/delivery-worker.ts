import { sql } from 'drizzle-orm';
import type { Database } from '../../platform/db/database.js';
import { rows } from '../../platform/db/database.js';
import { newId } from '../../platform/ids.js';
import { Actor } from '../../platform/auth/actor.js';
import type { Role } from '../../platform/auth/permissions.js';
import { carriesValues, eventAreas, eventVisible, maskEvent, privacyBySource, valueSourceOf } from './event-audience.js';
import type { FeedEvent } from './event-feed.js';
import { readEvents } from './event-feed.js';
import { SIGNATURE_HEADER, signPayload } from './signing.js';

export type DeliveryOptions = {
  /** How often the worker looks for new events and due deliveries. Default 200 ms. */
  pollMs?: number;
  /** First retry delay; doubles per attempt (capped at `maxBackoffMs`). Default 1 s. */
  baseBackoffMs?: number;
  maxBackoffMs?: number;
  /** Per-request timeout. Default 10 s. */
  timeoutMs?: number;
  /** Deliveries in flight at once (never two of the same customer). Default 8. */
  concurrency?: number;
  onError?: (err: unknown) => void;
};

type Due = {
  id: string; subscription_id: string; event_seq: number; attempts: number; url: string; secret: string; max_attempts: number; body: string; event_id: string; event_type: string;
  roles: Role[]; business_area_ids: string[];
};

/** Who a subscription's deliveries are for: its roles (masking) and business areas (which events). */
function audienceOf(s: { id: string; roles: string[]; business_area_ids: string[] }): Actor {
  return new Actor('system', null, s.roles as Role[], s.business_area_ids, null, null, `webhook:${s.id}`);
}

// A claimed delivery is leased for this long, so a second server process does not send it too.
const LEASE_SECONDS = 60;

/**
 * Turns outbox events into webhook deliveries and sends them: signed (HMAC-SHA256 over timestamp and
 * body), in sequence order per aggregate (a customer's events never overtake each other), retried
 * with exponential backoff and dead-lettered after the subscription's max attempts.
 */
export class WebhookDeliveryWorker {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;
  private readonly o: Required<Omit<DeliveryOptions, 'onError'>> & Pick<DeliveryOptions, 'onError'>;

  constructor(private readonly database: Database, opts: DeliveryOptions = {}) {
    this.o = { pollMs: 200, baseBackoffMs: 1000, maxBackoffMs: 3_600_000, timeoutMs: 10_000, concurrency: 8, ...opts };
  }

  start(): void {
    this.stopped = false;
    const loop = () => {
      if (this.stopped) return;
      this.running = this.tick()
        .catch((e) => this.o.onError?.(e))
        .finally(() => {
          this.running = null;
          if (!this.stopped) this.timer = setTimeout(loop, this.o.pollMs);
        });
    };
    loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  /** One round: dispatch new events, then send what is due. Exposed for tests and the CLI. */
  async tick(): Promise<void> {
    await this.dispatch();
    for (let round = 0; round < 20; round++) {
      const sent = await this.sendDue();
      if (sent === 0) break;
    }
  }

  private async dispatch(): Promise<void> {
    const subs = await rows<{ id: string; event_types: string[]; dispatched_seq: number; roles: string[]; business_area_ids: string[] }>(
      this.database.db,
      sql`select id, event_types, dispatched_seq, roles, business_area_ids from webhook_subscriptions where active`,
    );
    for (const s of subs) {
      const audience = audienceOf(s);
      for (;;) {
        const read = await readEvents(this.database.db, this.database.kind, Number(s.dispatched_seq), 1000, s.event_types);
        const next = read.next;
        // A subscription limited to business areas gets only the events about them.
        let events: FeedEvent[] = read.events;
        if (!audience.allAreas && events.length > 0) {
          const areas = await eventAreas(this.database.db, events);
          events = events.filter((e) => eventVisible(audience, areas.get(e.seq)));
        }
        if (next === Number(s.dispatched_seq)) break;
        await this.database.db.transaction(async (tx) => {
          if (events.length > 0) {
            await tx.execute(sql`
              insert into webhook_deliveries (id, subscription_id, event_seq, event_id, event_type, aggregate_key, status)
              select u.id, ${s.id}, u.seq, u.eid, u.type, u.agg, 'pending'
              from unnest(${sql.param(events.map(() => newId('delivery')))}::text[], ${sql.param(events.map((e) => e.seq))}::bigint[], ${sql.param(events.map((e) => e.id))}::text[],
                          ${sql.param(events.map((e) => e.type))}::text[], ${sql.param(events.map((e) => `${e.aggregateType}:${e.aggregateId}`))}::text[]) as u(id, seq, eid, type, agg)
              on conflict (subscription_id, event_seq) do nothing`);
          }
          // Only move forward: a replay may have moved the watermark back meanwhile.
          await tx.execute(sql`update webhook_subscriptions set dispatched_seq = ${next} where id = ${s.id} and dispatched_seq = ${Number(s.dispatched_seq)}`);
        });
        s.dispatched_seq = next;
        if (read.events.length < 1000 && next - Number(s.dispatched_seq) < 1000) break;
      }
    }
  }

  /** Claims due deliveries whose earlier events of the same aggregate are done, and sends them. */
  private async sendDue(): Promise<number> {
    const due = await rows<Due>(
      this.database.db,
      sql`with due as (
            select d.id from webhook_deliveries d
            where d.status = 'pending' and d.next_attempt_at <= now()
              and not exists (select 1 from webhook_deliveries e where e.subscription_id = d.subscription_id and e.aggregate_key = d.aggregate_key
                              and e.event_seq < d.event_seq and e.status = 'pending')
            order by d.event_seq limit ${this.o.concurrency * 4}
            for update of d skip locked)
          update webhook_deliveries w set next_attempt_at = now() + make_interval(secs => ${LEASE_SECONDS}), updated_at = now()
          from due, webhook_subscriptions s, events ev
          where w.id = due.id and s.id = w.subscription_id and ev.seq = w.event_seq
          returning w.id, w.subscription_id, w.event_seq, w.attempts, s.url, s.secret, s.max_attempts, w.event_id, w.event_type, s.roles, s.business_area_ids,
                    json_build_object('id', ev.id, 'seq', ev.seq, 'type', ev.type, 'aggregateType', ev.aggregate_type, 'aggregateId', ev.aggregate_id,
                                      'occurredAt', ev.occurred_at, 'actorId', ev.actor_id, 'payload', ev.payload)::text as body`,
    );
    if (due.length === 0) return 0;
    // Only the first claimed delivery of an aggregate goes now; the rest wait for the next round.
    const byAgg = new Map<string, Due[]>();
    for (const d of due.sort((a, b) => Number(a.event_seq) - Number(b.event_seq))) {
      const k = `${d.subscription_id}|${JSON.parse(d.body).aggregateType}:${JSON.parse(d.body).aggregateId}`;
      byAgg.set(k, [...(byAgg.get(k) ?? []), d]);
    }
    const heads = [...byAgg.values()].map((list) => list[0]!);
    await this.maskBodies(heads);
    const rest = [...byAgg.values()].flatMap((list) => list.slice(1));
    if (rest.length > 0) await this.database.db.execute(sql`update webhook_deliveries set next_attempt_at = now() where id = any(${sql.param(rest.map((r) => r.id))}::text[])`);
    for (let i = 0; i < heads.length; i += this.o.concurrency) {
      await Promise.all(heads.slice(i, i + this.o.concurrency).map((d) => this.send(d)));
    }
    return heads.length;
  }

  /** Payload values masked for each subscription's roles (only events that carry values, one privacy query). */
  private async maskBodies(list: Due[]): Promise<void> {
    const todo = list
      .map((d) => ({ d, audience: audienceOf({ id: d.subscription_id, roles: d.roles, business_area_ids: d.business_area_ids }), event: JSON.parse(d.body) as FeedEvent }))
      .filter((x) => carriesValues(x.event) && !(x.audience.can('pii:read') && x.audience.can('sensitive:read')));
    if (todo.length === 0) return;
    const privacy = await privacyBySource(this.database.db, [...new Set(todo.map((x) => valueSourceOf(x.event)).filter((s): s is string => s !== null))]);
    for (const x of todo) x.d.body = JSON.stringify(maskEvent(x.audience, x.event, privacy.get(valueSourceOf(x.event) ?? '')));
  }

  private async send(d: Due): Promise<void> {
    const started = performance.now();
    let status: number | null = null;
    let error: string | null = null;
    try {
      const res = await fetch(d.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Custodian-Webhooks/1',
          [SIGNATURE_HEADER]: signPayload(d.secret, d.body),
          'x-custodian-event': d.event_type,
          'x-custodian-event-id': d.event_id,
          'x-custodian-sequence': String(d.event_seq),
          'x-custodian-delivery': d.id,
        },
        body: d.body,
        signal: AbortSignal.timeout(this.o.timeoutMs),
      });
      status = res.status;
      await res.arrayBuffer().catch(() => undefined);
      if (!res.ok) error = `HTTP ${res.status}`;
    } catch (e) {
      error = (e as Error).message || String(e);
    }
    const ms = Math.round(performance.now() - started);
    const attempt = Number(d.attempts) + 1;
    await this.database.db.transaction(async (tx) => {
      await tx.execute(sql`insert into webhook_attempts (delivery_id, attempt, status_code, error, duration_ms) values (${d.id}, ${attempt}, ${status}, ${error}, ${ms})`);
      if (!error) {
        await tx.execute(sql`update webhook_deliveries set status = 'delivered', attempts = ${attempt}, delivered_at = now(), last_status_code = ${status}, last_error = null, updated_at = now() where id = ${d.id}`);
      } else if (attempt >= Number(d.max_attempts)) {
        await tx.execute(sql`update webhook_deliveries set status = 'dead', attempts = ${attempt}, last_status_code = ${status}, last_error = ${error}, updated_at = now() where id = ${d.id}`);
      } else {
        const delay = Math.min(this.o.maxBackoffMs, this.o.baseBackoffMs * 2 ** (attempt - 1));
        await tx.execute(sql`update webhook_deliveries set attempts = ${attempt}, last_status_code = ${status}, last_error = ${error}, updated_at = now(),
                             next_attempt_at = now() + make_interval(secs => ${delay / 1000}) where id = ${d.id}`);
      }
    });
  }
}

/** Starts the background webhook delivery worker; call the returned function to stop it. */
export function startWebhookDelivery(database: Database, opts: DeliveryOptions = {}): { worker: WebhookDeliveryWorker; stop: () => Promise<void> } {
  const worker = new WebhookDeliveryWorker(database, opts);
  worker.start();
  return { worker, stop: () => worker.stop() };
}
