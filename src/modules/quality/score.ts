import { isStale } from './freshness.js';
import type { ResolvedRules } from './rules.js';
import type { VerificationMap } from './verification.js';

/** Weights of the record score; they sum to 1. See docs/quality.md. */
export const SCORE_WEIGHTS = { completeness: 0.4, validity: 0.4, freshness: 0.2 } as const;
// Required attributes weigh twice as much as important ones in completeness.
const REQUIRED_WEIGHT = 2;
const IMPORTANT_WEIGHT = 1;
// A suspect value is half right.
const STATUS_CREDIT = { valid: 1, suspect: 0.5, invalid: 0 } as const;

export type ScoreParts = { completeness: number; validity: number; freshness: number };
export type RecordScore = { score: number; parts: ScoreParts; issues: string[] };

function filled(v: unknown): boolean {
  return v !== null && v !== undefined;
}

/**
 * Record quality score 0–100 = round(100 × (0.4·completeness + 0.4·validity + 0.2·freshness)), where
 * completeness = (2·filled required + filled important) / (2·required + important) (1 when there are none),
 * validity = mean credit over verified filled values (valid 1, suspect 0.5, invalid 0; 1 when there are none),
 * freshness = share of verified filled values with a freshness period that are not stale at `now` (1 when none).
 * `issues` lists "attr:suspect", "attr:invalid" and "attr:stale", sorted.
 */
export function scoreRecord(rules: ResolvedRules, values: Record<string, unknown>, verification: VerificationMap, now: Date): RecordScore {
  let wanted = 0;
  let got = 0;
  let assessed = 0;
  let credit = 0;
  let aging = 0;
  let fresh = 0;
  const issues: string[] = [];
  for (const a of rules.attributes) {
    const has = filled(values[a.name]);
    const w = a.required ? REQUIRED_WEIGHT : a.important ? IMPORTANT_WEIGHT : 0;
    wanted += w;
    if (has) got += w;
    const v = verification[a.name];
    if (!has || !v) continue;
    assessed += 1;
    credit += STATUS_CREDIT[v.status];
    if (v.status !== 'valid') issues.push(`${a.name}:${v.status}`);
    if (a.freshnessMonths !== null) {
      aging += 1;
      if (isStale(v.verifiedAt, a.freshnessMonths, now)) issues.push(`${a.name}:stale`);
      else fresh += 1;
    }
  }
  const parts = {
    completeness: wanted === 0 ? 1 : got / wanted,
    validity: assessed === 0 ? 1 : credit / assessed,
    freshness: aging === 0 ? 1 : fresh / aging,
  };
  const raw = SCORE_WEIGHTS.completeness * parts.completeness + SCORE_WEIGHTS.validity * parts.validity + SCORE_WEIGHTS.freshness * parts.freshness;
  // Rounded on a 1e-9 grid first so 0.725 × 100 does not become 72.49999… and round down.
  const score = Math.round(Math.round(raw * 100 * 1e9) / 1e9);
  return { score, parts, issues: issues.sort() };
}
