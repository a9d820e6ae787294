// Merge history, re-match reports and webhook deliveries in words: pure helpers for the stewardship pages.
import type { DeliveryView, EventType, MergeView } from '../api/golden.js';

/** "Merge" / "Split", who did it and how ("automatic" for re-match and arrival). */
export function mergeTitle(m: Pick<MergeView, 'kind' | 'fromCustomerIds' | 'recordIds'>): string {
  if (m.kind === 'split') return `Split ${m.recordIds.length} record${m.recordIds.length === 1 ? '' : 's'} into a new customer`;
  const n = m.fromCustomerIds.length;
  return `Merged ${n} customer${n === 1 ? '' : 's'} (${m.recordIds.length} record${m.recordIds.length === 1 ? '' : 's'} moved)`;
}

export type MergeState = { label: string; color: string };

export function mergeState(m: Pick<MergeView, 'undoneAt'>): MergeState {
  return m.undoneAt ? { label: 'undone', color: 'gray' } : { label: 'in effect', color: 'teal' };
}

export type Evidence = {
  source: 'review' | 'rematch' | 'manual' | 'unknown';
  taskId?: string;
  jobId?: string;
  probability?: number;
  pair?: { a: string; b: string };
  terms: Array<{ comparison: string; level: string; contribution: number | null }>;
  raw: unknown;
};

/** Reads a merge's evidence (free JSON) into what the page shows; unknown shapes keep their raw JSON. */
export function readEvidence(evidence: unknown): Evidence {
  const e = evidence && typeof evidence === 'object' && !Array.isArray(evidence) ? (evidence as Record<string, unknown>) : null;
  if (!e) return { source: evidence == null ? 'manual' : 'unknown', terms: [], raw: evidence };
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const terms = Array.isArray(e.terms)
    ? e.terms
        .filter((t): t is Record<string, unknown> => !!t && typeof t === 'object')
        .map((t) => ({ comparison: str(t.comparison) ?? str(t.role) ?? '?', level: str(t.level) ?? '?', contribution: num(t.contribution) ?? null }))
    : [];
  const taskId = str(e.taskId);
  const jobId = str(e.jobId);
  const a = str(e.a);
  const b = str(e.b);
  return {
    source: taskId ? 'review' : jobId ? 'rematch' : Object.keys(e).length === 0 ? 'manual' : 'unknown',
    taskId,
    jobId,
    probability: num(e.probability),
    pair: a && b ? { a, b } : undefined,
    terms,
    raw: evidence,
  };
}

export type MergeListFilters = { kind: '' | 'merge' | 'split'; how: '' | 'automatic' | 'manual'; state: '' | 'active' | 'undone'; customer: string; since: string };

export const EMPTY_MERGE_FILTERS: MergeListFilters = { kind: '', how: '', state: '', customer: '', since: '' };

/** Filters → GET /merges query. */
export function mergeListQuery(f: MergeListFilters): Record<string, string | undefined> {
  return {
    kind: f.kind || undefined,
    automatic: f.how === '' ? undefined : String(f.how === 'automatic'),
    undone: f.state === '' ? undefined : String(f.state === 'undone'),
    customer: f.customer.trim() || undefined,
    since: /^\d{4}-\d{2}-\d{2}$/.test(f.since) ? f.since : undefined,
  };
}

/** Records a split may move: at least one, and never all of them (the customer would be left empty). */
export function splitProblem(all: readonly string[], chosen: readonly string[]): string | null {
  const picked = chosen.filter((id) => all.includes(id));
  if (picked.length === 0) return 'Choose at least one source record to move out.';
  if (picked.length >= all.length) return 'Leave at least one record with this customer; to move everything, merge instead.';
  return null;
}

export type RematchExample = { a?: string; b?: string; probability?: number; pair?: { a: string; b: string; probability: number }; customers?: string[]; customerId?: string; recordId?: string; bestProbability?: number | null };
export type RematchReport = {
  records: number;
  probes: number;
  pairsScored: number;
  merges: { count: number; customersAbsorbed: number; examples: RematchExample[] };
  splits: { count: number; examples: RematchExample[] };
  reviewTasks: { count: number; examples: RematchExample[] };
  notDuplicateHonoured: number;
  thresholds: { upper: number; lower: number } | null;
  applied: { splits: number; merges: number; reviewTasks: number; skipped: string[] } | null;
};

/** A job's report (stored as free JSON) read defensively: missing parts become zeros. */
export function readRematchReport(report: unknown): RematchReport | null {
  if (!report || typeof report !== 'object') return null;
  const r = report as Record<string, unknown>;
  const n = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
  const part = (v: unknown) => {
    const o = (v && typeof v === 'object' ? v : {}) as Record<string, unknown>;
    return { count: n(o.count), examples: Array.isArray(o.examples) ? (o.examples as RematchExample[]) : [] };
  };
  const merges = part(r.merges);
  const th = r.thresholds as { upper?: unknown; lower?: unknown } | undefined;
  const ap = r.applied as Record<string, unknown> | null | undefined;
  return {
    records: n(r.records),
    probes: n(r.probes),
    pairsScored: n(r.pairsScored),
    merges: { ...merges, customersAbsorbed: n((r.merges as Record<string, unknown> | undefined)?.customersAbsorbed) },
    splits: part(r.splits),
    reviewTasks: part(r.reviewTasks),
    notDuplicateHonoured: n(r.notDuplicateHonoured),
    thresholds: th && typeof th.upper === 'number' && typeof th.lower === 'number' ? { upper: th.upper, lower: th.lower } : null,
    applied: ap && typeof ap === 'object' ? { splits: n(ap.splits), merges: n(ap.merges), reviewTasks: n(ap.reviewTasks), skipped: Array.isArray(ap.skipped) ? (ap.skipped as string[]) : [] } : null,
  };
}

/** 0..100 for a progress bar; null while the total is unknown. */
export function progressPercent(p: { done: number; total: number } | null | undefined): number | null {
  if (!p || !(p.total > 0)) return null;
  return Math.max(0, Math.min(100, Math.round((p.done / p.total) * 100)));
}

export const JOB_FINISHED = new Set(['succeeded', 'failed', 'cancelled']);

// Every event type the server emits, with words; the Record type makes a new server event type a compile error here.
const EVENT_LABELS: Record<EventType, string> = {
  'customer.created': 'Customer created',
  'customer.updated': 'Customer updated',
  'customer.merged': 'Customers merged',
  'customer.unmerged': 'Merge undone',
  'customer.split': 'Customer split',
  'customer.deleted': 'Customer deleted',
  'record.created': 'Record created',
  'record.updated': 'Record updated',
  'record.deleted': 'Record deleted',
  'record.quarantined': 'Record quarantined',
  'review_task.created': 'Review task created',
  'review_task.decided': 'Review task decided',
};

export const EVENT_TYPE_OPTIONS = (Object.keys(EVENT_LABELS) as EventType[]).map((value) => ({ value, label: `${EVENT_LABELS[value]} (${value})` }));

export function eventLabel(type: string): string {
  return (EVENT_LABELS as Record<string, string>)[type] ?? type;
}

export type WebhookForm = { url: string; eventTypes: string[]; secret: string; maxAttempts: number; description: string };

/** Field problems of the subscription form, keyed by field (empty: valid). Mirrors the server's rules. */
export function webhookFormErrors(f: WebhookForm): Partial<Record<keyof WebhookForm, string>> {
  const out: Partial<Record<keyof WebhookForm, string>> = {};
  const url = f.url.trim();
  if (!url) out.url = 'Enter the URL that receives the events.';
  else if (!/^https?:\/\/[^\s/]+/i.test(url)) out.url = 'Must be an http:// or https:// URL.';
  else if (url.length > 2000) out.url = 'At most 2,000 characters.';
  if (f.secret && (f.secret.length < 16 || f.secret.length > 200)) out.secret = 'Between 16 and 200 characters, or leave empty to generate one.';
  if (!Number.isInteger(f.maxAttempts) || f.maxAttempts < 1 || f.maxAttempts > 30) out.maxAttempts = 'A whole number from 1 to 30.';
  if (f.description.length > 500) out.description = 'At most 500 characters.';
  return out;
}

export type DeliveryState = { label: string; color: string; hint: string };

/** A delivery's state for people: delivered, retrying (with when), waiting, dead-lettered. */
export function deliveryState(d: Pick<DeliveryView, 'status' | 'attempts' | 'nextAttemptAt' | 'lastStatusCode' | 'lastError'>): DeliveryState {
  if (d.status === 'delivered') return { label: 'delivered', color: 'teal', hint: `Delivered after ${d.attempts} attempt${d.attempts === 1 ? '' : 's'}.` };
  if (d.status === 'dead') return { label: 'dead-lettered', color: 'red', hint: `Gave up after ${d.attempts} attempts${d.lastStatusCode ? ` (last answer ${d.lastStatusCode})` : d.lastError ? ` (${d.lastError})` : ''}. Replay from its sequence number to send it again.` };
  if (d.attempts > 0) return { label: 'retrying', color: 'orange', hint: `Attempt ${d.attempts} failed${d.lastStatusCode ? ` with ${d.lastStatusCode}` : d.lastError ? `: ${d.lastError}` : ''}; retried with exponential backoff.` };
  return { label: 'pending', color: 'blue', hint: 'Waiting to be sent.' };
}
