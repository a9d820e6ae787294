import { sql } from 'drizzle-orm';
import { canonicalJson } from '../../platform/canonical-json.js';
import type { Executor } from '../../platform/db/database.js';
import { rows } from '../../platform/db/database.js';
import type { IncomingRecord, WriteContext } from '../records/index.js';
import type { MappedRow } from './row-mapper.js';

/**
 * What two batches written at once must not both touch: their source keys (the later row of a key must
 * win, and append mode must see the earlier one as existing) and the values of unique attributes they
 * claim (the earlier claimant must own the value, as with one writer).
 */
export function conflictKeys(ctx: WriteContext, mapped: MappedRow[]): Set<string> {
  const unique = uniqueAttributes(ctx);
  const out = new Set<string>();
  for (const m of mapped) {
    if (!m.ok) continue;
    out.add(`k:${m.key}`);
    if (unique.length === 0) continue;
    const record = (m as { record?: IncomingRecord }).record;
    const v = record?.prepared?.validation;
    const values = v ? (v.ok ? v.values : null) : m.values;
    if (!values) continue;
    for (const attr of unique) {
      const value = values[attr];
      // Keyed as the records writer keys claims (case-insensitive text).
      if (value !== null && value !== undefined) out.add(uniqueKey(attr, typeof value === 'string' ? value.toLowerCase() : canonicalJson(value)));
    }
  }
  return out;
}

/**
 * The unique values the batch's existing records hold now. Changing a record releases them, and a release
 * conflicts with a claim as a claim does: a later batch's claim must see the value freed, an earlier batch's
 * claim must still see it taken. A value read here may already be stale (a batch in flight changing one of
 * these records has not committed): `inheritedKeys` covers what such a batch gives the record.
 */
export async function heldKeys(ex: Executor, ctx: WriteContext, mapped: MappedRow[]): Promise<Set<string>> {
  const out = new Set<string>();
  const keys = mapped.filter((m) => m.ok).map((m) => m.key);
  if (uniqueAttributes(ctx).length === 0 || keys.length === 0) return out;
  const held = await rows<{ attribute: string; value_key: string }>(
    ex,
    sql`select u.attribute, u.value_key from source_records r join record_unique_values u on u.record_id = r.id
        where r.source_id = ${ctx.source.id} and r.source_key = any(${sql.param(keys)}::text[])`,
  );
  for (const h of held) out.add(uniqueKey(h.attribute, h.value_key));
  return out;
}

/**
 * Unique values of in-flight batches that write one of this batch's records: once they commit, that record
 * may hold any of them, so this batch releases them too. `flying` must be taken before `heldKeys` reads, so
 * that a batch missing from it has committed and the read saw its values.
 */
export function inheritedKeys(keys: ReadonlySet<string>, flying: ReadonlyArray<ReadonlySet<string>>): Set<string> {
  const out = new Set<string>();
  for (const f of flying) {
    let shares = false;
    for (const k of f) {
      if (k.startsWith('k:') && keys.has(k)) {
        shares = true;
        break;
      }
    }
    if (shares) for (const k of f) if (k.startsWith('u:')) out.add(k);
  }
  return out;
}

function uniqueAttributes(ctx: WriteContext): string[] {
  return ctx.definition.attributes.filter((a) => a.unique).map((a) => a.name);
}

function uniqueKey(attr: string, valueKey: string): string {
  return `u:${attr}:${valueKey}`;
}
