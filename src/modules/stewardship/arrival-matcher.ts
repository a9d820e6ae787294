import type { SQL } from 'drizzle-orm';
import { sql } from 'drizzle-orm';
import type { Tx } from '../../platform/db/database.js';
import { rows } from '../../platform/db/database.js';
import type { Executor } from '../../platform/db/database.js';
import { newId } from '../../platform/ids.js';
import type { ContributingRecord, GoldenInputRow, GoldenInputs, GoldenSettings } from '../golden/index.js';
import { cachedSettings, computeGolden, goldenFrom, goldenInputsOf, goldenInputsSql, loadSettings, recomputeGolden } from '../golden/index.js';
import type { AssignableRecord, CustomerAssigner, JoinedGolden, WriteContext, WriteParts, WrittenRecord } from '../records/index.js';
import { arrivalLockKeys, lockArrivalKeysAndRead } from './arrival-locks.js';
import { rolesOf } from './match-fields.js';
import { activeModel } from './model-store.js';
import type { AddMark, WarmCandidate, WarmEntry, WarmIndexes } from './warm-index.js';

type PrescoreRecord = Parameters<NonNullable<CustomerAssigner['prescore']>>[2][number];
/** A record's candidates scored ahead, with the mark the scoring started at (see WarmIndexes.mark). */
type Prescored = { mark: AddMark; owner: object; lower: number; cands: WarmCandidate[]; recordId: string };

type PendingTask = { recordId: string; candidateRecordId: string; candidateSourceId: string; probability: number; values: Record<string, unknown> };
/** `joined`: golden inputs of the existing customers the batch joins, read with their candidates (before the write). */
type Pending = { entry: WarmEntry | null; tasks: PendingTask[]; settings: GoldenSettings; joined: Map<string, GoldenInputs> };

/** Counters for benchmarks; `phaseMs` splits assign / afterWrite time by phase. */
export type ArrivalStats = {
  probes: number; autoLinked: number; reviewTasks: number; newCustomers: number; assignMs: number; afterWriteMs: number;
  phaseMs?: Partial<Record<'setup' | 'lock' | 'index' | 'score' | 'confirm' | 'golden' | 'tasks' | 'prescore', number>>;
  /** Records scored ahead of their transaction, and those of them scored again in it (another writer indexed records meanwhile). */
  prescored?: number;
  rescored?: number;
};

function phaseTimer(stats: ArrivalStats) {
  let t = performance.now();
  return (phase: keyof NonNullable<ArrivalStats['phaseMs']>) => {
    const now = performance.now();
    const ph = (stats.phaseMs ??= {});
    ph[phase] = (ph[phase] ?? 0) + (now - t);
    t = now;
  };
}

/**
 * New customers whose only record is one of `written` (most of an import): survivorship needs nothing
 * else about them. With a single candidate every rule picks it, so verification, trust and time do not
 * matter; they are filled in as the stored record would give them.
 */
function soleRecords(ctx: WriteContext, written: WrittenRecord[]): Map<string, ContributingRecord & { schemaId: string }> {
  const perCustomer = new Map<string, number>();
  for (const w of written) perCustomer.set(w.customerId, (perCustomer.get(w.customerId) ?? 0) + 1);
  const now = new Date().toISOString();
  const out = new Map<string, ContributingRecord & { schemaId: string }>();
  for (const w of written) {
    if (!w.newCustomer || perCustomer.get(w.customerId) !== 1) continue;
    out.set(w.customerId, {
      id: w.id, schemaId: ctx.source.schemaId, sourceId: ctx.source.id, sourceName: ctx.source.name, sourceKey: w.key,
      trustRank: ctx.source.trustRank, updatedAt: now, values: w.values, verification: null,
    });
  }
  return out;
}

/**
 * Match on arrival, plugged into the records writer: each new valid record is scored against the
 * schema's warm index (and the earlier records of its own batch). At or above the schema's upper
 * threshold it joins the best candidate's customer; between the thresholds it keeps its own new
 * customer and a review task is created for the best candidate of up to three other customers;
 * below it is simply a new customer. After the rows are written, golden records of every touched
 * customer are recomputed in the same transaction.
 */
export function createArrivalMatcher(indexes: WarmIndexes, stats: ArrivalStats): CustomerAssigner {
  const pending = new WeakMap<Tx, Pending>();
  const matcher = {
    async prescore(ex: Executor, ctx: WriteContext, records: PrescoreRecord[], owner: object): Promise<unknown[]> {
      const roles = rolesOf(ctx.definition);
      if (Object.keys(roles).length === 0 || records.length === 0) return [];
      const schemaId = ctx.source.schemaId;
      const settings = await cachedSettings(ex, schemaId);
      const model = await activeModel(ex, schemaId, roles, { cached: true });
      const entry = await indexes.get(ex, schemaId, roles, model);
      const phase = phaseTimer(stats);
      // Synchronous from the mark on: nothing else can index records in between.
      const mark = indexes.mark(entry, owner);
      const out = records.map((r): Prescored => ({ mark, owner, lower: settings.lower, cands: indexes.matchAndAdd(entry, r.id, 1, r.values, settings.lower, 10, owner), recordId: r.id }));
      phase('prescore');
      stats.prescored = (stats.prescored ?? 0) + records.length;
      return out;
    },

    async assign(tx: Tx, ctx: WriteContext, records: AssignableRecord[]): Promise<Map<string, string>> {
      const t0 = performance.now();
      try {
        return await this.assignTimed(tx, ctx, records);
      } finally {
        stats.assignMs += performance.now() - t0;
      }
    },

    discard(prescored: unknown[]): void {
      for (const p of prescored as Prescored[]) indexes.retire(p.mark.entry, p.recordId);
    },

    async goldenAtCreation(tx: Tx, ctx: WriteContext, written: WrittenRecord[]): Promise<Map<string, Record<string, unknown>>> {
      const t0 = performance.now();
      const phase = phaseTimer(stats);
      try {
        return soleGoldens(ctx, written, pending.get(tx)?.settings ?? (await loadSettings(tx, ctx.source.schemaId)));
      } finally {
        phase('golden');
        stats.afterWriteMs += performance.now() - t0;
      }
    },

    // The golden records of the customers records join, from their inputs read with the candidates: no read and
    // update after the write. Customers holding records of another schema are left to the recompute after it.
    goldenOfJoined(tx: Tx, ctx: WriteContext, written: WrittenRecord[], touched: ReadonlySet<string>): Map<string, JoinedGolden> {
      const out = new Map<string, JoinedGolden>();
      const p = pending.get(tx);
      if (!p || p.joined.size === 0) return out;
      const t0 = performance.now();
      const now = new Date().toISOString();
      const attrs = ctx.definition.attributes.map((a) => a.name);
      for (const [customerId, inputs] of p.joined) {
        if (inputs.records.some((r) => r.schemaId !== ctx.source.schemaId)) continue;
        // The written rows' updated_at is the transaction's timestamp, as a recompute reads it (the 'recent' rule).
        const records = [
          ...inputs.records.filter((r) => !touched.has(r.id)),
          ...written.filter((w) => w.customerId === customerId).map((w) => ({
            id: w.id, schemaId: ctx.source.schemaId, sourceId: ctx.source.id, sourceName: ctx.source.name, sourceKey: w.key,
            trustRank: ctx.source.trustRank, updatedAt: inputs.txNow, values: w.values, verification: w.verification,
          })),
        ].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
        out.set(customerId, { version: inputs.version, golden: goldenFrom(inputs, records, attrs, p.settings.survivorship, now) });
      }
      stats.afterWriteMs += performance.now() - t0;
      return out;
    },

    async afterWrite(tx: Tx, ctx: WriteContext, written: WrittenRecord[], goldenStored?: ReadonlySet<string>): Promise<void> {
      const t0 = performance.now();
      try {
        await this.afterWriteTimed(tx, ctx, written, goldenStored);
      } finally {
        stats.afterWriteMs += performance.now() - t0;
      }
    },

    async assignTimed(tx: Tx, ctx: WriteContext, records: AssignableRecord[]): Promise<Map<string, string>> {
      const joins = new Map<string, string>();
      const roles = rolesOf(ctx.definition);
      if (Object.keys(roles).length === 0) return joins;
      const schemaId = ctx.source.schemaId;
      const phase = phaseTimer(stats);
      const settings = await cachedSettings(tx, schemaId);
      const model = await activeModel(tx, schemaId, roles, { cached: true });
      phase('setup');
      // Records scored ahead catch up first (once per import batch): a writer in another process that
      // committed the same person without any lock wait here is in the index only once caught up, and only
      // then does the check below see that the scores ahead could miss it.
      const prescored = records.some((r) => r.prescored !== undefined);
      let entry = await indexes.get(tx, schemaId, roles, model, { forceCatchUp: prescored });
      phase('index');
      // Phase 1: score every probe, adding it afterwards so later records of the batch can match it. Records
      // scored ahead keep their candidates unless a record another writer indexed since could be missing
      // from them (then all are scored again; their own later records are ignored below, as not yet assigned).
      const batchIds = new Set(records.map((r) => r.id));
      const ahead = records.map((r) => r.prescored as Prescored | undefined);
      const sound = ahead.every((a) => a !== undefined && a.mark.entry === entry && a.lower === settings.lower && !indexes.othersAddedSince(a.mark, a.owner));
      if (!sound && ahead.some((a) => a !== undefined)) stats.rescored = (stats.rescored ?? 0) + records.length;
      const owner = ahead.find((a) => a !== undefined)?.owner ?? {};
      const mark = indexes.mark(entry, owner);
      let scored = records.map((r, i) => ({ r, cands: sound ? ahead[i]!.cands : indexes.matchAndAdd(entry, r.id, r.version, r.values, settings.lower, 10, owner) }));
      phase('score');
      // Phase 2: writers of the same person wait for each other on arrival locks, taken in the statement that
      // reads where each stored candidate lives now. Records of restricted customers are no candidates: nothing
      // joins them and no review task could merge into them.
      const lockKeys = records.flatMap((r) => arrivalLockKeys(schemaId, roles, r.values));
      const locked = await lockArrivalKeysAndRead<CandidateRow>(tx, lockKeys, candidatesSql(scored, batchIds, settings.upper));
      let read = locked.rows;
      phase('lock');
      // Scored before the locks: a writer that held one of them (it committed the same person meanwhile) or that
      // indexed records since scoring began (it may write the same person) can be missing from the candidates.
      // Then the batch is scored again over the index caught up, and its candidates read again (a new snapshot).
      if (locked.waited || indexes.othersAddedSince(mark, owner)) {
        const caughtUp = locked.waited ? await indexes.get(tx, schemaId, roles, model, { forceCatchUp: true }) : entry;
        if (caughtUp === entry) {
          // The batch is indexed already: each record is scored against the others as before (only those ahead of it).
          const at = new Map(records.map((r, i) => [r.id, i]));
          scored = records.map((r, i) => ({
            r,
            cands: indexes.match(entry, r.id, r.values, settings.lower, 10 + records.length).filter((c) => (at.get(c.recordId) ?? -1) < i).slice(0, 10),
          }));
        } else {
          // Rebuilt meanwhile (another model became active): the batch goes into the new index.
          entry = caughtUp;
          scored = records.map((r) => ({ r, cands: indexes.matchAndAdd(entry, r.id, r.version, r.values, settings.lower, 10, owner) }));
        }
        const again = candidatesSql(scored, batchIds, settings.upper);
        read = again ? await rows<CandidateRow>(tx, again) : [];
        stats.rescored = (stats.rescored ?? 0) + records.length;
      }
      phase('confirm');
      const stored = read.filter((r) => r.kind === 'k');
      const inputs = goldenInputsOf(read.filter((r) => r.kind !== 'k') as unknown as GoldenInputRow[]);
      const where = new Map(stored.filter((s) => s.status === 'valid' && s.customer_id).map((s) => [s.id, { customerId: s.customer_id!, sourceId: s.source_id! }]));
      const batchCustomer = new Map<string, string>();
      const tasks: PendingTask[] = [];
      for (const { r, cands } of scored) {
        stats.probes++;
        // Best candidate per customer.
        const best = new Map<string, { recordId: string; sourceId: string; p: number }>();
        for (const c of cands) {
          const inBatch = batchCustomer.get(c.recordId);
          const home = batchIds.has(c.recordId) ? (inBatch ? { customerId: inBatch, sourceId: ctx.source.id } : null) : where.get(c.recordId);
          if (!home) continue;
          const prev = best.get(home.customerId);
          if (!prev || c.probability > prev.p) best.set(home.customerId, { recordId: c.recordId, sourceId: home.sourceId, p: c.probability });
        }
        const ranked = [...best.entries()].sort((a, b) => b[1].p - a[1].p);
        const top = ranked[0];
        if (top && top[1].p >= settings.upper) {
          joins.set(r.id, top[0]);
          batchCustomer.set(r.id, top[0]);
          stats.autoLinked++;
          continue;
        }
        batchCustomer.set(r.id, r.customerId);
        stats.newCustomers++;
        for (const [, c] of ranked.slice(0, 3)) {
          tasks.push({ recordId: r.id, candidateRecordId: c.recordId, candidateSourceId: c.sourceId, probability: c.p, values: r.values });
        }
      }
      const joined = new Map<string, GoldenInputs>();
      for (const customerId of joins.values()) {
        const i = inputs.get(customerId);
        if (i) joined.set(customerId, i);
      }
      pending.set(tx, { entry, tasks, settings, joined });
      return joins;
    },

    async afterWriteTimed(tx: Tx, ctx: WriteContext, written: WrittenRecord[], goldenStored?: ReadonlySet<string>): Promise<void> {
      const p = pending.get(tx);
      pending.delete(tx);
      const roles = rolesOf(ctx.definition);
      // Updated records change their values in the index (new records were added while assigning).
      if (Object.keys(roles).length > 0) {
        const entry = p?.entry ?? (await indexes.get(tx, ctx.source.schemaId, roles, await activeModel(tx, ctx.source.schemaId, roles)));
        for (const w of written) if (!w.created) indexes.add(entry, w.id, w.version, w.values);
      }
      const phase = phaseTimer(stats);
      // The schema's settings and attributes are known here, and customers created by this batch have nothing stored to read.
      await recomputeWritten(tx, ctx, written, p?.settings, goldenStored);
      phase('golden');
    },

    recordsChanged,

    // Review tasks go into the records' writing statement, and their events with the records' (after them).
    inWrite(tx: Tx, ctx: WriteContext): WriteParts {
      const p = pending.get(tx);
      if (!p || p.tasks.length === 0 || !p.entry) return { ctes: [], events: null };
      const t0 = performance.now();
      const phase = phaseTimer(stats);
      const tasks = p.tasks;
      p.tasks = [];
      const ids = tasks.map(() => newId('reviewTask'));
      const explanations = tasks.map((t) => indexes.explain(p.entry!, t.recordId, t.values, t.candidateRecordId));
      const insert = sql`insert into review_tasks (id, schema_id, source_id, record_id, candidate_record_id, candidate_source_id, probability, explanation)
          select u.id, ${ctx.source.schemaId}, ${ctx.source.id}, u.rec, u.cand, u.cand_src, u.p, u.ex::jsonb
          from unnest(${sql.param(ids)}::text[], ${sql.param(tasks.map((t) => t.recordId))}::text[], ${sql.param(tasks.map((t) => t.candidateRecordId))}::text[],
                      ${sql.param(tasks.map((t) => t.candidateSourceId))}::text[], ${sql.param(tasks.map((t) => t.probability))}::float8[],
                      ${sql.param(explanations.map((e) => JSON.stringify(e ?? {})))}::text[]) as u(id, rec, cand, cand_src, p, ex)
          on conflict do nothing
          returning id, record_id, candidate_record_id, probability`;
      // An open task for the same pair is kept (on conflict): only tasks inserted get an event.
      const events = sql`select e.ev as id, 'review_task.created' as type, 'review_task' as agg_type, t.id as agg_id,
            jsonb_build_object('recordId', t.record_id, 'candidateRecordId', t.candidate_record_id, 'probability', t.probability, 'schemaId', ${ctx.source.schemaId}::text) as payload,
            null::text as actor, e.ord
          from arrival_review_tasks t join unnest(${sql.param(ids)}::text[], ${sql.param(tasks.map(() => newId('event')))}::text[]) with ordinality as e(id, ev, ord) on e.id = t.id`;
      stats.reviewTasks += tasks.length;
      phase('tasks');
      // Counted with afterWrite's time, as when the tasks were inserted there (bench:golden reports them together).
      stats.afterWriteMs += performance.now() - t0;
      return { ctes: [{ name: 'arrival_review_tasks', body: insert }], events };
    },

    // A bulk load that skips matching (import option matchOnArrival: false) still gives every customer it
    // touches its golden record; the warm index reads the new records from the outbox when next used.
    withoutMatching(): CustomerAssigner {
      // The settings read for the golden records stored at creation serve the recompute after the write.
      const settingsOf = new WeakMap<Tx, GoldenSettings>();
      return {
        assign: async () => new Map<string, string>(),
        goldenAtCreation: async (tx: Tx, ctx: WriteContext, written: WrittenRecord[]) => {
          const t0 = performance.now();
          const settings = await loadSettings(tx, ctx.source.schemaId);
          settingsOf.set(tx, settings);
          const out = soleGoldens(ctx, written, settings);
          stats.afterWriteMs += performance.now() - t0;
          return out;
        },
        recordsChanged,
        afterWrite: async (tx: Tx, ctx: WriteContext, written: WrittenRecord[], goldenStored?: ReadonlySet<string>) => {
          const t0 = performance.now();
          const settings = settingsOf.get(tx);
          settingsOf.delete(tx);
          if (written.length > 0) await recomputeWritten(tx, ctx, written, settings, goldenStored);
          stats.afterWriteMs += performance.now() - t0;
        },
      };
    },
  };
  return matcher;
}

/** A stored candidate (kind 'k'), or a row of the golden inputs of a customer it could join (goldenInputsSql; id: the customer's). */
/** Records of these customers changed outside a write (deleted, verified): their golden records follow. */
async function recordsChanged(tx: Tx, customerIds: string[]): Promise<void> {
  await recomputeGolden(tx, customerIds);
}

type CandidateRow = { kind: 'k' | GoldenInputRow['kind']; id: string; customer_id: string | null; source_id: string | null; status: string | null; doc: Record<string, unknown> | null };

/**
 * The read of where the stored candidates (not records of the batch) live now: active, unrestricted customers only.
 * With them, the golden inputs of the customers of candidates scored at or above `upper` (those records may join):
 * their golden records can then be computed before the write, and stored with it.
 */
function candidatesSql(scored: { cands: WarmCandidate[] }[], batchIds: ReadonlySet<string>, upper: number): SQL | null {
  const stored = scored.flatMap((s) => s.cands.filter((c) => !batchIds.has(c.recordId)));
  const ids = [...new Set(stored.map((c) => c.recordId))];
  if (ids.length === 0) return null;
  const joinable = [...new Set(stored.filter((c) => c.probability >= upper).map((c) => c.recordId))];
  const where = sql`select r.id, r.customer_id, r.source_id, r.status from source_records r join customers c on c.id = r.customer_id
             where r.id = any(${sql.param(ids)}::text[]) and c.status = 'active'
               and not exists (select 1 from dsr_restrictions d where d.customer_id = r.customer_id)`;
  if (joinable.length === 0) return sql`select 'k' as kind, k.*, null::json as doc from (${where}) as k`;
  return sql`with k as materialized (${where}),
      j as materialized (select distinct customer_id from k where id = any(${sql.param(joinable)}::text[]) and status = 'valid')
      select 'k' as kind, k.*, null::json as doc from k
      union all
      select g.kind, g.customer_id, g.customer_id, null, null, g.doc from (${goldenInputsSql(sql`array(select customer_id from j)`, sql`array(select customer_id from j)`)}) as g`;
}

/**
 * Golden records of the new customers whose only record is in `written`, computed from the values being
 * written (see soleRecords), for the writer to store as it inserts the customer rows.
 */
function soleGoldens(ctx: WriteContext, written: WrittenRecord[], settings: GoldenSettings): Map<string, Record<string, unknown>> {
  const attrs = ctx.definition.attributes.map((a) => a.name);
  const now = new Date().toISOString();
  const out = new Map<string, Record<string, unknown>>();
  for (const [customerId, record] of soleRecords(ctx, written)) out.set(customerId, computeGolden(attrs, [record], settings.survivorship, [], {}, now));
  return out;
}

/**
 * Golden records of the customers a write touched, except those stored with the customer row
 * (`goldenStored`); customers it created have nothing stored to read.
 */
async function recomputeWritten(tx: Tx, ctx: WriteContext, written: WrittenRecord[], known?: GoldenSettings, goldenStored?: ReadonlySet<string>): Promise<void> {
  if (goldenStored && goldenStored.size > 0) written = written.filter((w) => !goldenStored.has(w.customerId));
  if (written.length === 0) return;
  const settings = known ?? (await loadSettings(tx, ctx.source.schemaId));
  await recomputeGolden(tx, written.map((w) => w.customerId), {
    schemas: new Map([[ctx.source.schemaId, { settings, attributes: ctx.definition.attributes.map((a) => a.name) }]]),
    fresh: new Set(written.filter((w) => w.newCustomer).map((w) => w.customerId)),
    sole: soleRecords(ctx, written),
  });
}
