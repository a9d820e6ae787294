import { canonicalJson } from '../../platform/canonical-json.js';
import type { SchemaDefinition } from '../schemas/index.js';
import type { ResolvedRules } from './rules.js';
import { scoreRecord } from './score.js';
import type { RecordStandardizer } from './standardizer.js';
import { defaultStandardizer } from './standardizer.js';
import type { StoredVerification, Verification, VerificationMap, VerifiedBy } from './verification.js';
import { isHumanVerified } from './verification.js';

export type AssessInput = {
  definition: SchemaDefinition;
  rules: ResolvedRules;
  /** Validated values of the record. */
  values: Record<string, unknown>;
  /** What the record held before this write, to keep stamps of values that did not change. */
  previous?: { standardized: Record<string, unknown> | null; verification: VerificationMap | null } | null;
  region?: string;
  now: Date;
  verifiedBy: VerifiedBy;
  standardize?: RecordStandardizer;
};

export type Assessment = { standardized: Record<string, unknown>; verification: VerificationMap; score: number; issues: string[] };

/**
 * Standardizes a valid record, stamps each value's verification and scores the record.
 * A value equal to its previous standardized form keeps its stamp (re-checking the same value is not a
 * new verification, so it still ages); if a steward or the customer verified it, their status stands too.
 */
export function assessRecord(input: AssessInput): Assessment {
  const std = (input.standardize ?? defaultStandardizer)(input.definition, input.values, { region: input.region, now: input.now });
  const at = input.now.toISOString();
  const prevStd = input.previous?.standardized ?? null;
  const prevVer = input.previous?.verification ?? null;
  const verification: VerificationMap = {};
  for (const [attr, v] of Object.entries(std.verification)) {
    const before = prevVer?.[attr];
    const same = before !== undefined && prevStd !== null && sameValue(prevStd[attr], std.standardized[attr]);
    verification[attr] = same && isHumanVerified(before) ? before : stamp(v, same ? before.verifiedAt : at, same ? before.verifiedBy : input.verifiedBy);
  }
  const scored = scoreRecord(input.rules, input.values, verification, input.now);
  return { standardized: std.standardized, verification, score: scored.score, issues: scored.issues };
}

function stamp(v: Verification, verifiedAt: string, verifiedBy: VerifiedBy): StoredVerification {
  return v.suggestion === undefined
    ? { status: v.status, reasons: v.reasons, verifiedAt, verifiedBy }
    : { status: v.status, reasons: v.reasons, suggestion: v.suggestion, verifiedAt, verifiedBy };
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  return canonicalJson(a) === canonicalJson(b);
}
