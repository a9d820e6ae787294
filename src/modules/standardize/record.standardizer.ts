// Standardize every attribute value of a record according to its schema definition.
import type { AttributeDefinition, SchemaDefinition } from '../schemas/definition.js';
import { standardizeAddress } from './address.standardizer.js';
import { standardizeCountry } from './country.standardizer.js';
import { standardizeDate, type DateKind } from './date.standardizer.js';
import { standardizeEmail } from './email.standardizer.js';
import { standardizeName } from './name.standardizer.js';
import { standardizePhone } from './phone.standardizer.js';
import { VALID, type StandardizedValue, type Verification } from './types.js';

export type RecordOptions = { region?: string; dateFormats?: Record<string, string[]>; now?: Date };
export type StandardizedRecord = { standardized: Record<string, unknown>; verification: Record<string, Verification> };

// Text attributes that hold person names. Company/product names are deliberately not matched:
// name casing rules would damage "ACME GmbH" or "iPhone".
const NAME_ATTRIBUTE_RE = /^(?:(?:first|last|given|family|middle|full|maiden|birth|legal|preferred|display|contact|customer|person|nick|sur|fore|second|other)_?names?|surname|forename|firstname|lastname|fullname)$/;
const BIRTH_ATTRIBUTE_RE = /^(?:dob|date_?of_?birth|birth_?date|birthdate|birthday|born(?:_on)?)$/;

type Kind = 'name' | 'email' | 'phone' | 'date' | 'country' | 'address' | 'pass';
type Step = { name: string; kind: Kind; region?: string; dateKind: DateKind };

/** Which rules an attribute gets. Exported for callers that standardize column by column. */
export function attributeKind(attr: AttributeDefinition): Kind {
  switch (attr.type) {
    case 'text': return NAME_ATTRIBUTE_RE.test(attr.name) ? 'name' : 'pass';
    case 'email': return 'email';
    case 'phone': return 'phone';
    case 'date': return 'date';
    case 'country': return 'country';
    case 'address': return 'address';
    default: return 'pass';
  }
}

/** Whether a date attribute holds a birth date (dob, date_of_birth, birth_date, birthday …). */
export function isBirthDateAttribute(name: string): boolean {
  return BIRTH_ATTRIBUTE_RE.test(name);
}

// Plans are derived once per (parsed, immutable) definition object: bulk imports call this
// per row with the same definition.
const plans = new WeakMap<SchemaDefinition, Step[]>();

function planFor(definition: SchemaDefinition): Step[] {
  let plan = plans.get(definition);
  if (plan === undefined) {
    plan = definition.attributes.map((attr) => ({
      name: attr.name,
      kind: attributeKind(attr),
      region: attr.defaultRegion ?? definition.defaultRegion,
      dateKind: isBirthDateAttribute(attr.name) ? 'birth' : 'generic',
    }));
    plans.set(definition, plan);
  }
  return plan;
}

function apply(step: Step, v: unknown, opts: RecordOptions | undefined, now: Date): StandardizedValue | undefined {
  switch (step.kind) {
    case 'name': return typeof v === 'string' ? standardizeName(v) : undefined;
    case 'email': return typeof v === 'string' ? standardizeEmail(v) : undefined;
    case 'phone':
      if (typeof v === 'number' && Number.isSafeInteger(v)) v = String(v);
      return typeof v === 'string' ? standardizePhone(v, opts?.region ?? step.region) : undefined;
    case 'date': return typeof v === 'string' ? standardizeDate(v, { formats: opts?.dateFormats?.[step.name], kind: step.dateKind, now }) : undefined;
    case 'country': return typeof v === 'string' ? standardizeCountry(v) : undefined;
    case 'address':
      if (typeof v === 'string' || (typeof v === 'object' && v !== null && !Array.isArray(v))) {
        return standardizeAddress(v as Record<string, unknown> | string, { defaultCountry: opts?.region ?? step.region });
      }
      return undefined;
    default: return undefined;
  }
}

/**
 * Standardizes every attribute value of a record per the schema definition; name-like text
 * attributes (first_name, last_name, full_name, …) get name rules; email/phone/date/address/
 * country types their rules; others pass through with status valid. Dates:
 * `opts.dateFormats[attr]`; birth dates are attributes named like dob/date_of_birth/birth_date/
 * birthday.
 *
 * Decisions: values absent from `values` (undefined/null) get no entry; values not in
 * `definition` are ignored. A value that comes out invalid keeps its input value in
 * `standardized` (nothing is lost; the verification says invalid). The phone/address default
 * region is `opts.region` (the source's), else the attribute's, else the schema's.
 */
export function standardizeRecord(definition: SchemaDefinition, values: Record<string, unknown>, opts?: RecordOptions): StandardizedRecord {
  const standardized: Record<string, unknown> = {};
  const verification: Record<string, Verification> = {};
  const now = opts?.now ?? new Date();
  for (const step of planFor(definition)) {
    const v = values[step.name];
    if (v === undefined || v === null) continue;
    const r = step.kind === 'pass' ? undefined : apply(step, v, opts, now);
    if (r === undefined) {
      standardized[step.name] = v;
      verification[step.name] = VALID;
    } else {
      standardized[step.name] = r.value ?? v;
      verification[step.name] = r.verification;
    }
  }
  return { standardized, verification };
}
