import { sql, type SQL } from 'drizzle-orm';
import type { Actor } from '../../platform/auth/actor.js';
import type { Executor } from '../../platform/db/database.js';
import { rows } from '../../platform/db/database.js';
import { AppError } from '../../platform/errors/app-error.js';
import type { MergeListQuery, MergeView } from './golden.schemas.js';
import { mergeRowView, type MergeRow } from './golden.service.js';

// The cursor names the last merge of the previous page; (created_at, id) of that row is the keyset position,
// read from the table so microsecond timestamps never lose precision in a round trip through JS.
function encodeCursor(id: string): string {
  return Buffer.from(JSON.stringify({ m: id })).toString('base64url');
}

function decodeCursor(cursor: string): string {
  try {
    const m = (JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { m?: unknown }).m;
    if (typeof m === 'string' && m.length > 0 && m.length <= 200) return m;
  } catch {
    // fall through
  }
  throw new AppError('BAD_REQUEST', 'Invalid cursor', [{ field: 'cursor', rule: 'format', message: 'not a cursor returned by this API' }]);
}

/** Keeps the merges the actor may see (business-area scope): GoldenService.mergesInScope. */
export type MergeScope = (rows: MergeRow[]) => Promise<MergeRow[]>;

/** Every merge and split, newest first, with keyset pagination; same authorization as reading one merge. */

export async function listMerges(ex: Executor, actor: Actor, q: MergeListQuery, scope?: MergeScope): Promise<{ items: MergeView[]; nextCursor: string | null }> {
  actor.require('customers:read');
  if (q.since && q.until && q.since > q.until) {
    throw new AppError('BAD_REQUEST', 'Invalid date range', [{ field: 'since', rule: 'order', message: 'must not be after until' }]);
  }
  const where: SQL[] = [];
  if (q.kind) where.push(sql`m.kind = ${q.kind}`);
  if (q.actor) where.push(sql`m.actor_id = ${q.actor}`);
  if (q.customer) where.push(sql`(m.into_customer_id = ${q.customer} or ${q.customer} = any(m.from_customer_ids))`);
  if (q.automatic !== undefined) where.push(sql`m.automatic = ${q.automatic}`);
  if (q.undone !== undefined) where.push(q.undone ? sql`m.undone_at is not null` : sql`m.undone_at is null`);
  if (q.since) where.push(sql`m.created_at >= ${q.since.toISOString()}::timestamptz`);
  if (q.until) where.push(sql`m.created_at < ${q.until.toISOString()}::timestamptz`);
  if (q.cursor) {
    const id = decodeCursor(q.cursor);
    const [pos] = await rows<{ id: string }>(ex, sql`select id from customer_merges where id = ${id}`);
    if (!pos) throw new AppError('BAD_REQUEST', 'Invalid cursor', [{ field: 'cursor', rule: 'exists', message: 'the merge this cursor points at does not exist' }]);
    where.push(sql`(m.created_at, m.id) < (select c.created_at, c.id from customer_merges c where c.id = ${id})`);
  }
  const cond = where.length ? sql`where ${sql.join(where, sql` and `)}` : sql``;
  const list = await rows<MergeRow>(
    ex,
    sql`select m.id, m.kind, m.into_customer_id, m.from_customer_ids,
               -- only the moved records' ids of the state before, not the whole snapshot
               jsonb_build_object('records', coalesce((select jsonb_agg(jsonb_build_object('id', r->'id')) from jsonb_array_elements(m.before->'records') r), '[]'::jsonb)) as before,
               m.evidence, m.reason, m.automatic, m.actor_id, m.created_at, m.undone_at, m.undone_by, m.undo_reason
        from customer_merges m ${cond}
        order by m.created_at desc, m.id desc limit ${q.limit + 1}`,
  );
  const more = list.length > q.limit;
  const page = list.slice(0, q.limit);
  // A scoped caller sees only merges wholly inside its areas; the cursor still follows the unfiltered page.
  const visible = scope && !actor.allAreas && page.length > 0 ? await scope(page) : page;
  return { items: visible.map(mergeRowView), nextCursor: more ? encodeCursor(page[page.length - 1]!.id) : null };
}
