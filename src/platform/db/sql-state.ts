/**
 * Whether an error carries one of these PostgreSQL SQLSTATE codes, on itself or on a cause it wraps
 * (drizzle wraps the driver's error once; a caller may wrap it again).
 */
export function hasSqlState(err: unknown, codes: ReadonlySet<string>): boolean {
  for (let e: unknown = err, depth = 0; e && typeof e === 'object' && depth < 3; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && codes.has(code)) return true;
  }
  return false;
}
