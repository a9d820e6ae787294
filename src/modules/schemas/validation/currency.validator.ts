// Currency amounts: { amount, currency } with the amount as a canonical decimal string at the
// currency's minor-unit scale ("12.3 EUR" → { amount: "12.30", currency: "EUR" }).
import type { AttributeDefinition } from '../definition.js';
import { parseDecimal, parseDecimalNumber, withScale, type ParsedDecimal } from './decimal.js';
import { canonicalBound, checkRange } from './number.validator.js';
import { describeType, EMPTY, fail, isPlainObject, ok, type TypeValidator } from './types.js';

// ISO 4217 minor units that differ from the default of 2.
const MINOR_UNITS: Readonly<Record<string, number>> = {
  BIF: 0, CLP: 0, DJF: 0, GNF: 0, ISK: 0, JPY: 0, KMF: 0, KRW: 0, PYG: 0, RWF: 0, UGX: 0, UYI: 0, VND: 0, VUV: 0, XAF: 0, XOF: 0, XPF: 0,
  BHD: 3, IQD: 3, JOD: 3, KWD: 3, LYD: 3, OMR: 3, TND: 3,
  CLF: 4, UYW: 4,
};

/** Decimal places of a currency's minor unit (ISO 4217), default 2. */
export function minorUnits(code: string): number {
  return MINOR_UNITS[code] ?? 2;
}

// ICU's list of ISO 4217 codes; if unavailable (small-icu builds) any 3-letter code is accepted.
const KNOWN: ReadonlySet<string> | undefined = (() => {
  try {
    return new Set(Intl.supportedValuesOf('currency'));
  } catch {
    return undefined;
  }
})();

/** Whether a code is a known ISO 4217 currency. */
export function isKnownCurrency(code: string): boolean {
  return /^[A-Z]{3}$/.test(code) && (KNOWN === undefined || KNOWN.has(code));
}

const CODE_FIRST = /^([A-Za-z]{3})\s*([^A-Za-z\s].*)$/;
const CODE_LAST = /^(.*[^A-Za-z\s])\s*([A-Za-z]{3})$/;
const OBJECT_KEYS = new Set(['amount', 'currency']);

/** Build the validator for a currency attribute. */
export function currencyValidator(attr: AttributeDefinition): TypeValidator {
  const defaultCode = attr.currency;
  const min = typeof attr.min === 'number' ? canonicalBound(attr.min) : undefined;
  const max = typeof attr.max === 'number' ? canonicalBound(attr.max) : undefined;

  return (v) => {
    let amount: unknown;
    let code: unknown;
    if (typeof v === 'number') amount = v;
    else if (typeof v === 'string') {
      // Cheap test first: most imports send a bare amount.
      const last = v.charCodeAt(v.length - 1);
      const first = v.charCodeAt(0);
      if (last >= 48 && last <= 57 && ((first >= 48 && first <= 57) || first === 45 || first === 43 || first === 46)) amount = v;
      else {
        const pre = CODE_FIRST.exec(v);
        const post = pre ? null : CODE_LAST.exec(v);
        if (pre) [code, amount] = [pre[1], pre[2]];
        else if (post) [amount, code] = [post[1], post[2]];
        else amount = v;
      }
    } else if (isPlainObject(v)) {
      const unknown = Object.keys(v).filter((k) => !OBJECT_KEYS.has(k));
      if (unknown.length > 0) return fail('format', `unknown key(s) ${unknown.join(', ')}; expected { amount, currency }`);
      amount = typeof v.amount === 'string' ? v.amount.trim() : v.amount;
      code = typeof v.currency === 'string' ? v.currency.trim() : v.currency;
      // An object without an amount is treated as a missing value.
      if (amount === undefined || amount === null || amount === '') return ok(EMPTY);
    } else return fail('type', `must be an amount or { amount, currency }, got ${describeType(v)}`);

    if (code === undefined || code === null || code === '') {
      if (defaultCode === undefined) return fail('format', 'a currency code is required (e.g. "12.34 EUR" or { amount: "12.34", currency: "EUR" })');
      code = defaultCode;
    }
    if (typeof code !== 'string') return fail('type', `currency must be a string, got ${describeType(code)}`);
    const upper = code.toUpperCase();
    if (!isKnownCurrency(upper)) return fail('format', `unknown ISO 4217 currency code "${code.slice(0, 10)}"`);

    let r: ParsedDecimal;
    if (typeof amount === 'number') r = parseDecimalNumber(amount);
    else if (typeof amount === 'string') r = parseDecimal(amount.trim());
    else return fail('type', `amount must be a number or numeric string, got ${describeType(amount)}`);
    if (!r.ok) return fail(r.rule, `amount ${r.message}`);
    const scale = minorUnits(upper);
    // Never round money silently: extra non-zero decimals are an error.
    if (r.fractionDigits > scale) return fail('format', `${upper} amounts have at most ${scale} decimal place${scale === 1 ? '' : 's'}`);
    return checkRange(r.canonical, min, max) ?? ok({ amount: withScale(r.canonical, scale), currency: upper });
  };
}
