// Format patterns: ASCII letters become A/a, digits 9, everything else stays (e.g. "Ann-Marie" → "Aaa-Aaaaa").
// PostgreSQL's translate() does this in one pass; these are its from/to arguments. translate() scans the
// from-string for every character, so it is kept short (ASCII only, most frequent first): with accented
// letters added it was the slowest step of profiling a million records.

// Each class in order of frequency in names, e-mails and addresses; digits before capitals, which are
// mostly one per word.
const LOWER = 'eainorltsdhcumbgykpwfvjzxq';
const DIGITS = '0123456789';
const UPPER = 'SMCBJADKLRTPHGNWEFVOIYZUQX';

export const PATTERN_FROM = LOWER + DIGITS + UPPER;
export const PATTERN_TO = 'a'.repeat([...LOWER].length) + '9'.repeat(DIGITS.length) + 'A'.repeat([...UPPER].length);
/** Patterns longer than this are cut (addresses as JSON would otherwise make every pattern unique). */
export const PATTERN_MAX_LENGTH = 40;

const MAP = new Map<string, string>();
{
  const from = [...PATTERN_FROM];
  const to = [...PATTERN_TO];
  from.forEach((c, i) => MAP.set(c, to[i]!));
}

/** The same pattern in JS (for tests and small inputs). */
export function formatPattern(value: string): string {
  let out = '';
  let n = 0;
  for (const c of value) {
    if (n++ >= PATTERN_MAX_LENGTH) break;
    out += MAP.get(c) ?? c;
  }
  return out;
}
