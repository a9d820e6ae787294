import { canonicalJson } from '../../platform/canonical-json.js';
import type { IncomingRecord, WriteContext } from '../records/index.js';
import type { MappedRow } from './row-mapper.js';

/**
 * What two batches written at once must not both touch: their source keys (the later row of a key must
 * win, and append mode must see the earlier one as existing) and the values of unique attributes they
 * claim (the earlier claimant must own the value, as with one writer).
 */
export function conflictKeys(ctx: WriteContext, mapped: MappedRow[]): Set<string> {
  const unique = ctx.definition.attributes.filter((a) => a.unique).map((a) => a.name);
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
      if (value !== null && value !== undefined) out.add(`u:${attr}:${typeof value === 'string' ? value.toLowerCase() : canonicalJson(value)}`);
    }
  }
  return out;
}
