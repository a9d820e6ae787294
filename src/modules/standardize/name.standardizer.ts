// Person-name standardization: whitespace, Unicode NFC, casing and a folded matching key.
import { foldKey } from './fold.js';
import { MAC_EXCEPTIONS, NAME_PARTICLES, NAME_SUFFIXES, SUFFIX_FORMS } from './name-rules.data.js';
import { cleanSpaces, flagged, VALID, verification, type Reason, type StandardizedValue } from './types.js';

const NON_ASCII_RE = /[^\x20-\x7e]/;
// Typographic apostrophes become ASCII so O’Brien and O'Brien are the same stored value.
const APOSTROPHES_RE = /[’‘ʼ`´]/g;
const DIGIT_RE = /\p{N}/u;
const ALLOWED_RE = /^[\p{L}\p{M}' .,-]*$/u;
// Fast path: a single already well-cased plain word (the overwhelming case in imports).
const PLAIN_WORD_RE = /^[A-Z][a-z]+$/;
const MAC_RE = /^mac[a-z]{2,}[^aciozj]$/;

// Uppercase the first character, unless that changes its length (ß → SS).
function upperFirst(s: string): string {
  const c = s[0]!;
  const u = c.toUpperCase();
  return (u.length === 1 ? u : c) + s.slice(1);
}

/** Case one hyphen-free piece of a name: "o'brien" → "O'Brien", "mcdonald" → "McDonald". */
function casePiece(lower: string): string {
  if (lower === '') return lower;
  const apos = lower.indexOf("'");
  // One-letter prefix before an apostrophe (O', D', L'): capitalise both sides.
  if (apos === 1 && lower.length > 2) return upperFirst(lower[0]!) + "'" + casePiece(lower.slice(2));
  if (lower.length > 2 && lower.startsWith('mc')) return 'Mc' + lower[2]!.toUpperCase() + lower.slice(3);
  if (MAC_RE.test(lower) && !MAC_EXCEPTIONS.has(lower)) return 'Mac' + lower[3]!.toUpperCase() + lower.slice(4);
  return upperFirst(lower);
}

function isMixedCase(word: string): boolean {
  // "McDonald", "DeVito", "MacLeod" as typed: an uppercase letter after a lowercase one.
  return /\p{Ll}.*\p{Lu}/u.test(word);
}

/**
 * Case a whitespace-normalised name. Rules (Dutch convention for particles):
 * - words typed in deliberate mixed case (McDonald, DeVito) are kept as typed;
 * - everything else is Title-cased per hyphen piece (Smith-Jones) with Mc/Mac/O' rules;
 * - particles (van, de, der, la …) are lowercase between two other words ("Jan van der Berg")
 *   and capitalised when they start the name ("Van der Berg") or end it ("Li Da");
 * - roman numerals and academic suffixes after the first word keep their form (III, PhD).
 */
export function caseName(name: string): string {
  const words = name.split(' ');
  const n = words.length;
  for (let i = 0; i < n; i++) {
    const word = words[i]!;
    if (isMixedCase(word)) continue;
    const lower = word.toLowerCase();
    if (i > 0) {
      const bare = lower.endsWith('.') ? lower.slice(0, -1) : lower;
      if (i < n - 1 && NAME_PARTICLES.has(bare)) {
        words[i] = lower;
        continue;
      }
      const form = NAME_SUFFIXES.has(bare) ? SUFFIX_FORMS[bare] : undefined;
      if (form !== undefined) {
        words[i] = form + lower.slice(bare.length);
        continue;
      }
    }
    words[i] = lower.includes('-') ? lower.split('-').map(casePiece).join('-') : casePiece(lower);
  }
  return words.join(' ');
}

/** Whitespace, NFC and apostrophe clean-up without any casing. */
export function cleanName(raw: string): string {
  let s = cleanSpaces(raw);
  if (NON_ASCII_RE.test(s)) s = s.normalize('NFC').replace(APOSTROPHES_RE, "'");
  else if (s.includes('`')) s = s.replace(APOSTROPHES_RE, "'");
  return s;
}

/**
 * Standardize a person name (a given name, family name or full name): trim, collapse spaces,
 * Unicode NFC, typographic apostrophes → ', sensible casing (see caseName), plus the folded
 * matching key (see foldKey). Empty → invalid; digits or symbols → suspect.
 */
export function standardizeName(raw: string): StandardizedValue<string> & { folded: string } {
  if (PLAIN_WORD_RE.test(raw) && !raw.startsWith('Mc') && !raw.startsWith('Mac')) {
    const folded = raw.toLowerCase();
    return { value: raw, verification: VALID, details: { folded }, folded };
  }
  const cleaned = cleanName(raw);
  if (cleaned === '') return { value: null, verification: flagged('invalid', 'name_empty', 'the name is empty'), details: { folded: '' }, folded: '' };
  const value = caseName(cleaned);
  const folded = foldKey(value);
  let reasons: Reason[] | undefined;
  if (!ALLOWED_RE.test(value)) {
    reasons = DIGIT_RE.test(value)
      ? [{ code: 'name_has_digits', message: 'the name contains digits' }]
      : [{ code: 'name_unexpected_characters', message: 'the name contains characters other than letters, spaces, apostrophes, hyphens and dots' }];
  }
  return { value, verification: reasons ? verification('suspect', reasons) : VALID, details: { folded }, folded };
}
