import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { sql } from 'drizzle-orm';
import type { Executor } from '../../platform/db/database.js';
import { rows } from '../../platform/db/database.js';
import type { MatchModel, RoleMapping } from '../matching/engine/index.js';
import { MatchIndex } from '../matching/engine/index.js';
import { syntheticRecords } from './bootstrap-model.js';
import { toMatchRecord } from './match-fields.js';

type Rec = { id: string; customerId: string; sourceId: string; values: Record<string, unknown> };
export type RematchPair = { a: string; b: string; probability: number };

/** What a re-match would do (dry run) or did. */
export type RematchPlan = {
  records: number;
  probes: number;
  pairsScored: number;
  /** Groups of current customers that would become one, with the strongest evidence pair. */
  merges: { customers: string[]; pair: RematchPair }[];
  /** Records that would leave their customer (no longer match any of its other records). */
  splits: { customerId: string; recordId: string; bestProbability: number | null }[];
  /** Borderline pairs across customers that would get a review task. */
  reviews: RematchPair[];
  /** Pairs at or above the upper threshold left alone because a steward said "not a duplicate". */
  notDuplicateHonoured: number;
};

export type RematchInput = {
  schemaId: string;
  sourceId: string | null;
  model: MatchModel;
  roles: RoleMapping;
  upper: number;
  lower: number;
  onProgress: (phase: string, done: number, total: number) => Promise<void>;
  signal?: AbortSignal;
};

const key = (a: string, b: string): string => (a < b ? `${a}|${b}` : `${b}|${a}`);

/**
 * Plans a re-match of a schema's records (or one source's, matched against the whole schema) with a
 * fresh index under the given model: merges across customers for pairs at or above `upper` (never
 * across a confirmed not-duplicate pair), splits of records that no longer reach `lower` with any
 * other record of their customer (unless a steward linked them), review tasks for borderline pairs.
 * Reads only; applying is the caller's job.
 */
export async function planRematch(ex: Executor, input: RematchInput): Promise<RematchPlan> {
  const recs: Rec[] = [];
  let after = '';
  for (;;) {
    const page = await rows<{ id: string; customer_id: string; source_id: string; values: Record<string, unknown> }>(
      ex,
      sql`select id, customer_id, source_id, "values" from source_records
          where schema_id = ${input.schemaId} and status = 'valid' and customer_id is not null and id > ${after} order by id limit 5000`,
    );
    for (const r of page) recs.push({ id: r.id, customerId: r.customer_id, sourceId: r.source_id, values: r.values ?? {} });
    await input.onProgress('loading', recs.length, recs.length);
    if (page.length < 5000) break;
    after = page[page.length - 1]!.id;
  }
  const byId = new Map(recs.map((r) => [r.id, r]));
  const index = new MatchIndex(input.model);
  // Same background population as the warm index, so small stores get realistic value frequencies.
  for (const r of syntheticRecords(input.roles)) index.add(r);
  for (const [i, r] of recs.entries()) {
    index.add(toMatchRecord(r.id, r.values, input.roles));
    if (i % 2000 === 1999) {
      input.signal?.throwIfAborted();
      await input.onProgress('indexing', i + 1, recs.length);
      await yieldToLoop();
    }
  }
  const nd = await rows<{ record_a: string; record_b: string }>(ex, sql`select record_a, record_b from not_duplicate_pairs`);
  const notDup = new Set(nd.map((p) => key(p.record_a, p.record_b)));
  const labels = await rows<{ record_a: string; record_b: string }>(ex, sql`select record_a, record_b from match_labels where schema_id = ${input.schemaId} and match`);
  const openTasks = await rows<{ record_id: string; candidate_record_id: string }>(ex, sql`select record_id, candidate_record_id from review_tasks where schema_id = ${input.schemaId} and status = 'open'`);
  const decided = await rows<{ record_a: string; record_b: string }>(ex, sql`select record_a, record_b from match_labels where schema_id = ${input.schemaId}`);
  const skip = new Set([...openTasks.map((t) => key(t.record_id, t.candidate_record_id)), ...decided.map((d) => key(d.record_a, d.record_b))]);
  const stewardLinked = new Set(labels.flatMap((l) => [l.record_a, l.record_b]));

  const probes = input.sourceId ? recs.filter((r) => r.sourceId === input.sourceId) : recs;
  const pairs = new Map<string, RematchPair>();
  const bestInOwn = new Map<string, number>();
  for (const [i, r] of probes.entries()) {
    for (const c of index.match(toMatchRecord(`${r.id}#probe`, r.values, input.roles), { threshold: Math.min(input.lower, 0.05), limit: 50 })) {
      const other = byId.get(c.id);
      if (c.id === r.id || !other) continue;
      if (other.customerId === r.customerId) bestInOwn.set(r.id, Math.max(bestInOwn.get(r.id) ?? 0, c.probability));
      if (c.probability >= input.lower) {
        const k = key(r.id, c.id);
        if (!pairs.has(k)) pairs.set(k, { a: r.id < c.id ? r.id : c.id, b: r.id < c.id ? c.id : r.id, probability: c.probability });
      }
    }
    if (i % 1000 === 999) {
      input.signal?.throwIfAborted();
      await input.onProgress('matching', i + 1, probes.length);
      await yieldToLoop();
    }
  }

  // Splits: a record of a multi-record customer with no pair reaching `lower` inside it.
  const members = new Map<string, string[]>();
  for (const r of recs) members.set(r.customerId, [...(members.get(r.customerId) ?? []), r.id]);
  const manual = await rows<{ into_customer_id: string }>(ex, sql`select distinct into_customer_id from customer_merges where kind = 'merge' and not automatic and undone_at is null`);
  const manualCustomers = new Set(manual.map((m) => m.into_customer_id));
  const splits: RematchPlan['splits'] = [];
  for (const r of probes) {
    if ((members.get(r.customerId)?.length ?? 0) < 2 || stewardLinked.has(r.id) || manualCustomers.has(r.customerId)) continue;
    const best = bestInOwn.get(r.id) ?? null;
    if (best === null || best < input.lower) splits.push({ customerId: r.customerId, recordId: r.id, bestProbability: best });
  }
  const leaving = new Set(splits.map((s) => s.recordId));
  // A record that leaves becomes its own customer for the rest of the plan.
  const home = (id: string): string => (leaving.has(id) ? `split:${id}` : byId.get(id)!.customerId);

  // Merges: union customers over strong pairs, refusing unions that would join a not-duplicate pair.
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    let p = parent.get(x) ?? x;
    while (p !== (parent.get(p) ?? p)) p = parent.get(p)!;
    parent.set(x, p);
    return p;
  };
  const recordsOf = new Map<string, string[]>();
  for (const r of recs) recordsOf.set(home(r.id), [...(recordsOf.get(home(r.id)) ?? []), r.id]);
  const compRecords = new Map([...recordsOf.entries()].map(([c, ids]) => [c, [...ids]]));
  const strong = [...pairs.values()].filter((p) => p.probability >= input.upper).sort((x, y) => y.probability - x.probability);
  const evidence = new Map<string, RematchPair>();
  let notDuplicateHonoured = 0;
  for (const p of strong) {
    const ca = find(home(p.a));
    const cb = find(home(p.b));
    if (ca === cb) continue;
    if (notDup.has(key(p.a, p.b))) {
      notDuplicateHonoured++;
      continue;
    }
    const ra = compRecords.get(ca)!;
    const rb = compRecords.get(cb)!;
    if (notDup.size > 0 && ra.some((x) => rb.some((y) => notDup.has(key(x, y))))) {
      notDuplicateHonoured++;
      continue;
    }
    parent.set(cb, ca);
    ra.push(...rb);
    compRecords.delete(cb);
    if (!evidence.has(ca) || evidence.get(ca)!.probability < p.probability) evidence.set(ca, p);
    const eb = evidence.get(cb);
    if (eb && eb.probability > evidence.get(ca)!.probability) evidence.set(ca, eb);
  }
  const groups = new Map<string, string[]>();
  for (const c of recordsOf.keys()) {
    const root = find(c);
    groups.set(root, [...(groups.get(root) ?? []), c]);
  }
  const merges = [...groups.entries()].filter(([, cs]) => cs.length > 1).map(([root, cs]) => ({ customers: cs.sort(), pair: evidence.get(root)! }));

  const reviews = [...pairs.values()].filter(
    (p) => p.probability < input.upper && find(home(p.a)) !== find(home(p.b)) && !notDup.has(key(p.a, p.b)) && !skip.has(key(p.a, p.b)),
  );
  return { records: recs.length, probes: probes.length, pairsScored: pairs.size, merges, splits, reviews, notDuplicateHonoured };
}
