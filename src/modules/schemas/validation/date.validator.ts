// date (strict YYYY-MM-DD) and datetime (ISO 8601 with offset, normalised to UTC) validators.
import type { AttributeDefinition } from '../definition.js';
import { describeType, fail, ok, type TypeValidator } from './types.js';

export type ParsedTemporal = { ok: true; epochMs: number; iso: string } | { ok: false; rule: 'format' | 'invalid_date'; message: string };

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
// Separator T/t/space; seconds and fraction optional; zone Z, ±hh, ±hhmm or ±hh:mm.
const DATETIME_RE = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)?$/;

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

function daysInMonth(y: number, m: number): number {
  return m === 2 ? (isLeap(y) ? 29 : 28) : m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

const DAY_MS = 86_400_000;

// Days since 1970-01-01 for a proleptic Gregorian date (H. Hinnant's algorithm): avoids Date objects
// on the hot path and the Date.UTC quirk that maps years 0–99 to 1900–1999.
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function civilFromDays(days: number): [number, number, number] {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
}

const pad2 = (n: number) => (n < 10 ? '0' + n : String(n));

/** Same output as Date#toISOString for years 0000–9999, without allocating a Date. */
function isoFromEpoch(ms: number): string {
  const days = Math.floor(ms / DAY_MS);
  const [y, mo, d] = civilFromDays(days);
  if (y < 0 || y > 9999) return new Date(ms).toISOString();
  let rest = ms - days * DAY_MS;
  const h = Math.floor(rest / 3_600_000);
  rest -= h * 3_600_000;
  const mi = Math.floor(rest / 60_000);
  rest -= mi * 60_000;
  const sec = Math.floor(rest / 1000);
  const milli = rest - sec * 1000;
  return `${String(y).padStart(4, '0')}-${pad2(mo)}-${pad2(d)}T${pad2(h)}:${pad2(mi)}:${pad2(sec)}.${String(milli).padStart(3, '0')}Z`;
}

function checkDate(y: number, m: number, d: number): string | undefined {
  if (y < 1) return 'year must be between 0001 and 9999';
  if (m < 1 || m > 12) return `month ${m} does not exist`;
  if (d < 1 || d > daysInMonth(y, m)) return `day ${d} does not exist in ${y}-${String(m).padStart(2, '0')}`;
  return undefined;
}

/** Parse a strict calendar date `YYYY-MM-DD` (years 0001–9999). */
export function parseIsoDate(s: string): ParsedTemporal {
  const m = DATE_RE.exec(s);
  if (!m) return { ok: false, rule: 'format', message: 'must be a date in YYYY-MM-DD format' };
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  const bad = checkDate(y, mo, d);
  if (bad) return { ok: false, rule: 'invalid_date', message: `invalid date: ${bad}` };
  return { ok: true, epochMs: daysFromCivil(y, mo, d) * DAY_MS, iso: s };
}

/** Parse an ISO 8601 datetime that carries Z or a UTC offset; normalised to UTC with ms. */
export function parseIsoDateTime(s: string): ParsedTemporal {
  const m = DATETIME_RE.exec(s);
  if (!m) return { ok: false, rule: 'format', message: 'must be an ISO 8601 datetime with offset, e.g. 2024-05-01T14:30:00Z or 2024-05-01T16:30:00+02:00' };
  if (m[8] === undefined && m[9] === undefined) {
    return { ok: false, rule: 'format', message: 'a timezone offset is required (append Z for UTC or e.g. +02:00); naive datetimes are ambiguous' };
  }
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  const bad = checkDate(y, mo, d);
  if (bad) return { ok: false, rule: 'invalid_date', message: `invalid date: ${bad}` };
  const h = Number(m[4]);
  const mi = Number(m[5]);
  const sec = m[6] === undefined ? 0 : Number(m[6]);
  // Leap seconds (:60) and 24:00 are rejected rather than silently rolled over.
  if (h > 23 || mi > 59 || sec > 59) return { ok: false, rule: 'invalid_date', message: 'invalid time of day' };
  // Sub-millisecond digits are truncated (JS dates have ms precision).
  const ms = m[7] === undefined ? 0 : Number(m[7].slice(0, 3).padEnd(3, '0'));
  let offsetMin = 0;
  if (m[9] !== undefined) {
    const oh = Number(m[10]);
    const om = m[11] === undefined ? 0 : Number(m[11]);
    if (oh > 23 || om > 59) return { ok: false, rule: 'invalid_date', message: 'invalid timezone offset' };
    offsetMin = (m[9] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  const epochMs = daysFromCivil(y, mo, d) * DAY_MS + ((h * 60 + mi - offsetMin) * 60 + sec) * 1000 + ms;
  return { ok: true, epochMs, iso: isoFromEpoch(epochMs) };
}

/** Build the validator for a date or datetime attribute (bounds precomputed). */
export function temporalValidator(attr: AttributeDefinition, min: number | undefined, max: number | undefined): TypeValidator {
  const parse = attr.type === 'date' ? parseIsoDate : parseIsoDateTime;
  const what = attr.type === 'date' ? 'date' : 'datetime';
  return (v) => {
    if (typeof v !== 'string') return fail('type', `must be a ${what} string, got ${describeType(v)}`);
    const r = parse(v);
    if (!r.ok) return fail(r.rule, r.message);
    if (min !== undefined && r.epochMs < min) return fail('min', `must be on or after ${String(attr.min)}`);
    if (max !== undefined && r.epochMs > max) return fail('max', `must be on or before ${String(attr.max)}`);
    return ok(r.iso);
  };
}
