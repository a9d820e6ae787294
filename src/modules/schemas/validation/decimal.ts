// Exact decimal handling on strings: JSON floats and CSV text never go through binary floats
// beyond what JSON.parse already did, so "0.1" stays "0.1" and 20-digit amounts keep every digit.

/** Limits on canonical decimals; beyond them a value is `too_large`. */
export const MAX_INTEGER_DIGITS = 100;
export const MAX_FRACTION_DIGITS = 100;

export type ParsedDecimal =
  | { ok: true; canonical: string; fractionDigits: number }
  | { ok: false; rule: 'format' | 'too_large'; message: string };

const DECIMAL_RE = /^([+-])?(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/**
 * Canonical form: optional '-', no exponent, no leading zeros, no trailing fraction zeros,
 * "0" for any zero (so -0 → "0"). Accepts "12", "-1.50", ".5", "1e3", "1.2E-4".
 */
export function parseDecimal(s: string): ParsedDecimal {
  const m = DECIMAL_RE.exec(s);
  const intRaw = m?.[2] ?? '';
  const fracRaw = m?.[3] ?? '';
  if (!m || (intRaw === '' && fracRaw === '')) {
    return { ok: false, rule: 'format', message: 'must be a number with "." as decimal separator (e.g. 1234.56), no thousands separators' };
  }
  const exp = m[4] === undefined ? 0 : Number(m[4]);
  // Exponents this large can only produce values beyond the digit limits (or zero).
  if (Math.abs(exp) > 100_000 && /[1-9]/.test(intRaw + fracRaw)) return { ok: false, rule: 'too_large', message: 'number is out of range' };
  let digits = intRaw + fracRaw;
  let point = intRaw.length + exp; // position of the decimal point within `digits`
  // Strip leading zeros (moving the point) and trailing zeros.
  let lead = 0;
  while (lead < digits.length && digits.charCodeAt(lead) === 48) lead++;
  digits = digits.slice(lead);
  point -= lead;
  let end = digits.length;
  while (end > 0 && digits.charCodeAt(end - 1) === 48) end--;
  digits = digits.slice(0, end);
  if (digits === '') return { ok: true, canonical: '0', fractionDigits: 0 };
  const intDigits = Math.max(point, 0);
  const fracDigits = Math.max(digits.length - point, 0);
  if (intDigits > MAX_INTEGER_DIGITS) return { ok: false, rule: 'too_large', message: `must have at most ${MAX_INTEGER_DIGITS} digits before the decimal point` };
  if (fracDigits > MAX_FRACTION_DIGITS) return { ok: false, rule: 'too_large', message: `must have at most ${MAX_FRACTION_DIGITS} digits after the decimal point` };
  let out: string;
  if (point <= 0) out = '0.' + '0'.repeat(-point) + digits;
  else if (point >= digits.length) out = digits + '0'.repeat(point - digits.length);
  else out = digits.slice(0, point) + '.' + digits.slice(point);
  return { ok: true, canonical: m[1] === '-' ? '-' + out : out, fractionDigits: fracDigits };
}

/** Parse a JSON number exactly as printed by JS (shortest round-trip form). */
export function parseDecimalNumber(n: number): ParsedDecimal {
  if (!Number.isFinite(n)) {
    return Number.isNaN(n) ? { ok: false, rule: 'format', message: 'must be a number' } : { ok: false, rule: 'too_large', message: 'number is out of range' };
  }
  return parseDecimal(String(n));
}

/** Compare two canonical decimal strings numerically: -1, 0 or 1. */
export function compareDecimal(a: string, b: string): number {
  const negA = a.charCodeAt(0) === 45;
  const negB = b.charCodeAt(0) === 45;
  if (negA !== negB) return negA ? -1 : 1;
  const c = compareMagnitude(negA ? a.slice(1) : a, negB ? b.slice(1) : b);
  return negA && c !== 0 ? -c : c;
}

function compareMagnitude(a: string, b: string): number {
  const [ai = '', af = ''] = a.split('.');
  const [bi = '', bf = ''] = b.split('.');
  if (ai.length !== bi.length) return ai.length < bi.length ? -1 : 1;
  if (ai !== bi) return ai < bi ? -1 : 1;
  // Canonical fractions have no trailing zeros, so plain string order is numeric order.
  if (af === bf) return 0;
  return af < bf ? -1 : 1;
}

/** Canonical decimal padded to exactly `scale` fraction digits (caller checked it fits). */
export function withScale(canonical: string, scale: number): string {
  if (scale === 0) return canonical;
  const dot = canonical.indexOf('.');
  if (dot < 0) return canonical + '.' + '0'.repeat(scale);
  return canonical + '0'.repeat(scale - (canonical.length - dot - 1));
}
