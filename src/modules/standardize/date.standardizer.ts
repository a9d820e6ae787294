// Date standardization: declared per-column formats → ISO YYYY-MM-DD, plus birth-date checks.
import { flagged, lookup, VALID, verification, type Reason, type StandardizedValue } from './types.js';

export type DateKind = 'birth' | 'generic';
export type DateOptions = { formats?: string[]; kind?: DateKind; now?: Date };

type Field = 'Y' | 'YY' | 'M' | 'MMM' | 'D';
type CompiledFormat = { re: RegExp; fields: Field[] };

const MONTHS: Readonly<Record<string, number>> = {
  jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, sept: 9, oct: 10, nov: 11, dec: 12,
  january: 1, february: 2, march: 3, april: 4, june: 6, july: 7, august: 8, september: 9, october: 10, november: 11, december: 12,
};
const MONTH_RE = '([A-Za-z]{3,9})\\.?';
// Spreadsheet exports often append a midnight time ("01/02/2020 00:00:00"); it is ignored.
const TIME_SUFFIX = '(?:[ T]\\d{1,2}:\\d{2}(?::\\d{2}(?:\\.\\d+)?)?(?: ?[AaPp][Mm])?(?:Z|[+-]\\d{2}:?\\d{2})?)?';
const TOKEN_RE = /YYYY|YY|MMM|MM|M|DD|D/g;
/** ISO dates are unambiguous, so they are accepted whatever formats a column declares. */
export const ISO_FORMAT = 'YYYY-MM-DD';
/** Oldest plausible age for a birth date. */
export const MAX_AGE = 120;

const compiled = new Map<string, CompiledFormat>();

/**
 * Compile a format such as `DD/MM/YYYY`, `D.M.YYYY`, `YYYYMMDD` or `DD-MMM-YYYY`.
 * Separators are lenient (any of `/ - . space` matches any other) because exports mix them;
 * the field order is what a column declares. With separators, DD/MM also accept one digit
 * ("1/2/2020"); without separators (YYYYMMDD) widths are exact.
 */
function compile(format: string): CompiledFormat {
  let c = compiled.get(format);
  if (c !== undefined) return c;
  const fields: Field[] = [];
  const hasSeparators = /[^YMD]/.test(format);
  let src = '^';
  let last = 0;
  for (const m of format.matchAll(TOKEN_RE)) {
    src += literal(format.slice(last, m.index));
    last = m.index + m[0].length;
    switch (m[0]) {
      case 'YYYY': fields.push('Y'); src += '(\\d{4})'; break;
      case 'YY': fields.push('YY'); src += '(\\d{2})'; break;
      case 'MMM': fields.push('MMM'); src += MONTH_RE; break;
      case 'MM': fields.push('M'); src += hasSeparators ? '(\\d{1,2})' : '(\\d{2})'; break;
      case 'DD': fields.push('D'); src += hasSeparators ? '(\\d{1,2})' : '(\\d{2})'; break;
      default: fields.push(m[0] === 'M' ? 'M' : 'D'); src += '(\\d{1,2})';
    }
  }
  src += literal(format.slice(last)) + TIME_SUFFIX + '$';
  c = { re: new RegExp(src), fields };
  compiled.set(format, c);
  return c;
}

function literal(s: string): string {
  let out = '';
  for (const ch of s) out += /[-/. ]/.test(ch) ? '[-/. ]\\s*' : ch.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
  return out;
}

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

function daysInMonth(y: number, m: number): number {
  return m === 2 ? (isLeap(y) ? 29 : 28) : m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

/**
 * Two-digit year pivot. Birth dates: the most recent year not after `now` (in 2025, "25" →
 * 2025, "26" → 1926). Other dates: a sliding window from 80 years back to 19 years ahead
 * (in 2025, "44" → 2044, "45" → 1945).
 */
export function expandTwoDigitYear(yy: number, kind: DateKind, nowYear: number): number {
  const century = Math.floor(nowYear / 100) * 100;
  let y = century + yy;
  const limit = kind === 'birth' ? nowYear : nowYear + 19;
  if (y > limit) y -= 100;
  return y;
}

const pad2 = (n: number): string => (n < 10 ? '0' : '') + n;

type Parsed = { y: number; m: number; d: number } | { error: Reason };

function parseWith(s: string, format: CompiledFormat, kind: DateKind, now: Date): Parsed | undefined {
  const m = format.re.exec(s);
  if (m === null) return undefined;
  let y = 0;
  let mo = 0;
  let d = 0;
  for (let i = 0; i < format.fields.length; i++) {
    const g = m[i + 1]!;
    switch (format.fields[i]!) {
      case 'Y': y = Number(g); break;
      case 'YY': y = expandTwoDigitYear(Number(g), kind, now.getUTCFullYear()); break;
      case 'M': mo = Number(g); break;
      case 'D': d = Number(g); break;
      case 'MMM': {
        const n = lookup(MONTHS, g.toLowerCase());
        if (n === undefined) return { error: { code: 'date_format', message: `"${g}" is not an English month name` } };
        mo = n;
      }
    }
  }
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) {
    return { error: { code: 'date_impossible', message: `${s} is not a calendar date (${mo < 1 || mo > 12 ? `month ${mo}` : `day ${d} of month ${mo} in ${y}`})` } };
  }
  return { y, m: mo, d };
}

/** Whole years between a birth date and `now` (UTC calendar). */
function ageAt(y: number, m: number, d: number, now: Date): number {
  const ny = now.getUTCFullYear();
  const nm = now.getUTCMonth() + 1;
  const nd = now.getUTCDate();
  return ny - y - (nm < m || (nm === m && nd < d) ? 1 : 0);
}

/**
 * Standardize a date string to ISO `YYYY-MM-DD` using the column's declared `formats` (tried
 * in order; ISO `YYYY-MM-DD` is always accepted as well). Tokens: YYYY, YY, MM, M, DD, D,
 * MMM (English month abbreviation or full name, any case). A trailing time is ignored.
 * - no format matches → invalid `date_format`; 31/11 or 29/02 in a non-leap year → invalid
 *   `date_impossible` (value null);
 * - kind 'birth': a birth date after `now` → invalid `dob_future`; an age above 120 → suspect
 *   `age_out_of_range`.
 * `now` defaults to the current time; calendar comparisons use UTC.
 */
export function standardizeDate(raw: string, opts?: DateOptions): StandardizedValue<string> {
  const s = raw.trim();
  const kind = opts?.kind ?? 'generic';
  const now = opts?.now ?? new Date();
  const formats = opts?.formats ?? [];
  // The first format yielding a calendar date wins; if formats only match the shape but give
  // impossible dates (13/01 as MM/DD), the first such error is reported.
  let parsed: Parsed | undefined;
  for (const f of formats) {
    const p = parseWith(s, compile(f), kind, now);
    if (p !== undefined && (parsed === undefined || !('error' in p))) parsed = p;
    if (parsed !== undefined && !('error' in parsed)) break;
  }
  if (parsed === undefined || 'error' in parsed) parsed = parseWith(s, compile(ISO_FORMAT), kind, now) ?? parsed;
  if (parsed === undefined) {
    const declared = formats.length > 0 ? formats.join(', ') + ' or ' + ISO_FORMAT : ISO_FORMAT;
    return { value: null, verification: flagged('invalid', 'date_format', `"${s.slice(0, 40)}" does not match the date format ${declared}`) };
  }
  if ('error' in parsed) return { value: null, verification: verification('invalid', [parsed.error]) };
  const { y, m, d } = parsed;
  const value = `${y}-${pad2(m)}-${pad2(d)}`;
  if (kind === 'birth') {
    const age = ageAt(y, m, d, now);
    if (age < 0) return { value: null, verification: flagged('invalid', 'dob_future', `the birth date ${value} is in the future`) };
    if (age > MAX_AGE) return { value, verification: flagged('suspect', 'age_out_of_range', `the birth date ${value} means an age of ${age} (over ${MAX_AGE})`) };
  }
  return { value, verification: VALID };
}
