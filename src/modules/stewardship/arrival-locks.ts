import type { SQL } from 'drizzle-orm';
import { sql } from 'drizzle-orm';
import type { Tx } from '../../platform/db/database.js';
import { preparedRows } from '../../platform/db/database.js';
import type { RoleMapping } from '../matching/engine/index.js';

const norm = (v: unknown): string => (typeof v === 'string' ? v.normalize('NFKD').toLowerCase().replace(/[^\p{L}\p{N}@.]+/gu, '') : typeof v === 'number' ? String(v) : '');

/**
 * Lock keys of a record for match on arrival: the values two writes of the same person share even with
 * small differences (e-mail, phone digits, identifiers, family name + birth date; family + given name
 * only when the record has none of those).
 * Two transactions writing the same person take at least one common key, so the second waits for the
 * first to commit and then sees its record.
 */
export function arrivalLockKeys(schemaId: string, roles: RoleMapping, values: Record<string, unknown>): string[] {
  const by: Partial<Record<string, string>> = {};
  const keys: string[] = [];
  for (const [col, role] of Object.entries(roles)) {
    const v = norm(values[col]);
    if (!v) continue;
    if (role === 'email') keys.push(`e:${v}`);
    else if (role === 'phone') {
      const digits = v.replace(/\D/g, '');
      if (digits.length >= 7) keys.push(`p:${digits.slice(-9)}`);
    } else if (role === 'identifier') keys.push(`i:${col}:${v}`);
    else if (role === 'fullName') keys.push(`f:${[...v.matchAll(/[\p{L}\p{N}]+/gu)].map((m) => m[0]).sort().join(' ')}`);
    else if (role === 'givenName' || role === 'familyName' || role === 'dateOfBirth') by[role] ??= v;
  }
  if (by.familyName && by.dateOfBirth) keys.push(`d:${by.familyName}|${by.dateOfBirth}`);
  // A name alone is common (batches would queue behind each other on "smith|john"): only without stronger keys.
  if (keys.length === 0 && by.familyName && by.givenName) keys.push(`n:${by.familyName}|${by.givenName}`);
  return keys.map((k) => `arrival:${schemaId}:${k}`);
}

/**
 * Serialises match on arrival per lock key: transaction-level advisory locks, taken in one sorted
 * statement so concurrent batches cannot deadlock on each other. Answers whether any key was held by
 * another transaction (it waited for it): only then can that writer's records be missing from the index.
 * Each key is tried first, so a wait is known for certain rather than guessed from the statement's time,
 * which on a busy server exceeds any threshold without a wait.
 * The same statement runs `read` (rows with a non-null `id`), one round trip instead of two. The read sees the
 * database as it was when the statement began, before any wait for a lock: a caller whose lock waited reads again.
 */
export async function lockArrivalKeysAndRead<T extends { id: string }>(tx: Tx, keys: string[], read: SQL | null): Promise<{ waited: boolean; rows: T[] }> {
  const sorted = [...new Set(keys)].sort();
  if (sorted.length === 0) return { waited: false, rows: read ? await preparedRows<T>(tx, read) : [] };
  // CASE fixes the order: the blocking lock is taken only after the try failed.
  const locks = sql`select case when pg_try_advisory_xact_lock(hashtextextended(k, 0)) then true else pg_advisory_xact_lock(hashtextextended(k, 0))::text is null end as free
      from unnest(${sql.param(sorted)}::text[]) as k order by k`;
  const res = await preparedRows<T & { arrival_waits: number }>(
    tx,
    read
      ? sql`with locks as materialized (${locks})
            select (select count(*) from locks where not free)::int as arrival_waits, r.* from (select 1) as one left join (${read}) as r on true`
      : sql`select count(*)::int as arrival_waits from (${locks}) as l where not l.free`,
  );
  return { waited: Number(res[0]?.arrival_waits ?? 0) > 0, rows: res.filter((r) => r.id !== null && r.id !== undefined).map(({ arrival_waits: _w, ...r }) => r as unknown as T) };
}
