import { sql } from 'drizzle-orm';
import type { Actor } from '../../platform/auth/actor.js';
import { permissionsOf } from '../../platform/auth/permissions.js';
import type { Database } from '../../platform/db/database.js';
import { rows } from '../../platform/db/database.js';
import { AppError } from '../../platform/errors/app-error.js';
import { parseOrThrow } from '../../platform/errors/zod-details.js';
import { newId } from '../../platform/ids.js';
import type { AuditService } from '../audit/index.js';
import type { FeedEvent } from './event-feed.js';
import { eventsFor } from './event-audience.js';
import { readEvents } from './event-feed.js';
import { newWebhookSecret } from './signing.js';
import type { SubscriptionView } from './webhooks.schemas.js';
import { createSubscriptionBody, deliveryListQuery, eventsQuery, replayBody, updateSubscriptionBody } from './webhooks.schemas.js';

type SubRow = {
  id: string;
  url: string;
  event_types: string[];
  secret: string;
  active: boolean;
  max_attempts: number;
  dispatched_seq: number;
  description: string | null;
  roles: string[];
  business_area_ids: string[];
  created_by: string | null;
  created_at: Date | string;
  updated_at: Date | string;
};

/** A scoped admin manages only subscriptions limited to areas of their own (an empty list means every area). */
function subscriptionInScope(actor: Actor, s: Pick<SubRow, 'business_area_ids'>): boolean {
  return actor.allAreas || (s.business_area_ids.length > 0 && s.business_area_ids.every((a) => actor.inArea(a)));
}

const iso = (d: Date | string | null): string | null => (d === null ? null : new Date(d).toISOString());

/** Webhook subscriptions (admin), their delivery log and replay, and the polled event stream. */
export class WebhooksService {
  constructor(
    private readonly database: Database,
    private readonly audit: AuditService,
  ) {}

  /** Creates a subscription; the secret is returned once (here) and shown only as a hint afterwards. */
  async create(actor: Actor, input: unknown): Promise<SubscriptionView & { secret: string }> {
    actor.require('webhooks:manage');
    const body = parseOrThrow(createSubscriptionBody, input, 'webhook subscription');
    const roles = body.roles ?? [...actor.roles];
    // The deliveries may reveal no more than the creator may see: every permission of those roles must be the creator's.
    const beyond = roles.filter((r) => [...permissionsOf([r])].some((p) => !actor.can(p)));
    if (beyond.length > 0) throw AppError.validation('Roles beyond your own', beyond.map((r) => ({ field: 'roles', rule: 'own_permissions', message: `${r} has permissions you do not have` })));
    const areas = body.businessAreaIds ?? [...actor.businessAreaIds];
    if (!actor.allAreas) {
      if (areas.length === 0) throw AppError.validation('Business areas required', [{ field: 'businessAreaIds', rule: 'own_areas', message: 'an empty list means every area, which is outside your scope' }]);
      const outside = areas.filter((a) => !actor.inArea(a));
      if (outside.length > 0) throw AppError.validation('Business areas outside your scope', outside.map((a) => ({ field: 'businessAreaIds', rule: 'own_areas', message: `${a} is outside your scope` })));
    }
    const id = newId('webhook');
    const secret = body.secret ?? newWebhookSecret();
    await this.database.db.transaction(async (tx) => {
      const [max] = await rows<{ s: number | null }>(tx, sql`select max(seq) as s from events`);
      const from = body.fromSeq ?? Number(max?.s ?? 0);
      await tx.execute(sql`
        insert into webhook_subscriptions (id, url, event_types, secret, max_attempts, dispatched_seq, description, roles, business_area_ids, created_by)
        values (${id}, ${body.url}, ${sql.param(body.eventTypes)}::text[], ${secret}, ${body.maxAttempts}, ${from}, ${body.description ?? null},
                ${sql.param(roles)}::text[], ${sql.param(areas)}::text[], ${actor.id ?? actor.name})`);
      await this.audit.append(tx, actor, { action: 'webhook.create', entityType: 'webhook', entityId: id, payload: { url: body.url, eventTypes: body.eventTypes, fromSeq: from, roles, businessAreaIds: areas } });
    });
    return { ...(await this.get(actor, id)), secret };
  }

  async list(actor: Actor): Promise<SubscriptionView[]> {
    actor.require('webhooks:manage');
    const list = await rows<SubRow>(this.database.db, sql`select * from webhook_subscriptions order by created_at`);
    return Promise.all(list.filter((s) => subscriptionInScope(actor, s)).map((s) => this.view(s)));
  }

  async get(actor: Actor, id: string): Promise<SubscriptionView> {
    actor.require('webhooks:manage');
    return this.view(await this.row(actor, id));
  }

  async update(actor: Actor, id: string, input: unknown): Promise<SubscriptionView> {
    actor.require('webhooks:manage');
    const body = parseOrThrow(updateSubscriptionBody, input, 'webhook subscription');
    await this.row(actor, id);
    await this.database.db.transaction(async (tx) => {
      await tx.execute(sql`
        update webhook_subscriptions set
          url = coalesce(${body.url ?? null}, url),
          event_types = coalesce(${body.eventTypes ? sql`${sql.param(body.eventTypes)}::text[]` : sql`null::text[]`}, event_types),
          active = coalesce(${body.active ?? null}::boolean, active),
          max_attempts = coalesce(${body.maxAttempts ?? null}::int, max_attempts),
          description = ${body.description === undefined ? sql`description` : sql`${body.description}`},
          updated_at = now()
        where id = ${id}`);
      await this.audit.append(tx, actor, { action: 'webhook.update', entityType: 'webhook', entityId: id, payload: body });
    });
    return this.get(actor, id);
  }

  async remove(actor: Actor, id: string): Promise<void> {
    actor.require('webhooks:manage');
    await this.row(actor, id);
    await this.database.db.transaction(async (tx) => {
      await tx.execute(sql`delete from webhook_subscriptions where id = ${id}`);
      await this.audit.append(tx, actor, { action: 'webhook.delete', entityType: 'webhook', entityId: id, payload: {} });
    });
  }

  /** Delivers again every event from `fromSeq` on (delivered and dead ones included), in order per customer. */
  async replay(actor: Actor, id: string, input: unknown): Promise<SubscriptionView> {
    actor.require('webhooks:manage');
    const body = parseOrThrow(replayBody, input, 'replay');
    await this.row(actor, id);
    await this.database.db.transaction(async (tx) => {
      await tx.execute(sql`
        update webhook_deliveries set status = 'pending', attempts = 0, next_attempt_at = now(), last_error = null, last_status_code = null, delivered_at = null, updated_at = now()
        where subscription_id = ${id} and event_seq >= ${body.fromSeq}`);
      await tx.execute(sql`update webhook_subscriptions set dispatched_seq = least(dispatched_seq, ${body.fromSeq - 1}), active = true, updated_at = now() where id = ${id}`);
      await this.audit.append(tx, actor, { action: 'webhook.replay', entityType: 'webhook', entityId: id, payload: { fromSeq: body.fromSeq } });
    });
    return this.get(actor, id);
  }

  /** The delivery log of a subscription, newest first, with every attempt. */
  async deliveries(actor: Actor, id: string, input: unknown) {
    actor.require('webhooks:manage');
    const q = parseOrThrow(deliveryListQuery, input ?? {}, 'query');
    await this.row(actor, id);
    const conds = [sql`subscription_id = ${id}`];
    if (q.status) conds.push(sql`status = ${q.status}`);
    if (q.afterSeq !== undefined) conds.push(sql`event_seq > ${q.afterSeq}`);
    const list = await rows<{
      id: string; event_seq: number; event_id: string; event_type: string; aggregate_key: string; status: 'pending' | 'delivered' | 'dead'; attempts: number;
      next_attempt_at: Date | null; last_status_code: number | null; last_error: string | null; delivered_at: Date | null; created_at: Date;
    }>(this.database.db, sql`select * from webhook_deliveries where ${sql.join(conds, sql` and `)} order by event_seq desc limit ${q.limit}`);
    const attempts = list.length
      ? await rows<{ delivery_id: string; attempt: number; at: Date; status_code: number | null; error: string | null; duration_ms: number }>(
          this.database.db,
          sql`select * from webhook_attempts where delivery_id = any(${sql.param(list.map((d) => d.id))}::text[]) order by at, attempt`,
        )
      : [];
    return list.map((d) => ({
      id: d.id,
      eventSeq: Number(d.event_seq),
      eventId: d.event_id,
      eventType: d.event_type,
      aggregateKey: d.aggregate_key,
      status: d.status,
      attempts: Number(d.attempts),
      nextAttemptAt: d.status === 'pending' ? iso(d.next_attempt_at) : null,
      lastStatusCode: d.last_status_code === null ? null : Number(d.last_status_code),
      lastError: d.last_error,
      deliveredAt: iso(d.delivered_at),
      createdAt: iso(d.created_at)!,
      log: attempts.filter((a) => a.delivery_id === d.id).map((a) => ({ attempt: Number(a.attempt), at: iso(a.at)!, statusCode: a.status_code === null ? null : Number(a.status_code), error: a.error, durationMs: Number(a.duration_ms) })),
    }));
  }

  /** The event stream for polling consumers: `after` is the last sequence number they processed. */
  async events(actor: Actor, input: unknown): Promise<{ items: FeedEvent[]; next: number }> {
    actor.require('events:read');
    const q = parseOrThrow(eventsQuery, input ?? {}, 'query');
    const types = q.types ? q.types.split(',').map((t) => t.trim()).filter(Boolean) : [];
    const r = await readEvents(this.database.db, this.database.kind, q.after, q.limit, types);
    // Only events about the caller's business areas, values masked for the caller's roles; `next` still moves past the rest.
    return { items: await eventsFor(this.database.db, actor, r.events), next: r.next };
  }

  private async row(actor: Actor, id: string): Promise<SubRow> {
    const [s] = await rows<SubRow>(this.database.db, sql`select * from webhook_subscriptions where id = ${id}`);
    if (!s || !subscriptionInScope(actor, s)) throw AppError.notFound('Webhook subscription', id);
    return s;
  }

  private async view(s: SubRow): Promise<SubscriptionView> {
    const counts = await rows<{ status: string; n: number }>(this.database.db, sql`select status, count(*)::int as n from webhook_deliveries where subscription_id = ${s.id} group by status`);
    const n = (st: string) => Number(counts.find((c) => c.status === st)?.n ?? 0);
    return {
      id: s.id,
      url: s.url,
      eventTypes: s.event_types,
      active: s.active,
      maxAttempts: Number(s.max_attempts),
      dispatchedSeq: Number(s.dispatched_seq),
      description: s.description,
      secretHint: `${s.secret.slice(0, 8)}…`,
      roles: s.roles,
      businessAreaIds: s.business_area_ids,
      createdBy: s.created_by,
      createdAt: iso(s.created_at)!,
      updatedAt: iso(s.updated_at)!,
      counts: { pending: n('pending'), delivered: n('delivered'), dead: n('dead') },
    };
  }
}
