// address: structured postal address { line1, line2, city, region, postcode, country }.
import type { AttributeDefinition } from '../definition.js';
import { lookupCountry } from './country.validator.js';
import { cleanString, codePointLength, DEFAULT_MAX_LENGTH, describeType, EMPTY, fail, isPlainObject, ok, RAW_STRING_MAX, truncateValue, type TypeValidator } from './types.js';

export const ADDRESS_KEYS = ['line1', 'line2', 'city', 'region', 'postcode', 'country'] as const;
export type AddressKey = (typeof ADDRESS_KEYS)[number];
export type Address = Partial<Record<AddressKey, string>>;

const KEY_SET: ReadonlySet<string> = new Set(ADDRESS_KEYS);
// Individual address lines are short; this guards against pasted documents.
const MAX_PART_LENGTH = Math.min(1000, DEFAULT_MAX_LENGTH);

/** Build the validator for an address attribute. Normalised value keeps only non-empty parts. */
export function addressValidator(attr: AttributeDefinition): TypeValidator {
  const name = attr.name;
  return (v) => {
    // A plain string is a one-line address.
    const obj: Record<string, unknown> | undefined = typeof v === 'string' ? { line1: v } : isPlainObject(v) ? v : undefined;
    if (obj === undefined) return fail('type', `must be an address object { line1, line2, city, region, postcode, country } or a string, got ${describeType(v)}`);
    let unknown: string[] | undefined;
    for (const k of Object.keys(obj)) if (!KEY_SET.has(k)) (unknown ??= []).push(k);
    if (unknown !== undefined) return fail('format', `unknown address field(s): ${unknown.slice(0, 10).join(', ')}; allowed: ${ADDRESS_KEYS.join(', ')}`);

    const out: Address = {};
    let any = false;
    for (const key of ADDRESS_KEYS) {
      const raw = obj[key];
      if (raw === undefined || raw === null) continue;
      const field = `${name}.${key}`;
      let s: string;
      if (typeof raw === 'string') {
        if (raw.length > RAW_STRING_MAX) return fail('too_large', `${key} is too long`, field, truncateValue(raw));
        s = cleanString(raw);
      } else if (key === 'postcode' && typeof raw === 'number' && Number.isSafeInteger(raw) && raw >= 0) {
        s = String(raw); // numeric postcodes from JSON; leading zeros are already lost
      } else return fail('type', `${key} must be a string, got ${describeType(raw)}`, field, truncateValue(raw));
      if (s === '') continue;
      if (s.includes('\u0000')) return fail('format', `${key} must not contain NUL characters`, field, truncateValue(raw));
      if (s.length > MAX_PART_LENGTH && codePointLength(s) > MAX_PART_LENGTH) return fail('too_large', `${key} must be at most ${MAX_PART_LENGTH} characters`, field, truncateValue(raw));
      if (key === 'country') {
        const code = lookupCountry(s);
        if (code === undefined) return fail('unknown_country', 'unknown country: use an ISO 3166-1 code (e.g. DE, DEU) or English name', field, truncateValue(raw));
        s = code;
      }
      out[key] = s;
      any = true;
    }
    if (!any) return ok(EMPTY);
    if (attr.required && out.line1 === undefined && (out.postcode === undefined || out.city === undefined)) {
      return fail('required', 'address needs line1, or both postcode and city');
    }
    return ok(out);
  };
}
