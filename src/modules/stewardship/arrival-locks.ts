import { sql } from 'drizzle-orm';
import type { Tx } from '../../platform/db/database.js';
import { rows } from '../../platform/db/database.js';
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
 * statement so concurrent batches cannot deadlock on each other. Returns whether any key was held by
 * another transaction (it waited for it): only then can that writer's records be missing from the index.
 * Each key is tried first, so a wait is known for certain rather than guessed from the statement's time,
 * which on a busy server exceeds any threshold without a wait.
 */
export async function lockArrivalKeys(tx: Tx, keys: string[]): Promise<boolean> {
  const sorted = [...new Set(keys)].sort();
  if (sorted.length === 0) return false;
  const res = await rows<{ free: boolean }>(
    tx,
    // CASE fixes the order: the blocking lock is taken only after the try failed.
    sql`select case when pg_try_advisory_xact_lock(hashtextextended(k, 0)) then true else pg_advisory_xact_lock(hashtextextended(k, 0))::text is null end as free
        from unnest(${sql.param(sorted)}::text[]) as k order by k`,
  );
  return res.some((r) => !r.free);
}
