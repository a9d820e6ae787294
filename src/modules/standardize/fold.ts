// Folded matching keys: lowercase, no diacritics, no punctuation.

// Letters that NFD does not decompose into base + combining mark.
const SPECIAL: Readonly<Record<string, string>> = {
  ß: 'ss', ẞ: 'ss', æ: 'ae', Æ: 'ae', œ: 'oe', Œ: 'oe', ø: 'o', Ø: 'o', ł: 'l', Ł: 'l',
  đ: 'd', Đ: 'd', ð: 'd', Ð: 'd', þ: 'th', Þ: 'th', ı: 'i', ħ: 'h', Ħ: 'h', ŀ: 'l', Ŀ: 'l', ŋ: 'n', Ŋ: 'n', ĸ: 'k',
};
const SPECIAL_RE = /[ßẞæÆœŒøØłŁđĐðÐþÞıħĦŀĿŋŊĸ]/g;
const MARKS_RE = /\p{M}+/gu;
const NON_ASCII_RE = /[^\x20-\x7e]/;
// Apostrophes and dots vanish (O'Brien → obrien, St. → st); other punctuation separates words.
const DROP_RE = /['’‘`´.]/g;
const SEPARATOR_RE = /[^\p{L}\p{N}]+/gu;

/**
 * Folded key for matching: lowercase, diacritics removed (NFD minus marks), special letters
 * transliterated (ß→ss, æ→ae, ø→o, ł→l …), apostrophes and dots removed, any other
 * punctuation or whitespace collapsed to a single space, trimmed.
 * `foldKey("Zoë O'Brien-Müller")` → `"zoe obrien muller"`.
 */
export function foldKey(raw: string): string {
  let s = raw;
  if (NON_ASCII_RE.test(s)) s = s.normalize('NFD').replace(MARKS_RE, '').replace(SPECIAL_RE, (c) => SPECIAL[c] ?? c);
  s = s.toLowerCase();
  // Fast path: already a plain lowercase key.
  if (/^[a-z0-9]+(?: [a-z0-9]+)*$/.test(s)) return s;
  return s.replace(DROP_RE, '').replace(SEPARATOR_RE, ' ').trim();
}
