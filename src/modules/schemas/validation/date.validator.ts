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

/** UTC epoch ms; setUTCFullYear avoids Date.UTC mapping years 0–99 to 1900–1999. */
function utcMs(y: number, mo: number, d: number, h = 0, mi = 0, s = 0, ms = 0): number {
  const date = new Date(0);
  date.setUTCFullYear(y, mo - 1, d);
  date.setUTCHours(h, mi, s, ms);
  return date.getTime();
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
  return { ok: true, epochMs: utcMs(y, mo, d), iso: s };
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
  const epochMs = utcMs(y, mo, d, h, mi, sec, ms) - offsetMin * 60_000;
  return { ok: true, epochMs, iso: new Date(epochMs).toISOString() };
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
