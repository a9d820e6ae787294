import { stringify } from 'csv-stringify/sync';

/** CSV with a header; objects are written as JSON so nothing is lost. */
export function toCsv(header: string[], data: unknown[][]): string {
  const cell = (v: unknown): string => {
    const s = v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
    // A leading = + - @ would run as a formula in spreadsheets (CSV injection); a quote keeps it text.
    return /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  };
  return stringify([header, ...data.map((r) => r.map(cell))]);
}
