const COMBINING = /[\u0300-\u036f]/g;
const SPECIAL: Record<string, string> = { ß: 'ss', æ: 'ae', œ: 'oe', ø: 'o', đ: 'd', ð: 'd', þ: 'th', ł: 'l', ı: 'i' };
const SPECIAL_RE = /[ßæœøđðþłı]/g;
const NON_ALNUM = /[^a-z0-9]+/g;

/** Lower-case, strip diacritics, turn punctuation into single spaces, trim. Empty → null. */
export function foldText(raw: string | null | undefined): string | null {
  if (raw == null) return null;
  let s = raw.trim();
  if (s.length === 0) return null;
  s = s.toLowerCase();
  // Fast path: plain ASCII letters/digits/spaces need no normalisation.
  if (/[^\x20-\x7e]/.test(s)) s = s.normalize('NFD').replace(COMBINING, '').replace(SPECIAL_RE, (c) => SPECIAL[c] ?? c);
  s = s.replace(NON_ALNUM, ' ').trim();
  return s.length === 0 ? null : s;
}

/** Folded text with all spaces removed (for compact exact comparison). */
export function squash(s: string): string {
  return s.replace(/ /g, '');
}
