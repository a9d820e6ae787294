/** A parsed calendar date. */
export interface ParsedDate {
  y: number;
  m: number;
  d: number;
}

const MONTHS: Record<string, number> = {
  jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12,
};

function valid(y: number, m: number, d: number): ParsedDate | null {
  if (!(y >= 1 && y <= 2200 && m >= 1 && m <= 12 && d >= 1 && d <= 31)) return null;
  return { y, m, d };
}

/**
 * Parse a date in common formats: YYYY-MM-DD, YYYYMMDD, YYYY/MM/DD, DD/MM/YYYY (day-first, the
 * non-US default), MM/DD/YYYY when the first field cannot be a day… and "12 Mar 1980".
 */
export function parseDate(raw: string | null | undefined): ParsedDate | null {
  if (raw == null) return null;
  const s = raw.trim().toLowerCase();
  if (s.length === 0) return null;
  let m = /^(\d{4})(\d{2})(\d{2})$/.exec(s);
  if (m) return valid(+m[1]!, +m[2]!, +m[3]!);
  m = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ t].*)?$/.exec(s);
  if (m) return valid(+m[1]!, +m[2]!, +m[3]!);
  m = /^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$/.exec(s);
  if (m) {
    const a = +m[1]!;
    const b = +m[2]!;
    const y = +m[3]!;
    return b > 12 ? valid(y, a, b) : valid(y, b, a);
  }
  m = /^(\d{1,2})[ -]([a-z]{3})[a-z]*[ -,]*(\d{4})$/.exec(s);
  if (m) return valid(+m[3]!, MONTHS[m[2]!] ?? 0, +m[1]!);
  m = /^([a-z]{3})[a-z]* (\d{1,2}),? (\d{4})$/.exec(s);
  if (m) return valid(+m[3]!, MONTHS[m[1]!] ?? 0, +m[2]!);
  m = /^(\d{4})$/.exec(s);
  return null;
}

/** Days since 0000-03-01 (proleptic Gregorian), for date distances. */
export function dayNumber(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const mp = (m + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe;
}

/** Canonical YYYYMMDD text of a parsed date. */
export function dateKey(p: ParsedDate): string {
  return `${p.y.toString().padStart(4, '0')}${p.m.toString().padStart(2, '0')}${p.d.toString().padStart(2, '0')}`;
}
