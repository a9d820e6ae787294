// Country standardization to ISO 3166-1 alpha-2.
import { lookupCountry } from '../schemas/validation/index.js';
import { flagged, VALID, type StandardizedValue } from './types.js';

/**
 * Resolve a country code (alpha-2/alpha-3), English name or common alias ("UK", "Deutschland",
 * "The Netherlands") to ISO 3166-1 alpha-2. Unknown → invalid `unknown_country` (value null).
 */
export function standardizeCountry(raw: string): StandardizedValue<string> {
  const s = raw.trim();
  const code = s === '' ? undefined : lookupCountry(s);
  if (code === undefined) return { value: null, verification: flagged('invalid', 'unknown_country', `unknown country "${s.slice(0, 60)}": use an ISO 3166-1 code (e.g. DE, DEU) or English name`) };
  return { value: code, verification: VALID };
}
