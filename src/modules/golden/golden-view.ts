import { sql } from 'drizzle-orm';
import type { Actor } from '../../platform/auth/actor.js';
import type { Executor } from '../../platform/db/database.js';
import { rows } from '../../platform/db/database.js';
import type { PrivacyLevel } from '../governance/index.js';
import { canSee, maskValue } from '../governance/index.js';
import type { GoldenRecord } from './survivorship.js';

const STRICTNESS: Record<PrivacyLevel, number> = { public: 0, personal: 1, sensitive: 2 };

/** Privacy of every attribute across schemas (the strictest wins when schemas disagree). */
export async function privacyOfSchemas(ex: Executor, schemaIds: string[]): Promise<Map<string, PrivacyLevel>> {
  const out = new Map<string, PrivacyLevel>();
  if (schemaIds.length === 0) return out;
  const defs = await rows<{ definition: { attributes: { name: string; privacy?: PrivacyLevel }[] } }>(
    ex,
    sql`select v.definition from schema_versions v join schemas s on s.id = v.schema_id and s.current_version = v.version where v.schema_id = any(${sql.param(schemaIds)}::text[])`,
  );
  for (const d of defs) {
    for (const a of d.definition.attributes) {
      const p = a.privacy ?? 'personal';
      const prev = out.get(a.name);
      if (!prev || STRICTNESS[p] > STRICTNESS[prev]) out.set(a.name, p);
    }
  }
  return out;
}

/** Golden values masked for the actor (lineage stays visible); unknown attributes count as personal. */
export function maskGolden(actor: Actor, golden: GoldenRecord, privacy: Map<string, PrivacyLevel>): GoldenRecord {
  const out: GoldenRecord = {};
  for (const [attr, g] of Object.entries(golden)) {
    out[attr] = canSee(actor, privacy.get(attr) ?? 'personal') ? g : { ...g, value: maskValue(g.value) };
  }
  return out;
}
