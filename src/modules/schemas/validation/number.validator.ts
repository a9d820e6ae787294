// integer (JS safe integers) and decimal (canonical decimal strings) validators.
import type { AttributeDefinition } from '../definition.js';
import { compareDecimal, parseDecimal, parseDecimalNumber } from './decimal.js';
import { describeType, fail, ok, type TypeValidator } from './types.js';

// "42", "-7", "+3", "007" and "4.0"/"4.00" (spreadsheet exports) are integers; "4.5", "1e3", "1,000" are not.
const INTEGER_RE = /^[+-]?\d+(?:\.0*)?$/;

/** Build the validator for an integer attribute. */
export function integerValidator(attr: AttributeDefinition): TypeValidator {
  const min = typeof attr.min === 'number' ? attr.min : undefined;
  const max = typeof attr.max === 'number' ? attr.max : undefined;
  return (v) => {
    let n: number;
    if (typeof v === 'number') n = v;
    else if (typeof v === 'string') {
      if (!INTEGER_RE.test(v)) return fail('format', 'must be a whole number (e.g. 42 or -7)');
      n = Number(v);
    } else return fail('type', `must be an integer, got ${describeType(v)}`);
    if (!Number.isFinite(n)) return Number.isNaN(n) ? fail('format', 'must be a whole number') : fail('too_large', 'number is out of range');
    if (!Number.isInteger(n)) return fail('format', 'must be a whole number, not a fraction');
    if (!Number.isSafeInteger(n)) return fail('too_large', `must be between -${Number.MAX_SAFE_INTEGER} and ${Number.MAX_SAFE_INTEGER}`);
    if (n === 0) n = 0; // -0 → 0
    if (min !== undefined && n < min) return fail('min', `must be at least ${min}`);
    if (max !== undefined && n > max) return fail('max', `must be at most ${max}`);
    return ok(n);
  };
}

/** Build the validator for a decimal attribute; values normalise to canonical decimal strings. */
export function decimalValidator(attr: AttributeDefinition): TypeValidator {
  const min = typeof attr.min === 'number' ? canonicalBound(attr.min) : undefined;
  const max = typeof attr.max === 'number' ? canonicalBound(attr.max) : undefined;
  return (v) => {
    let r;
    if (typeof v === 'number') r = parseDecimalNumber(v);
    else if (typeof v === 'string') r = parseDecimal(v);
    else return fail('type', `must be a decimal number, got ${describeType(v)}`);
    if (!r.ok) return fail(r.rule, r.message);
    return checkRange(r.canonical, min, max) ?? ok(r.canonical);
  };
}

/** Canonical string of a definition bound (definitions guarantee finite numbers). */
export function canonicalBound(n: number): string {
  const r = parseDecimalNumber(n);
  if (!r.ok) throw new Error(`invalid numeric bound ${n}`);
  return r.canonical;
}

export function checkRange(canonical: string, min: string | undefined, max: string | undefined) {
  if (min !== undefined && compareDecimal(canonical, min) < 0) return fail('min', `must be at least ${min}`);
  if (max !== undefined && compareDecimal(canonical, max) > 0) return fail('max', `must be at most ${max}`);
  return undefined;
}
