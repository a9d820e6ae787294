// Postcode standardization per country.
import { lookupCountry } from '../schemas/validation/index.js';
import { POSTCODE_FORMATS } from './postcode-formats.data.js';
import { cleanSpaces, flagged, lookup, VALID, type StandardizedValue } from './types.js';

const STRIP_RE = /[\s-]+/g;

/**
 * Standardize a postcode for a country (ISO alpha-2, or anything lookupCountry resolves):
 * uppercase, strip spaces/hyphens and an optional "<country>-" prefix (D-, CH-), check the
 * country's pattern and render its canonical spacing (GB `sw1a1aa` → `SW1A 1AA`, US ZIP+4
 * `123456789` → `12345-6789`, NL `1012ab` → `1012 AB`).
 * - wrong format → invalid `postcode_format` (value null);
 * - a zero-padded digits-only code whose leading zero was evidently lost (US `2134` → `02134`)
 *   → suspect `postcode_zero_padded`;
 * - countries without a known format: cleaned (trimmed, collapsed spaces, uppercase) and valid.
 */
export function standardizePostcode(raw: string, country: string): StandardizedValue<string> {
  const cleaned = cleanSpaces(raw).toUpperCase();
  if (cleaned === '') return { value: null, verification: flagged('invalid', 'postcode_empty', 'the postcode is empty') };
  const code = country.length === 2 ? country.toUpperCase() : (lookupCountry(country) ?? country.toUpperCase());
  const spec = lookup(POSTCODE_FORMATS, code);
  if (spec === undefined) return { value: cleaned, verification: VALID, details: { checked: false } };
  let compact = cleaned.replace(STRIP_RE, '');
  // "D-10115", "CH-8001", "F-75008": a country prefix from international mail conventions.
  const prefix = /^([A-Z]{1,2})-?\s*\d/.exec(cleaned);
  if (prefix && !spec.re.test(compact) && (prefix[1] === code || prefix[1] === code[0])) compact = compact.slice(prefix[1]!.length);
  if (spec.re.test(compact)) return { value: spec.format ? spec.format(compact) : compact, verification: VALID };
  if (spec.zeroPadTo !== undefined && /^\d+$/.test(compact) && compact.length < spec.zeroPadTo && compact.length >= spec.zeroPadTo - 2) {
    const padded = compact.padStart(spec.zeroPadTo, '0');
    if (spec.re.test(padded)) {
      const value = spec.format ? spec.format(padded) : padded;
      return { value, verification: flagged('suspect', 'postcode_zero_padded', `leading zeros were restored (${compact} → ${value}); the source probably stored the postcode as a number`, value) };
    }
  }
  return { value: null, verification: flagged('invalid', 'postcode_format', `"${cleaned.slice(0, 20)}" is not a valid ${code} postcode (e.g. ${spec.example})`) };
}
