import { sql } from 'drizzle-orm';
import type { DatabaseKind, Executor } from '../db/database.js';
import { rows } from '../db/database.js';

// A gap in the outbox sequence is a transaction still in flight (its events will appear) or one that rolled
// back (they never will). On PostgreSQL the transaction that took the missing number started before the
// event after the gap was inserted (sequence numbers are taken in time order, and `occurred_at` is the
// insert time), so the gap is final once no writing transaction that old is still open. A transaction left
// open longer than this cap (a stuck session) no longer holds readers back.
export const GAP_CAP_MS = 120_000;
// Clock slack between the statement that takes a number and the one that stamps the next event.
const SLACK_MS = 1_000;

/**
 * Whether the sequence gap just before an event may still fill: on PostgreSQL, a writing transaction that
 * began before the event was stamped (`stampedAt`, `ageMs` old) is still open. PGlite has one connection,
 * so nothing is in flight there and every gap is final.
 */
export async function gapMayStillFill(ex: Executor, kind: DatabaseKind, stampedAt: Date | string, ageMs: number): Promise<boolean> {
  if (kind !== 'postgres' || ageMs >= GAP_CAP_MS) return false;
  const [r] = await rows<{ open: boolean }>(
    ex,
    sql`select exists (select 1 from pg_stat_activity
                       where datname = current_database() and pid <> pg_backend_pid() and backend_xid is not null
                         and xact_start < ${new Date(stampedAt).toISOString()}::timestamptz + ${`${SLACK_MS} milliseconds`}::interval) as open`,
  );
  return r?.open ?? true;
}

/**
 * The highest outbox sequence number up to which every number is final (its transaction committed or rolled
 * back): on PostgreSQL, the last event stamped before the oldest client transaction still open began (less the
 * clock slack; transactions open longer than GAP_CAP_MS are not waited for); the last event when none is open,
 * and always on PGlite. A reader that reads everything after its mark and then moves the mark here misses nothing.
 * Every open transaction counts, not only those with a transaction id: a statement takes its event's number
 * a moment before its first row gets the transaction its id. Sessions of other database roles are visible only
 * with pg_read_all_stats, so every Custodian process must connect as the same role (or one that has it).
 */
export async function finalSequence(ex: Executor, kind: DatabaseKind): Promise<number> {
  if (kind !== 'postgres') {
    const [r] = await rows<{ s: number | null }>(ex, sql`select max(seq) as s from events`);
    return Number(r?.s ?? 0);
  }
  const [r] = await rows<{ s: number | null }>(
    ex,
    sql`with oldest as (
          select min(xact_start) - ${`${SLACK_MS} milliseconds`}::interval as t from pg_stat_activity
          where datname = current_database() and pid <> pg_backend_pid() and backend_type = 'client backend'
            and xact_start is not null and xact_start > clock_timestamp() - ${`${GAP_CAP_MS} milliseconds`}::interval)
        select case when (select t from oldest) is null then (select max(seq) from events)
                    else coalesce((select seq from events where occurred_at < (select t from oldest) order by seq desc limit 1), 0) end as s`,
  );
  return Number(r?.s ?? 0);
}
