import type { Actor } from '../../platform/auth/actor.js';
import type { PrivacyLevel } from '../governance/index.js';
import { canSee, maskValue } from '../governance/index.js';
import type { SchemaDefinition } from '../schemas/index.js';
import type { StoredRecordRow } from './record-writer.js';
import type { RecordView } from './records.schemas.js';

export function privacyMap(definition: SchemaDefinition): Map<string, PrivacyLevel> {
  return new Map(definition.attributes.map((a) => [a.name, a.privacy]));
}

/**
 * Masks attribute values the actor may not see. Unknown keys (extras, raw columns without an attribute)
 * count as personal. Returns the masked object and the names that were masked or seen unmasked-sensitive.
 */
export function maskObject(
  actor: Actor,
  privacy: Map<string, PrivacyLevel>,
  obj: Record<string, unknown> | null,
  masked: Set<string>,
  sensitiveSeen: Set<string>,
): Record<string, unknown> | null {
  if (!obj) return obj;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    const level = privacy.get(k) ?? 'personal';
    if (v === null || v === undefined || canSee(actor, level)) {
      out[k] = v;
      if (level === 'sensitive' && v !== null && v !== undefined) sensitiveSeen.add(k);
    } else {
      out[k] = maskValue(v);
      masked.add(k);
    }
  }
  return out;
}

export function toRecordView(
  actor: Actor,
  row: StoredRecordRow,
  privacy: Map<string, PrivacyLevel>,
  sensitiveSeen: Set<string>,
  sourceName?: string,
): RecordView {
  const masked = new Set<string>();
  const errors = (row.errors ?? []).map((e) => {
    const level = privacy.get(e.field.split('.')[0]!) ?? 'personal';
    return canSee(actor, level) ? e : { ...e, value: maskValue(e.value) };
  });
  return {
    id: row.id,
    sourceId: row.source_id,
    ...(sourceName ? { sourceName } : {}),
    sourceKey: row.source_key,
    customerId: row.customer_id,
    schemaId: row.schema_id,
    schemaVersion: Number(row.schema_version),
    status: row.status,
    raw: maskObject(actor, privacy, row.raw, masked, sensitiveSeen) ?? {},
    values: maskObject(actor, privacy, row.values, masked, sensitiveSeen),
    extras: maskObject(actor, privacy, row.extras, masked, sensitiveSeen),
    errors,
    version: Number(row.version),
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
    createdBy: row.created_by,
    updatedBy: row.updated_by,
    masked: [...masked].sort(),
  };
}
