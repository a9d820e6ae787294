// country: ISO 3166-1 alpha-2/alpha-3 codes, English names and common aliases → alpha-2.
import type { AttributeDefinition } from '../definition.js';
import { COUNTRIES } from './countries.data.js';
import { describeType, fail, ok, type TypeValidator } from './types.js';

/** Common spellings, endonyms and former names → alpha-2. Keys are matched after normaliseKey(). */
export const COUNTRY_ALIASES: Readonly<Record<string, string>> = {
  'UK': 'GB', 'United Kingdom': 'GB', 'Great Britain': 'GB', 'Britain': 'GB', 'England': 'GB', 'Scotland': 'GB', 'Wales': 'GB', 'Northern Ireland': 'GB',
  'US': 'US', 'USA': 'US', 'U.S.A.': 'US', 'U.S.': 'US', 'United States': 'US', 'America': 'US',
  'Deutschland': 'DE', 'BRD': 'DE', 'Österreich': 'AT', 'Schweiz': 'CH', 'Suisse': 'CH', 'Svizzera': 'CH',
  'Holland': 'NL', 'Nederland': 'NL', 'The Netherlands': 'NL', 'België': 'BE', 'Belgique': 'BE',
  'España': 'ES', 'Italia': 'IT', 'Sverige': 'SE', 'Norge': 'NO', 'Danmark': 'DK', 'Suomi': 'FI', 'Polska': 'PL',
  'Éire': 'IE', 'Hellas': 'GR', 'Ellada': 'GR', 'Brasil': 'BR', 'Česko': 'CZ', 'Czech Republic': 'CZ', 'Magyarország': 'HU',
  'Russia': 'RU', 'South Korea': 'KR', 'Republic of Korea': 'KR', 'North Korea': 'KP', 'Iran': 'IR', 'Syria': 'SY', 'Laos': 'LA',
  'Vietnam': 'VN', 'Bolivia': 'BO', 'Venezuela': 'VE', 'Tanzania': 'TZ', 'Moldova': 'MD', 'Taiwan': 'TW', 'Palestine': 'PS',
  'Micronesia': 'FM', 'Brunei': 'BN', 'Cape Verde': 'CV', 'East Timor': 'TL', 'Ivory Coast': 'CI', 'Vatican': 'VA', 'Vatican City': 'VA',
  'Macedonia': 'MK', 'Swaziland': 'SZ', 'Burma': 'MM', 'Turkey': 'TR', 'Macau': 'MO', 'UAE': 'AE', 'Emirates': 'AE',
  'DR Congo': 'CD', 'DRC': 'CD', 'Democratic Republic of the Congo': 'CD', 'Republic of the Congo': 'CG', 'Congo-Brazzaville': 'CG', 'Congo-Kinshasa': 'CD',
  'Falkland Islands': 'FK', 'Cocos Islands': 'CC', 'Saint Helena': 'SH', 'St Helena': 'SH', 'Saint Martin': 'MF', 'Sint Maarten': 'SX',
  'British Virgin Islands': 'VG', 'US Virgin Islands': 'VI', 'Sao Tome': 'ST', 'St Kitts and Nevis': 'KN', 'St Lucia': 'LC', 'St Vincent and the Grenadines': 'VC',
  'Bosnia': 'BA', 'Trinidad': 'TT', 'Hong Kong SAR': 'HK', 'Macao SAR': 'MO', 'Faeroe Islands': 'FO', 'Reunion': 'RE',
};

/** Case, accent, punctuation and "the"-insensitive lookup key. */
export function normaliseKey(s: string): string {
  return s
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/[.,'’()\-_/]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^the /, '');
}

const BY_CODE = new Map<string, string>();
const BY_NAME = new Map<string, string>();
// Lowercased spellings exactly as listed, so common inputs skip normaliseKey().
const BY_LOWER = new Map<string, string>();
for (const [a2, a3, name] of COUNTRIES) {
  BY_CODE.set(a2, a2);
  BY_CODE.set(a3, a2);
  BY_NAME.set(normaliseKey(name), a2);
  BY_LOWER.set(name.toLowerCase(), a2);
}
for (const [alias, a2] of Object.entries(COUNTRY_ALIASES)) {
  const key = normaliseKey(alias);
  if (!BY_NAME.has(key)) BY_NAME.set(key, a2);
  if (!BY_LOWER.has(alias.toLowerCase())) BY_LOWER.set(alias.toLowerCase(), a2);
}
BY_CODE.set('UK', 'GB'); // exceptionally reserved for the United Kingdom

/** Resolve a country code/name/alias to its ISO 3166-1 alpha-2 code, or undefined. */
export function lookupCountry(input: string): string | undefined {
  // Fast path: codes are the common case in imports.
  if (input.length <= 3) {
    const hit = BY_CODE.get(input.toUpperCase());
    if (hit !== undefined) return hit;
  }
  return BY_LOWER.get(input.toLowerCase()) ?? BY_NAME.get(normaliseKey(input));
}

/** Build the validator for a country attribute. */
export function countryValidator(_attr: AttributeDefinition): TypeValidator {
  return (v) => {
    if (typeof v !== 'string') return fail('type', `must be a country code or name, got ${describeType(v)}`);
    const code = lookupCountry(v);
    return code === undefined ? fail('unknown_country', 'unknown country: use an ISO 3166-1 code (e.g. DE, DEU) or English name') : ok(code);
  };
}
