import { z } from 'zod';
import { canonicalJson } from '../../platform/canonical-json.js';

export const SURVIVORSHIP_RULES = ['verified', 'trust', 'recent', 'complete', 'frequent', 'longest'] as const;
export type SurvivorshipRule = (typeof SURVIVORSHIP_RULES)[number];
/** How a golden value was chosen: a rule, or a steward's pin. */
export type ChosenBy = SurvivorshipRule | 'pinned';

const ruleChain = z.array(z.enum(SURVIVORSHIP_RULES)).min(1).max(SURVIVORSHIP_RULES.length);

/** Per-schema survivorship: a default rule chain and per-attribute chains (earlier rules decide first). */
export const survivorshipConfig = z
  .object({
    default: ruleChain.default(['verified', 'trust', 'recent']),
    attributes: z.record(z.string().regex(/^[a-z][a-z0-9_]{0,62}$/), ruleChain).default({}),
  })
  .strict();
export type SurvivorshipConfig = z.infer<typeof survivorshipConfig>;

export const DEFAULT_SURVIVORSHIP: SurvivorshipConfig = { default: ['verified', 'trust', 'recent'], attributes: {} };

/** One contributing source record, as survivorship sees it. */
export type ContributingRecord = {
  id: string;
  sourceId: string;
  sourceName: string;
  sourceKey: string;
  trustRank: number;
  updatedAt: string;
  values: Record<string, unknown>;
  verification: Record<string, { status: string; verifiedBy?: string }> | null;
};

/** A golden value with its lineage. */
export type GoldenValue = {
  value: unknown;
  rule: ChosenBy;
  recordId: string | null;
  sourceId: string | null;
  sourceName: string | null;
  sourceKey: string | null;
  /** When this value became the golden value (kept while the value and its record stay the same). */
  chosenAt: string;
};
export type GoldenRecord = Record<string, GoldenValue>;

export type Pin = { attribute: string; value: unknown; pinnedAt: string };

function empty(v: unknown): boolean {
  return v === null || v === undefined || (typeof v === 'string' && v.trim() === '');
}

function verifiedScore(r: ContributingRecord, attr: string): number {
  const v = r.verification?.[attr];
  if (!v) return 1;
  if (v.status === 'valid') return v.verifiedBy === 'steward' || v.verifiedBy === 'customer' ? 3 : 2;
  return v.status === 'suspect' ? 0.5 : 0;
}

function completeness(r: ContributingRecord): number {
  let n = 0;
  for (const v of Object.values(r.values)) if (!empty(v)) n++;
  return n;
}

type Candidate = { r: ContributingRecord; value: unknown; key: string };

function scoreOf(rule: SurvivorshipRule, c: Candidate, attr: string, all: Candidate[]): number {
  switch (rule) {
    case 'verified':
      return verifiedScore(c.r, attr);
    case 'trust':
      return c.r.trustRank;
    case 'recent':
      return Date.parse(c.r.updatedAt);
    case 'complete':
      return completeness(c.r);
    case 'frequent':
      // Distinct sources holding the same value: one chatty source does not outvote the others.
      return new Set(all.filter((o) => o.key === c.key).map((o) => o.r.sourceId)).size;
    case 'longest':
      return typeof c.value === 'string' ? c.value.length : canonicalJson(c.value).length;
  }
}

/**
 * Chooses each attribute's golden value from the contributing records: a pin wins; otherwise the
 * attribute's rule chain narrows the candidates rule by rule, and the rule after which every remaining
 * candidate holds the same value is the one recorded in the lineage. Remaining ties go to the most
 * recently updated record, then the smallest record id, so the result is deterministic.
 */
export function computeGolden(
  attributes: readonly string[],
  records: readonly ContributingRecord[],
  config: SurvivorshipConfig,
  pins: readonly Pin[],
  previous: GoldenRecord,
  now: string,
): GoldenRecord {
  const out: GoldenRecord = {};
  const pinned = new Map(pins.map((p) => [p.attribute, p]));
  for (const attr of attributes) {
    const pin = pinned.get(attr);
    if (pin) {
      out[attr] = { value: pin.value, rule: 'pinned', recordId: null, sourceId: null, sourceName: null, sourceKey: null, chosenAt: pin.pinnedAt };
      continue;
    }
    const all: Candidate[] = [];
    for (const r of records) {
      const v = r.values[attr];
      // Primitives need no key sorting (the common case, and the hot loop of batch recomputes).
      if (!empty(v)) all.push({ r, value: v, key: typeof v === 'object' ? canonicalJson(v) : JSON.stringify(v) });
    }
    if (all.length === 0) continue;
    const chain = config.attributes[attr] ?? config.default;
    let remaining = all;
    let decidedBy: SurvivorshipRule = chain[0]!;
    let decided = false;
    for (const rule of chain) {
      const scores = remaining.map((c) => scoreOf(rule, c, attr, all));
      const best = Math.max(...scores);
      remaining = remaining.filter((_, i) => scores[i] === best);
      if (!decided && new Set(remaining.map((c) => c.key)).size === 1) {
        decidedBy = rule;
        decided = true;
      }
      if (remaining.length === 1) break;
    }
    if (!decided) decidedBy = chain[chain.length - 1]!;
    remaining.sort((a, b) => Date.parse(b.r.updatedAt) - Date.parse(a.r.updatedAt) || (a.r.id < b.r.id ? -1 : a.r.id > b.r.id ? 1 : 0));
    const win = remaining[0]!;
    const prev = previous[attr];
    const same = prev && prev.recordId === win.r.id && prev.rule !== 'pinned' && (typeof prev.value === 'object' ? canonicalJson(prev.value) : JSON.stringify(prev.value)) === win.key;
    out[attr] = {
      value: win.value,
      rule: decidedBy,
      recordId: win.r.id,
      sourceId: win.r.sourceId,
      sourceName: win.r.sourceName,
      sourceKey: win.r.sourceKey,
      chosenAt: same ? prev.chosenAt : now,
    };
  }
  return out;
}
