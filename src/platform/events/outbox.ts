import type { SQL } from 'drizzle-orm';
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
  await ex.execute(insertEvents(events));
}

/**
 * The insert of the events as one statement, which a caller may also run as a data-modifying CTE of a
 * statement it sends anyway (one round trip and one plan less per write). One JSON document is the only
 * parameter: for big batches the server unpacks it several times faster than text[] arrays of JSON payloads
 * (array_in unescapes every quote). Elements keep their order, and so their sequence numbers.
 * `occurred_at` is the insert time, not the transaction's start: the event feed relies on it to tell whether a
 * gap in the sequence may still fill (see readEvents).
 * `after`: events the statement itself produces (e.g. from the RETURNING rows of another data-modifying CTE), a
 * select of (id, type, agg_type, agg_id, payload jsonb, actor, ord) inserted after `events`, in `ord` order.
 */
export function insertEvents(events: DomainEvent[], after?: SQL): SQL {
  const doc = JSON.stringify(events.map((e) => ({ id: newId('event'), type: e.type, agg_type: e.aggregateType, agg_id: e.aggregateId, payload: e.payload, actor: e.actorId ?? null })));
  const listed = sql`select u.e->>'id' as id, u.e->>'type' as type, u.e->>'agg_type' as agg_type, u.e->>'agg_id' as agg_id, u.e->'payload' as payload, u.e->>'actor' as actor, 0 as part, u.ord
    from jsonb_array_elements(${doc}::jsonb) with ordinality as u(e, ord)`;
  return sql`
    insert into events (id, type, aggregate_type, aggregate_id, payload, actor_id, occurred_at)
    select x.id, x.type, x.agg_type, x.agg_id, x.payload, x.actor, clock_timestamp()
    from (${after ? sql`${listed} union all select a.id, a.type, a.agg_type, a.agg_id, a.payload, a.actor, 1, a.ord from (${after}) as a` : listed}) as x
    order by x.part, x.ord`;
}
