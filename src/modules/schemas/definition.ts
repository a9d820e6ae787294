// Customer schema definition format: the shape of a customer record, as zod v4 schemas.
// Parse user input with `schemaDefinitionSchema.parse()` to get a SchemaDefinition with
// defaults applied; the validation library (./validation) expects parsed definitions.
import { isSupportedCountry } from 'libphonenumber-js';
import { z } from 'zod';
import { isKnownCurrency } from './validation/currency.validator.js';
import { parseIsoDate, parseIsoDateTime } from './validation/date.validator.js';

export const ATTRIBUTE_TYPES = [
  'text',
  'email',
  'phone',
  'date',
  'datetime',
  'integer',
  'decimal',
  'currency',
  'boolean',
  'enum',
  'url',
  'country',
  'address',
  'identifier',
] as const;

export const PRIVACY_CLASSES = ['public', 'personal', 'sensitive'] as const;

export type AttributeType = (typeof ATTRIBUTE_TYPES)[number];
export type PrivacyClass = (typeof PRIVACY_CLASSES)[number];

const NUMERIC_TYPES: ReadonlySet<AttributeType> = new Set(['integer', 'decimal', 'currency']);
const TEMPORAL_TYPES: ReadonlySet<AttributeType> = new Set(['date', 'datetime']);
/** Types whose normalised value is a single string that `pattern`/length rules can apply to. */
export const TEXT_LIKE_TYPES: ReadonlySet<AttributeType> = new Set(['text', 'identifier', 'email', 'url', 'phone']);

/** Flags used to compile `pattern` both here and in the validator ('u': code-point semantics). */
export const PATTERN_FLAGS = 'u';

/** Compile an attribute pattern exactly as the validator does (anchored to the whole value). */
export function compilePattern(source: string): RegExp {
  return new RegExp(`^(?:${source})$`, PATTERN_FLAGS);
}

/** Epoch ms for a date/datetime bound, or undefined when it is not a valid bound for the type. */
export function temporalBound(type: 'date' | 'datetime', bound: string): number | undefined {
  const date = parseIsoDate(bound);
  if (date.ok) return date.epochMs;
  // A datetime attribute also accepts a datetime bound with offset or Z.
  if (type === 'datetime') {
    const dt = parseIsoDateTime(bound);
    if (dt.ok) return dt.epochMs;
  }
  return undefined;
}

const regionCode = z.string().regex(/^[A-Z]{2}$/);

export const attributeDefinitionSchema = z
  .object({
    name: z.string().regex(/^[a-z][a-z0-9_]{0,62}$/, 'must be snake_case: a-z first, then a-z, 0-9, _ (max 63 chars)'),
    type: z.enum(ATTRIBUTE_TYPES),
    label: z.string().max(200).optional(),
    description: z.string().max(2000).optional(),
    required: z.boolean().default(false),
    unique: z.boolean().default(false),
    min: z.union([z.number(), z.string()]).optional(),
    max: z.union([z.number(), z.string()]).optional(),
    minLength: z.number().int().min(0).optional(),
    maxLength: z.number().int().min(1).optional(),
    pattern: z.string().max(500).optional(),
    values: z.array(z.string().min(1)).optional(),
    currency: z.string().regex(/^[A-Z]{3}$/).optional(),
    defaultRegion: regionCode.optional(),
    privacy: z.enum(PRIVACY_CLASSES).default('personal'),
  })
  .strict()
  .superRefine((attr, ctx) => {
    const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    const t = attr.type;

    // enum values: required for enum, forbidden elsewhere. Case-insensitive uniqueness because
    // the validator accepts case-insensitive matches, which would otherwise be ambiguous.
    if (t === 'enum') {
      if (!attr.values || attr.values.length === 0) issue('values', 'enum attributes need a non-empty "values" list');
      else {
        const seen = new Set<string>();
        attr.values.forEach((v, i) => {
          const key = v.normalize('NFC').toLowerCase();
          if (v.trim() !== v) ctx.addIssue({ code: 'custom', path: ['values', i], message: `enum value "${v}" must not have leading/trailing whitespace` });
          if (seen.has(key)) ctx.addIssue({ code: 'custom', path: ['values', i], message: `duplicate enum value "${v}" (values must be unique, case-insensitively)` });
          seen.add(key);
        });
      }
    } else if (attr.values !== undefined) {
      issue('values', `"values" is only allowed on enum attributes, not ${t}`);
    }

    if (attr.pattern !== undefined) {
      if (!TEXT_LIKE_TYPES.has(t)) issue('pattern', `"pattern" is only allowed on text, identifier, email, url and phone attributes, not ${t}`);
      else {
        try {
          compilePattern(attr.pattern);
        } catch (err) {
          issue('pattern', `"pattern" is not a valid JavaScript regular expression (unicode mode): ${(err as Error).message}`);
        }
      }
    }

    if (attr.minLength !== undefined || attr.maxLength !== undefined) {
      if (!TEXT_LIKE_TYPES.has(t)) issue(attr.minLength !== undefined ? 'minLength' : 'maxLength', `length rules are only allowed on text, identifier, email, url and phone attributes, not ${t}`);
      else if (attr.minLength !== undefined && attr.maxLength !== undefined && attr.minLength > attr.maxLength) {
        issue('minLength', `minLength (${attr.minLength}) must not exceed maxLength (${attr.maxLength})`);
      }
    }

    // min/max: numbers for numeric types, ISO dates (or datetimes for datetime) for temporal types.
    const bounds: Array<['min' | 'max', number | string | undefined]> = [['min', attr.min], ['max', attr.max]];
    const parsed: Partial<Record<'min' | 'max', number>> = {};
    for (const [key, bound] of bounds) {
      if (bound === undefined) continue;
      if (NUMERIC_TYPES.has(t)) {
        if (typeof bound !== 'number' || !Number.isFinite(bound)) issue(key, `"${key}" must be a finite number for ${t} attributes`);
        else if (t === 'integer' && !Number.isSafeInteger(bound)) issue(key, `"${key}" must be a safe integer for integer attributes`);
        else parsed[key] = bound;
      } else if (TEMPORAL_TYPES.has(t)) {
        const ms = typeof bound === 'string' ? temporalBound(t as 'date' | 'datetime', bound) : undefined;
        if (ms === undefined) {
          issue(key, t === 'date' ? `"${key}" must be an ISO date (YYYY-MM-DD)` : `"${key}" must be an ISO date or a datetime with offset (e.g. 2024-01-31T12:00:00Z)`);
        } else parsed[key] = ms;
      } else {
        issue(key, `"${key}" is only allowed on integer, decimal, currency, date and datetime attributes, not ${t}`);
      }
    }
    if (parsed.min !== undefined && parsed.max !== undefined && parsed.min > parsed.max) issue('min', `min (${attr.min}) must not exceed max (${attr.max})`);

    if (attr.currency !== undefined) {
      if (t !== 'currency') issue('currency', `"currency" is only allowed on currency attributes, not ${t}`);
      else if (!isKnownCurrency(attr.currency)) issue('currency', `"${attr.currency}" is not a known ISO 4217 currency code`);
    }

    if (attr.defaultRegion !== undefined) {
      if (t !== 'phone') issue('defaultRegion', `"defaultRegion" is only allowed on phone attributes, not ${t}`);
      else if (!isSupportedCountry(attr.defaultRegion)) issue('defaultRegion', `"${attr.defaultRegion}" is not a phone region known to libphonenumber`);
    }
  });

export const schemaDefinitionSchema = z
  .object({
    attributes: z.array(attributeDefinitionSchema).min(1).max(500),
    defaultRegion: regionCode.optional(),
  })
  .strict()
  .superRefine((schema, ctx) => {
    const firstIndex = new Map<string, number>();
    schema.attributes.forEach((attr, i) => {
      const prev = firstIndex.get(attr.name);
      if (prev !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['attributes', i, 'name'], message: `duplicate attribute name "${attr.name}" (first defined at index ${prev})` });
      } else firstIndex.set(attr.name, i);
    });
    if (schema.defaultRegion !== undefined && !isSupportedCountry(schema.defaultRegion)) {
      ctx.addIssue({ code: 'custom', path: ['defaultRegion'], message: `"${schema.defaultRegion}" is not a phone region known to libphonenumber` });
    }
  });

/** One attribute, defaults applied (output of attributeDefinitionSchema). */
export type AttributeDefinition = z.output<typeof attributeDefinitionSchema>;
/** A parsed schema definition, defaults applied. */
export type SchemaDefinition = z.output<typeof schemaDefinitionSchema>;
/** What users submit (defaults optional). */
export type SchemaDefinitionInput = z.input<typeof schemaDefinitionSchema>;
