// Shared result shapes for the standardization library, plus small helpers to build them.

export type VerificationStatus = 'valid' | 'suspect' | 'invalid';
/** One finding about a value: a stable machine code and a human-readable message. */
export type Reason = { code: string; message: string };
export type Verification = { status: VerificationStatus; reasons: Reason[]; suggestion?: string };
/** A standardized value (null when it could not be standardized) with its verification. */
export type StandardizedValue<T = unknown> = { value: T | null; verification: Verification; details?: Record<string, unknown> };

// Shared and frozen: most values are valid, and allocating a fresh object per value
// shows up in bulk imports. Frozen so a caller cannot corrupt every other result.
export const VALID: Verification = Object.freeze({ status: 'valid', reasons: Object.freeze([]) as unknown as Reason[] }) as Verification;

const RANK: Readonly<Record<VerificationStatus, number>> = { valid: 0, suspect: 1, invalid: 2 };

/** The worse of two statuses. */
export function worst(a: VerificationStatus, b: VerificationStatus): VerificationStatus {
  return RANK[a] >= RANK[b] ? a : b;
}

/** Build a verification; reasons may be empty only for 'valid'. */
export function verification(status: VerificationStatus, reasons: Reason[], suggestion?: string): Verification {
  if (status === 'valid' && reasons.length === 0 && suggestion === undefined) return VALID;
  return suggestion === undefined ? { status, reasons } : { status, reasons, suggestion };
}

/** Shorthand for a single-reason verification. */
export function flagged(status: VerificationStatus, code: string, message: string, suggestion?: string): Verification {
  return verification(status, [{ code, message }], suggestion);
}

/** Trim and collapse runs of whitespace (incl. NBSP and other Unicode spaces) to one space. */
export function cleanSpaces(s: string): string {
  const t = s.trim();
  // Fast path: no double spaces, tabs or exotic spaces.
  if (!/\s\s|[^\S ]/.test(t)) return t;
  return t.replace(/\s+/g, ' ');
}

/** Own-property lookup in a data table (a plain `table[key]` would find Object.prototype members). */
export function lookup<V>(table: Readonly<Record<string, V>>, key: string): V | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}
