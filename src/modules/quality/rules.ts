import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Executor } from '../../platform/db/database.js';
import { rows } from '../../platform/db/database.js';
import type { AttributeType, SchemaDefinition } from '../schemas/index.js';

/** Stored overrides of one schema's quality rules (PUT /api/v1/quality/rules/:schema). */
export const qualityRulesBody = z
  .object({
    // Months a verified value stays fresh; null = never goes stale. Attributes not listed keep the default.
    freshness: z.record(z.string(), z.number().int().min(1).max(600).nullable()).default({}),
    // Attributes that count towards completeness besides the required ones; omitted = the default list.
    important: z.array(z.string()).max(500).optional(),
  })
  .strict();
export type QualityRulesInput = z.input<typeof qualityRulesBody>;
export type QualityRules = z.output<typeof qualityRulesBody>;

/** Default freshness periods by attribute type, in months (names, dates, ids never decay). */
export const DEFAULT_FRESHNESS_MONTHS: Partial<Record<AttributeType, number>> = { email: 12, phone: 18, address: 24 };
/** Types that are "important" by default: how we reach the customer. */
const DEFAULT_IMPORTANT_TYPES: ReadonlySet<AttributeType> = new Set(['email', 'phone', 'address']);

export type AttributeRule = { name: string; type: AttributeType; required: boolean; important: boolean; freshnessMonths: number | null };

/** Rules with defaults applied, per attribute of a schema definition. */
export type ResolvedRules = {
  readonly attributes: readonly AttributeRule[];
  readonly byName: ReadonlyMap<string, AttributeRule>;
};

/** Applies stored overrides on top of the defaults; overrides naming unknown attributes are ignored. */
export function resolveRules(definition: SchemaDefinition, overrides: QualityRules | null): ResolvedRules {
  const important = overrides?.important ? new Set(overrides.important) : null;
  const attributes = definition.attributes.map((a) => {
    const fresh = overrides && Object.hasOwn(overrides.freshness, a.name) ? overrides.freshness[a.name]! : (DEFAULT_FRESHNESS_MONTHS[a.type] ?? null);
    return {
      name: a.name,
      type: a.type,
      required: a.required,
      // Required attributes already count (twice) in completeness, so they are never also "important".
      important: !a.required && (important ? important.has(a.name) : DEFAULT_IMPORTANT_TYPES.has(a.type)),
      freshnessMonths: fresh,
    };
  });
  return { attributes, byName: new Map(attributes.map((a) => [a.name, a])) };
}

/** Stored overrides of a schema, or null when it has none. */
export async function loadRuleOverrides(ex: Executor, schemaId: string): Promise<QualityRules | null> {
  const [row] = await rows<{ rules: unknown }>(ex, sql`select rules from quality_rules where schema_id = ${schemaId}`);
  return parseRuleOverrides(row?.rules ?? null);
}

/** Stored overrides as read from quality_rules.rules by a statement of the caller's (null: none stored). */
export function parseRuleOverrides(stored: unknown): QualityRules | null {
  return stored === null || stored === undefined ? null : qualityRulesBody.parse(stored);
}

/** The effective rules of a schema (one small query; the writer calls it once per batch). */
export async function loadRules(ex: Executor, schemaId: string, definition: SchemaDefinition): Promise<ResolvedRules> {
  return resolveRules(definition, await loadRuleOverrides(ex, schemaId));
}
