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
// back (they never will). On PostgreSQL the transaction that took the missing number started before the
// event after the gap was inserted (sequence numbers are taken in time order, and `occurred_at` is the
// insert time), so the gap is final once no writing transaction that old is still open. A transaction left
// open longer than this cap (a stuck session) no longer holds the stream back.
export const GAP_CAP_MS = 120_000;
// Clock slack between the statement that takes a number and the one that stamps the next event.
const SLACK_MS = 1_000;

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
    if (seq !== next + 1 && kind === 'postgres' && Number(r.age_ms) < GAP_CAP_MS && (await mayStillFill(ex, r.occurred_at))) break;
    next = seq;
    if (types.length > 0 && !types.includes(r.type)) continue;
    out.push({ seq, id: r.id, type: r.type, aggregateType: r.aggregate_type, aggregateId: r.aggregate_id, payload: r.payload, actorId: r.actor_id, occurredAt: new Date(r.occurred_at).toISOString() });
  }
  return { events: out, next };
}

/** Whether a transaction that has written something and began before the event after a gap is still open. */
async function mayStillFill(ex: Executor, stampedAt: Date | string): Promise<boolean> {
  const [r] = await rows<{ open: boolean }>(
    ex,
    sql`select exists (select 1 from pg_stat_activity
                       where datname = current_database() and pid <> pg_backend_pid() and backend_xid is not null
                         and xact_start < ${new Date(stampedAt).toISOString()}::timestamptz + ${`${SLACK_MS} milliseconds`}::interval) as open`,
  );
  return r?.open ?? true;
}
