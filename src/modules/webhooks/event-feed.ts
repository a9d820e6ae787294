import { sql } from 'drizzle-orm';
import type { DatabaseKind, Executor } from '../../platform/db/database.js';
import { rows } from '../../platform/db/database.js';

export type FeedEvent = {
  seq: number;
  id: string;
  type: string;
  aggregateType: string;
  aggregateId: string;
  payload: Record<string, unknown>;
  actorId: string | null;
  occurredAt: string;
};

// A gap in the sequence is a transaction still in flight (its events will appear) or one that rolled
// back (they never will). Readers wait this long for a gap before stepping over it.
export const GAP_GRACE_MS = 10_000;

/**
 * Events after `after` in sequence order, stopping before a gap that may still fill (PostgreSQL: a
 * younger-than-grace gap; PGlite has one connection, so nothing is in flight and gaps are final).
 * `next` is where the following read continues, also past events filtered out by `types`.
 */
export async function readEvents(ex: Executor, kind: DatabaseKind, after: number, limit: number, types: string[] = []): Promise<{ events: FeedEvent[]; next: number }> {
  const list = await rows<{ seq: number; id: string; type: string; aggregate_type: string; aggregate_id: string; payload: Record<string, unknown>; actor_id: string | null; occurred_at: Date | string; age_ms: number }>(
    ex,
    sql`select seq, id, type, aggregate_type, aggregate_id, payload, actor_id, occurred_at, extract(epoch from (clock_timestamp() - occurred_at)) * 1000 as age_ms
        from events where seq > ${after} order by seq limit ${limit}`,
  );
  const out: FeedEvent[] = [];
  let next = after;
  for (const r of list) {
    const seq = Number(r.seq);
    if (seq !== next + 1 && kind === 'postgres' && Number(r.age_ms) < GAP_GRACE_MS) break;
    next = seq;
    if (types.length > 0 && !types.includes(r.type)) continue;
    out.push({ seq, id: r.id, type: r.type, aggregateType: r.aggregate_type, aggregateId: r.aggregate_id, payload: r.payload, actorId: r.actor_id, occurredAt: new Date(r.occurred_at).toISOString() });
  }
  return { events: out, next };
}
