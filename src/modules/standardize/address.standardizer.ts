// Postal address standardization: street abbreviations, casing, postcode and country.
import { ADDRESS_KEYS } from '../schemas/validation/index.js';
import { DIRECTIONS, POSITIONAL_STREET_TYPES, STREET_TYPES, UNIT_DESIGNATORS } from './address-abbreviations.data.js';
import { standardizeCountry } from './country.standardizer.js';
import { standardizePostcode } from './postcode.standardizer.js';
import { cleanSpaces, lookup, verification, worst, type Reason, type StandardizedValue, type VerificationStatus } from './types.js';

const GERMAN_STREET_COUNTRIES: ReadonlySet<string> = new Set(['DE', 'AT', 'CH']);
const LETTER_RE = /\p{L}/u;
const ORDINAL_RE = /^\d+(?:st|nd|rd|th)$/i;

/** True when a text has letters but is entirely upper- or entirely lowercase (shouting or lazy entry). */
function needsCasing(s: string): boolean {
  return LETTER_RE.test(s) && (s === s.toUpperCase() || s === s.toLowerCase());
}

/** Title-case one word: "o'connell" → "O'Connell", "smith-jones" → "Smith-Jones", "4b" → "4B", "5TH" → "5th". */
function titleWord(word: string): string {
  const lower = word.toLowerCase();
  if (/^\d/.test(lower)) return ORDINAL_RE.test(lower.replace(/[.,]$/, '')) ? lower : word.toUpperCase();
  return lower.replace(/(^|[-\s]|^\p{L}')(\p{L})/gu, (_m, pre: string, ch: string) => pre.toUpperCase() + ch.toUpperCase());
}

/** Title-case a city or region written all-caps / all-lowercase; mixed case is kept as typed. */
function caseText(s: string): string {
  return needsCasing(s) ? s.split(' ').map(titleWord).join(' ') : s;
}

function keyOf(token: string): string {
  const lower = token.toLowerCase();
  const last = lower.charCodeAt(lower.length - 1);
  // 46 '.', 44 ','
  return last === 46 || last === 44 ? lower.replace(/[.,]+$/, '') : lower;
}

/** Whether a token ends the street part: end of line, before a comma, unit, number or direction. */
function atStreetEnd(next: string | undefined, comma: string): boolean {
  return next === undefined || comma !== '' || Object.hasOwn(UNIT_DESIGNATORS, next) || next.startsWith('#') || /^\d/.test(next) || Object.hasOwn(DIRECTIONS, next) || /^(?:ne|nw|se|sw)$/.test(next);
}

/**
 * Standardize one street line. Unambiguous street types (Rd, Ave, Blvd, Ln …) expand after the
 * first word; St / Dr / Mt depend on position: at the end of the street part (end of line,
 * before a comma, a unit, a direction or a number) St → Street and Dr → Drive, before a name
 * St → Saint and Mt → Mount ("St. John's Rd" → "Saint John's Road"); Apt/#/Ste/Fl → Apartment/
 * Suite/Floor; N/S/E/W right after a house number → North/South/East/West. All-caps or
 * all-lowercase lines are Title-cased; mixed case is kept.
 */
export function standardizeStreetLine(line: string, country?: string): string {
  const tokens = cleanSpaces(line).split(' ');
  const recase = needsCasing(line);
  const german = country !== undefined && GERMAN_STREET_COUNTRIES.has(country);
  const n = tokens.length;
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const token = tokens[i]!;
    const comma = token.endsWith(',') ? ',' : '';
    const key = keyOf(token);
    const next = i + 1 < n ? keyOf(tokens[i + 1]!) : undefined;
    let word: string | undefined;
    if (token.startsWith('#') && (i > 0 || n > 1)) {
      // "#5" / "# 5" → "Apartment 5"
      out.push('Apartment');
      if (token.length > 1) out.push(recase ? titleWord(token.slice(1)) : token.slice(1));
      continue;
    }
    const positional = lookup(POSITIONAL_STREET_TYPES, key);
    if (positional !== undefined && (key !== 'str' || german)) {
      word = i > 0 && atStreetEnd(next, comma) ? positional.end : positional.before;
    } else if (i > 0 && Object.hasOwn(STREET_TYPES, key)) {
      word = STREET_TYPES[key];
    } else if (Object.hasOwn(UNIT_DESIGNATORS, key) && next !== undefined) {
      word = UNIT_DESIGNATORS[key];
    } else if (Object.hasOwn(DIRECTIONS, key) && i > 0 && i < n - 1 && /^\d/.test(tokens[i - 1]!)) {
      word = DIRECTIONS[key];
    } else if (german && /^\p{L}{2,}str\.$/u.test(key + (token.endsWith('.') ? '.' : ''))) {
      // "Hauptstr." → "Hauptstraße"
      word = titleWord(key.slice(0, -3)) + 'straße';
    }
    if (word !== undefined) out.push(word + comma);
    else out.push(recase ? titleWord(token) : token);
  }
  return out.join(' ');
}

export type AddressOptions = { defaultCountry?: string };

/**
 * Standardize a postal address `{ line1, line2, city, region, postcode, country }` (a string is
 * taken as line1; unknown keys are ignored). Lines: see standardizeStreetLine; city/region:
 * Title-cased when all-caps/lowercase, 2–3 letter regions uppercased (state codes); country →
 * ISO alpha-2 (falling back to `defaultCountry`); postcode checked and formatted for that
 * country (see standardizePostcode). The verification is the worst of the parts'; the value
 * keeps every non-empty part (an unusable postcode or country as cleaned text), and is null only
 * for an empty address. Missing line1 without postcode+city → suspect `address_incomplete`.
 */
export function standardizeAddress(raw: Record<string, unknown> | string, opts?: AddressOptions): StandardizedValue<Record<string, string>> {
  const input: Record<string, unknown> = typeof raw === 'string' ? { line1: raw } : raw;
  const parts: Record<string, string> = {};
  for (const key of ADDRESS_KEYS) {
    const v = input[key];
    const s = typeof v === 'string' ? cleanSpaces(v) : typeof v === 'number' && Number.isFinite(v) ? String(v) : '';
    if (s !== '') parts[key] = s;
  }
  let status: VerificationStatus = 'valid';
  const reasons: Reason[] = [];
  if (Object.keys(parts).length === 0) {
    return { value: null, verification: verification('invalid', [{ code: 'address_empty', message: 'the address is empty' }]) };
  }

  let country: string | undefined;
  if (parts.country !== undefined) {
    const c = standardizeCountry(parts.country);
    if (c.value !== null) parts.country = country = c.value;
    else {
      status = 'invalid';
      reasons.push(...c.verification.reasons);
    }
  } else if (opts?.defaultCountry) {
    country = standardizeCountry(opts.defaultCountry).value ?? undefined;
  }

  if (parts.line1 !== undefined) parts.line1 = standardizeStreetLine(parts.line1, country);
  if (parts.line2 !== undefined) parts.line2 = standardizeStreetLine(parts.line2, country);
  if (parts.city !== undefined) parts.city = caseText(parts.city);
  if (parts.region !== undefined) parts.region = parts.region.length <= 3 && /^\p{L}+$/u.test(parts.region) ? parts.region.toUpperCase() : caseText(parts.region);
  if (parts.postcode !== undefined) {
    if (country !== undefined) {
      const p = standardizePostcode(parts.postcode, country);
      if (p.value !== null) parts.postcode = p.value;
      else parts.postcode = parts.postcode.toUpperCase();
      if (p.verification.status !== 'valid') {
        status = worst(status, p.verification.status);
        reasons.push(...p.verification.reasons);
      }
    } else parts.postcode = parts.postcode.toUpperCase();
  }
  if (parts.line1 === undefined && (parts.postcode === undefined || parts.city === undefined)) {
    status = worst(status, 'suspect');
    reasons.push({ code: 'address_incomplete', message: 'the address has no street line and lacks a postcode or city' });
  }
  const value: Record<string, string> = {};
  for (const key of ADDRESS_KEYS) if (parts[key] !== undefined) value[key] = parts[key];
  return { value, verification: verification(status, reasons) };
}
