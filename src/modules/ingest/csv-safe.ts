// Spreadsheets run cells that start with = + - @ (and tab/CR, which some strip first) as formulas.
const FORMULA_START = /^[=+\-@\t\r]/;

/** A cell value that a spreadsheet will show as text: risky leading characters get a `'` prefix. */
export function spreadsheetSafe(value: unknown): string {
  if (value === null || value === undefined) return '';
  const s = typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
  return FORMULA_START.test(s) ? `'${s}` : s;
}
