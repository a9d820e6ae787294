import { sql } from 'drizzle-orm';
import type { DatabaseKind, Executor } from '../../platform/db/database.js';
import { rows } from '../../platform/db/database.js';
import { gapMayStillFill } from '../../platform/events/sequence-gaps.js';

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

/**
 * Events after `after` in sequence order, stopping before a gap that may still fill (PostgreSQL: a writing
 * transaction that could hold the missing number is still open; PGlite has one connection, so nothing is in
 * flight and gaps are final). `next` is where the following read continues, also past events filtered out by `types`.
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
    // A gap that may still fill holds the stream here (see sequence-gaps.ts); one that cannot is stepped over.
    if (seq !== next + 1 && (await gapMayStillFill(ex, kind, r.occurred_at, Number(r.age_ms)))) break;
    next = seq;
    if (types.length > 0 && !types.includes(r.type)) continue;
    out.push({ seq, id: r.id, type: r.type, aggregateType: r.aggregate_type, aggregateId: r.aggregate_id, payload: r.payload, actorId: r.actor_id, occurredAt: new Date(r.occurred_at).toISOString() });
  }
  return { events: out, next };
}
