// Shared result types and helpers for the per-type validators.

/** Which rule rejected a value. Stable identifiers: clients and the DB store them. */
export type ValidationRule =
  | 'required'
  | 'type'
  | 'format'
  | 'min'
  | 'max'
  | 'minLength'
  | 'maxLength'
  | 'pattern'
  | 'enum'
  | 'unknown_country'
  | 'invalid_date'
  | 'too_large';

/** One per-field rejection reason. `value` is the raw input, truncated to 200 chars. */
export type FieldError = { field: string; rule: ValidationRule; message: string; value?: unknown };

/** Internal failure: `field`/`value` default to the attribute name and the raw input. */
export type Fail = { ok: false; rule: ValidationRule; message: string; field?: string; value?: unknown };
export type Outcome = { ok: true; value: unknown } | Fail;

/** A compiled type validator. Strings arrive trimmed, NFC-normalised and non-empty. */
export type TypeValidator = (value: unknown) => Outcome;

/** Returned as a value by object-shaped validators (address, currency) when every part is empty. */
export const EMPTY: unique symbol = Symbol('empty');

export function fail(rule: ValidationRule, message: string, field?: string, value?: unknown): Fail {
  return field === undefined ? { ok: false, rule, message } : { ok: false, rule, message, field, value };
}

export function ok(value: unknown): Outcome {
  return { ok: true, value };
}

/** Hard guard on any raw string (UTF-16 code units ≥ UTF-8 bytes / 3, so this is ≥ 1 MB). */
export const RAW_STRING_MAX = 1_048_576;
/** Default max length (code points) of a string value unless maxLength allows more. */
export const DEFAULT_MAX_LENGTH = 10_000;

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/** Trim and NFC-normalise; pure printable ASCII skips normalize() (it is already NFC). */
export function cleanString(s: string): string {
  const t = s.trim();
  return PRINTABLE_ASCII.test(t) ? t : t.normalize('NFC');
}

/** Length in Unicode code points (what users mean by "characters"). */
export function codePointLength(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}

/** Raw value for an error report: strings cut to 200 chars, big objects as truncated JSON. */
export function truncateValue(raw: unknown): unknown {
  if (typeof raw === 'string') return truncateString(raw, 200);
  if (raw !== null && typeof raw === 'object') {
    let json: string;
    try {
      json = JSON.stringify(raw) ?? String(raw);
    } catch {
      json = String(raw);
    }
    return json.length <= 200 ? raw : truncateString(json, 200);
  }
  return raw;
}

function truncateString(s: string, max: number): string {
  if (s.length <= max) return s;
  // Do not cut a surrogate pair in half.
  const c = s.charCodeAt(max - 1);
  return s.slice(0, c >= 0xd800 && c <= 0xdbff ? max - 1 : max);
}

/** Describe a JSON value's type for messages. */
export function describeType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
