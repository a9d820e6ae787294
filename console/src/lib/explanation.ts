// The match engine's per-attribute explanation in words: levels, weights (log2 Bayes factors) and probability.
import type { Explanation, ExplanationTerm } from '../api/golden.js';

export type Tone = 'agree' | 'partial' | 'disagree' | 'missing';

export type ExplanationRow = {
  comparison: string;
  role: string;
  level: string;
  tone: Tone;
  /** log2(m/u) of the level. */
  weight: number;
  tfAdjustment: number;
  /** What the term adds to the pair's weight (log2). */
  contribution: number;
  bayesFactor: number;
  /** 0..1 share of the strongest term, for a bar. */
  strength: number;
  valueA: unknown;
  valueB: unknown;
};

/** 2^weight: how many times likelier this evidence is for a match than for a non-match. */
export function bayesFactor(weight: number): number {
  return Math.pow(2, weight);
}

/** "×12", "×1.5", "÷4.0", "×1" — a Bayes factor for people. */
export function formatBayesFactor(weight: number): string {
  if (!Number.isFinite(weight)) return weight > 0 ? '×∞' : '÷∞';
  const bf = bayesFactor(weight);
  if (Math.abs(weight) < 0.05) return '×1';
  const fmt = (x: number) => (x >= 1000 ? `${Math.round(x).toLocaleString('en-GB')}` : x >= 10 ? x.toFixed(0) : x.toFixed(1));
  return bf >= 1 ? `×${fmt(bf)}` : `÷${fmt(1 / bf)}`;
}

/** "+3.2" / "−1.0" log2 weight with a real minus sign. */
export function formatWeight(w: number): string {
  const s = Math.abs(w).toFixed(1);
  return w > 0.05 ? `+${s}` : w < -0.05 ? `−${s}` : '0.0';
}

/** "87%" (or "99.6%" near the ends, where whole percent would hide the difference). */
export function formatProbability(p: number): string {
  if (!Number.isFinite(p)) return '—';
  const pct = p * 100;
  return pct >= 99 || pct <= 1 ? `${pct.toFixed(1)}%` : `${Math.round(pct)}%`;
}

/** How a comparison level reads. The engine's levels: "null" (missing on a side), "exact", fuzzy ones, "else". */
export function levelTone(level: string, contribution: number): Tone {
  const l = level.toLowerCase();
  if (l === 'null') return 'missing';
  if (l === 'exact') return 'agree';
  if (l === 'else') return 'disagree';
  return contribution >= 0 ? 'partial' : 'disagree';
}

const LEVEL_WORDS: Record<string, string> = { null: 'missing', exact: 'exact match', else: 'different' };

/** The engine's level name in words ("null" → "missing": a value is absent on one side). */
export function levelLabel(level: string): string {
  return LEVEL_WORDS[level.toLowerCase()] ?? level;
}

/** "familyName" / "birth_date" → "Family name" / "Birth date". */
export function comparisonLabel(name: string): string {
  const words = name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/[_-]+/g, ' ').trim().toLowerCase();
  return words ? words[0]!.toUpperCase() + words.slice(1) : name;
}

/** Terms ordered by how much they moved the score (strongest first), with a relative strength. */
export function explanationRows(ex: Explanation | null | undefined): ExplanationRow[] {
  const terms: ExplanationTerm[] = ex?.terms ?? [];
  const max = Math.max(0, ...terms.map((t) => Math.abs(t.contribution)));
  return terms
    .map((t) => ({
      comparison: t.comparison,
      role: t.role,
      level: t.level,
      tone: levelTone(t.level, t.contribution),
      weight: t.weight,
      tfAdjustment: t.tfAdjustment,
      contribution: t.contribution,
      bayesFactor: bayesFactor(t.contribution),
      strength: max > 0 ? Math.abs(t.contribution) / max : 0,
      valueA: t.valueA,
      valueB: t.valueB,
    }))
    .sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution) || a.comparison.localeCompare(b.comparison));
}

/** One sentence on why the engine scored the pair as it did. */
export function explanationSummary(ex: Explanation | null | undefined, probability: number): string {
  const rows = explanationRows(ex);
  if (rows.length === 0) return `The engine scored this pair ${formatProbability(probability)}; no per-attribute detail was stored.`;
  const names = (tone: Tone) => rows.filter((r) => r.tone === tone).map((r) => comparisonLabel(r.comparison).toLowerCase());
  const agree = [...names('agree'), ...names('partial')];
  const disagree = names('disagree');
  const parts = [`${formatProbability(probability)} likely the same person`];
  if (agree.length) parts.push(`agree on ${agree.join(', ')}`);
  if (disagree.length) parts.push(`differ on ${disagree.join(', ')}`);
  return `${parts.join('; ')}.`;
}

export type ScoreBand = 'strong' | 'borderline' | 'weak';

/** Where a probability sits against the thresholds (defaults 0.95 / 0.5). */
export function scoreBand(p: number, upper = 0.95, lower = 0.5): ScoreBand {
  return p >= upper ? 'strong' : p >= lower ? 'borderline' : 'weak';
}

export type ReviewFilters = {
  status: string;
  schema: string | null;
  source: string | null;
  /** Percent, 0..100. */
  score: [number, number];
  age: 'any' | 'lt1h' | 'lt24h' | 'lt7d' | 'gt7d';
  assignee: string | null;
};

export const DEFAULT_REVIEW_FILTERS: ReviewFilters = { status: 'open', schema: null, source: null, score: [0, 100], age: 'any', assignee: null };

const AGE: Record<ReviewFilters['age'], { minAgeHours?: number; maxAgeHours?: number }> = {
  any: {},
  lt1h: { maxAgeHours: 1 },
  lt24h: { maxAgeHours: 24 },
  lt7d: { maxAgeHours: 168 },
  gt7d: { minAgeHours: 168 },
};

/** Filters → GET /review-tasks query (only what narrows the list). */
export function reviewQuery(f: ReviewFilters): Record<string, string | number | undefined> {
  return {
    status: f.status,
    schema: f.schema ?? undefined,
    source: f.source ?? undefined,
    minScore: f.score[0] > 0 ? f.score[0] / 100 : undefined,
    maxScore: f.score[1] < 100 ? f.score[1] / 100 : undefined,
    ...AGE[f.age],
    assignedTo: f.assignee ?? undefined,
  };
}

/** Filters ↔ URL search params, so a shared or reloaded link shows the same queue. */
export function filtersToParams(f: ReviewFilters): Record<string, string> {
  const out: Record<string, string> = {};
  if (f.status !== 'open') out.status = f.status;
  if (f.schema) out.schema = f.schema;
  if (f.source) out.source = f.source;
  if (f.score[0] > 0 || f.score[1] < 100) out.score = `${f.score[0]}-${f.score[1]}`;
  if (f.age !== 'any') out.age = f.age;
  if (f.assignee) out.assignee = f.assignee;
  return out;
}

export function filtersFromParams(p: URLSearchParams): ReviewFilters {
  const score = /^(\d{1,3})-(\d{1,3})$/.exec(p.get('score') ?? '');
  const lo = score ? Math.min(100, Number(score[1])) : 0;
  const hi = score ? Math.min(100, Number(score[2])) : 100;
  const age = p.get('age') as ReviewFilters['age'] | null;
  const status = p.get('status');
  return {
    status: status && ['open', 'match', 'not_match', 'skipped', 'superseded'].includes(status) ? status : 'open',
    schema: p.get('schema') || null,
    source: p.get('source') || null,
    score: lo <= hi ? [lo, hi] : [0, 100],
    age: age && age in AGE ? age : 'any',
    assignee: p.get('assignee') || null,
  };
}

/** The attributes to compare side by side: schema order first, then anything else either record holds. */
export function comparedAttributes(order: readonly string[], a: Record<string, unknown> | null | undefined, b: Record<string, unknown> | null | undefined): string[] {
  const extra = new Set([...Object.keys(a ?? {}), ...Object.keys(b ?? {})]);
  for (const o of order) extra.delete(o);
  return [...order.filter((o) => (a && o in a) || (b && o in b)), ...[...extra].sort()];
}

/** Whether two record values say the same thing (case, spacing and punctuation aside). */
export function sameValue(a: unknown, b: unknown): boolean {
  const norm = (v: unknown) => (v === null || v === undefined || v === '' ? null : typeof v === 'string' ? v.toLowerCase().replace(/[\s.,'-]+/g, '') : JSON.stringify(v));
  return norm(a) !== null && norm(a) === norm(b);
}

/** A short name for a record: full name, else given + family name, else e-mail, else its source key. */
export function recordTitle(r: { values: Record<string, unknown> | null; raw?: Record<string, unknown>; sourceKey: string } | null | undefined): string {
  if (!r) return 'Record no longer available';
  const v = r.values ?? r.raw ?? {};
  const s = (k: string) => (typeof v[k] === 'string' && (v[k] as string).trim() && !/^\*+$/.test(v[k] as string) ? (v[k] as string).trim() : '');
  const full = s('full_name') || s('name') || [s('first_name') || s('given_name'), s('last_name') || s('family_name') || s('surname')].filter(Boolean).join(' ');
  return full || s('email') || r.sourceKey;
}
