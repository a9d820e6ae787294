// Phone standardization: E.164, number type and validity via libphonenumber-js max metadata.
// The default metadata ("min") cannot tell mobile from fixed line for most countries (getType()
// returns undefined for e.g. German mobiles) and only checks lengths in isValid(), so the
// larger "max" metadata is used; parsing costs the same (~25 µs) with either.
import { isSupportedCountry, parsePhoneNumberFromString, type CountryCode, type NumberType } from 'libphonenumber-js/max';
import { BoundedCache } from './bounded-cache.js';
import { flagged, VALID, type StandardizedValue } from './types.js';

export type PhoneType = 'mobile' | 'fixed_line' | 'fixed_line_or_mobile' | 'voip' | 'toll_free' | 'premium_rate' | 'unknown';
export type StandardizedPhone = StandardizedValue<string> & { type?: PhoneType };

const TYPES: Partial<Record<NonNullable<NumberType>, PhoneType>> = {
  MOBILE: 'mobile',
  FIXED_LINE: 'fixed_line',
  FIXED_LINE_OR_MOBILE: 'fixed_line_or_mobile',
  VOIP: 'voip',
  TOLL_FREE: 'toll_free',
  PREMIUM_RATE: 'premium_rate',
};

// Parsing dominates the cost of standardizing a record; the same numbers recur across
// re-imports and sources, so results are cached per (region, raw). Results are frozen
// because they are shared between callers.
const cache = new BoundedCache<string, StandardizedPhone>(25_000);

function freeze(result: StandardizedPhone): StandardizedPhone {
  if (result.details) Object.freeze(result.details);
  Object.freeze(result.verification.reasons);
  Object.freeze(result.verification);
  return Object.freeze(result);
}

function parse(s: string, region: CountryCode | undefined): StandardizedPhone {
  const phone = parsePhoneNumberFromString(s, { defaultCountry: region, extract: false });
  if (phone === undefined) {
    const hint = region ? '' : ' (no default region: include the +country code)';
    return { value: null, verification: flagged('invalid', 'phone_invalid', `not a phone number${hint}`) };
  }
  if (!phone.isPossible()) {
    return { value: null, verification: flagged('invalid', 'phone_not_possible', `the number has an impossible length for ${phone.country ?? `+${phone.countryCallingCode}`}`) };
  }
  const details: Record<string, unknown> = { country: phone.country ?? null };
  if (phone.ext) details.ext = phone.ext;
  // With max metadata (number types for every country) isValid() is getType() !== undefined, so the type
  // is classified once here instead of twice (classification is most of the cost of a phone); isValid()
  // only runs for numbers without a type, as the fallback it is for metadata without types.
  const libType = phone.getType();
  if (libType === undefined && !phone.isValid()) {
    details.type = 'unknown';
    return {
      value: phone.number,
      type: 'unknown',
      details,
      verification: flagged('suspect', 'phone_not_valid', 'the number has a possible length but is not in a number range assigned in its country'),
    };
  }
  const type = (libType && TYPES[libType]) ?? 'unknown';
  details.type = type;
  return { value: phone.number, type, details, verification: VALID };
}

/**
 * Standardize a phone number to E.164 with its type. `defaultRegion` (ISO alpha-2, e.g. 'GB')
 * applies to numbers written without +country code; unknown regions are ignored.
 * - not parseable → invalid `phone_invalid`; impossible length → invalid `phone_not_possible`
 *   (value null);
 * - possible length but outside the assigned ranges → suspect `phone_not_valid` (value E.164);
 * - otherwise valid; `type` is mobile / fixed_line / fixed_line_or_mobile / voip / toll_free /
 *   premium_rate / unknown (others such as shared_cost or pager map to unknown).
 * `details`: `{ type, country, ext? }`. Results are cached and frozen (do not mutate).
 */
export function standardizePhone(raw: string, defaultRegion?: string): StandardizedPhone {
  const region = defaultRegion !== undefined && defaultRegion.length === 2 ? defaultRegion.toUpperCase() : undefined;
  const key = `${region ?? ''}|${raw}`;
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const s = raw.trim();
  const result =
    s === ''
      ? { value: null, verification: flagged('invalid', 'phone_empty', 'the phone number is empty') }
      : parse(s, region !== undefined && isSupportedCountry(region) ? (region as CountryCode) : undefined);
  const frozen = freeze(result);
  cache.set(key, frozen);
  return frozen;
}
