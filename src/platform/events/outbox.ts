import { sql } from 'drizzle-orm';
import type { Executor } from '../db/database.js';
import { newId } from '../ids.js';

export type DomainEvent = {
  type: string;
  aggregateType: string;
  aggregateId: string;
  payload: Record<string, unknown>;
  actorId?: string | null;
};

/** Writes domain events into the outbox inside the caller's transaction: they exist only if it commits. */
export async function emitEvents(ex: Executor, events: DomainEvent[]): Promise<void> {
  if (events.length === 0) return;
  await ex.execute(sql`
    insert into events (id, type, aggregate_type, aggregate_id, payload, actor_id)
    select u.id, u.type, u.agg_type, u.agg_id, u.payload::jsonb, u.actor
    from unnest(${sql.param(events.map(() => newId('event')))}::text[], ${sql.param(events.map((e) => e.type))}::text[],
                ${sql.param(events.map((e) => e.aggregateType))}::text[], ${sql.param(events.map((e) => e.aggregateId))}::text[],
                ${sql.param(events.map((e) => JSON.stringify(e.payload)))}::text[], ${sql.param(events.map((e) => e.actorId ?? null))}::text[])
         with ordinality as u(id, type, agg_type, agg_id, payload, actor, ord)
    order by u.ord`);
}
