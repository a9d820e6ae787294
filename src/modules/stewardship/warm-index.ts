import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { sql } from 'drizzle-orm';
import type { DatabaseKind, Executor } from '../../platform/db/database.js';
import { rows } from '../../platform/db/database.js';
import { finalSequence } from '../../platform/events/sequence-gaps.js';
import type { MatchCandidate, MatchRecord, PairExplanation, RoleMapping } from '../matching/engine/index.js';
import { MatchIndex } from '../matching/engine/index.js';
import type { ActiveModel } from './model-store.js';
import { syntheticRecords } from './bootstrap-model.js';
import { toMatchRecord } from './match-fields.js';

/** A scored candidate record from the warm index (current values only). */
export type WarmCandidate = { recordId: string; alias: string; probability: number };

type Entry = {
  schemaId: string;
  modelId: string;
  roles: RoleMapping;
  index: MatchIndex;
  /** record id → its live alias in the index (updates add a new alias; old ones are skipped). */
  live: Map<string, string>;
  version: Map<string, number>;
  /** Outbox sequence up to which other processes' writes were caught up: every number up to it is final (PostgreSQL only). */
  eventSeq: number;
  caughtUpAt: number;
  buildMs: number;
  /** The catch-up running now, if any: callers wait for it rather than read past a mark it has not settled. */
  catching: Promise<void> | null;
  /** Records indexed so far, and how many of them each owner (an import run scoring ahead) indexed. */
  adds: number;
  addsBy: WeakMap<object, number>;
};

/** Where an owner's scoring ahead started: records indexed by others after it may be missing from its candidates. */
export type AddMark = { entry: Entry; adds: number; own: number };

const PAGE = 5000;
const CATCH_UP_EVERY_MS = 1000;
const CATCH_UP_PAGE = 20_000;

/**
 * One in-process MatchIndex per schema, built from the stored valid records on first use and kept
 * warm: records written through this process are added as they are written, records written by other
 * processes (PostgreSQL) are caught up from the outbox at most once a second. The index never
 * decides alone: callers verify candidates against the database inside their transaction.
 */
export class WarmIndexes {
  private readonly entries = new Map<string, Promise<Entry>>();
  private aliasSeq = 0;

  constructor(private readonly kind: DatabaseKind) {}

  /** The warm index of a schema for the given model (rebuilt when the active model changes). */
  async get(ex: Executor, schemaId: string, roles: RoleMapping, model: ActiveModel, opts: { forceCatchUp?: boolean } = {}): Promise<Entry> {
    let p = this.entries.get(schemaId);
    if (p) {
      const e = await p.catch(() => null);
      if (e && e.modelId === model.id) {
        await this.catchUp(ex, e, opts.forceCatchUp ?? false);
        return e;
      }
    }
    p = this.build(ex, schemaId, roles, model);
    this.entries.set(schemaId, p);
    p.catch(() => this.entries.delete(schemaId));
    return p;
  }

  /** Drops a schema's index (after training a model, or in tests). */
  invalidate(schemaId?: string): void {
    if (schemaId) this.entries.delete(schemaId);
    else this.entries.clear();
  }

  /** Size and build time per schema (for /stewardship/stats and the docs). */
  async stats(): Promise<{ schemaId: string; modelId: string; records: number; buildMs: number }[]> {
    const out = [];
    for (const p of this.entries.values()) {
      const e = await p.catch(() => null);
      if (e) out.push({ schemaId: e.schemaId, modelId: e.modelId, records: e.live.size, buildMs: Math.round(e.buildMs) });
    }
    return out;
  }

  private async build(ex: Executor, schemaId: string, roles: RoleMapping, model: ActiveModel): Promise<Entry> {
    const t0 = performance.now();
    // Transactions still writing when the build starts are caught up later: the mark stays below their events.
    const seq = await finalSequence(ex, this.kind);
    const e: Entry = { schemaId, modelId: model.id, roles, index: new MatchIndex(model.model), live: new Map(), version: new Map(), eventSeq: seq, caughtUpAt: Date.now(), buildMs: 0, catching: null, adds: 0, addsBy: new WeakMap() };
    // Background population for realistic value frequencies; never returned as candidates (not live).
    for (const r of syntheticRecords(roles)) e.index.add(r);
    let after = '';
    for (;;) {
      const page = await rows<{ id: string; version: number; values: Record<string, unknown> }>(
        ex,
        sql`select id, version, "values" from source_records where schema_id = ${schemaId} and status = 'valid' and id > ${after} order by id limit ${PAGE}`,
      );
      for (const r of page) this.add(e, r.id, Number(r.version), r.values ?? {});
      if (page.length < PAGE) break;
      after = page[page.length - 1]!.id;
      await yieldToLoop();
    }
    e.buildMs = performance.now() - t0;
    return e;
  }

  private async catchUp(ex: Executor, e: Entry, force: boolean): Promise<void> {
    // One PGlite data directory belongs to one process, whose writes all pass through add().
    if (this.kind === 'pglite') return;
    // One catch-up at a time per index: a caller that waited for another writer's lock must not find the mark
    // already moved past that writer's record by a catch-up still reading it; it waits, then runs its own.
    while (e.catching) await e.catching.catch(() => undefined);
    if (!force && Date.now() - e.caughtUpAt < CATCH_UP_EVERY_MS) return;
    e.caughtUpAt = Date.now();
    const run = this.readNewRecords(ex, e);
    e.catching = run;
    try {
      await run;
    } finally {
      if (e.catching === run) e.catching = null;
    }
  }

  /**
   * Indexes the records of every record event after the mark, page by page to the end, then moves the mark to
   * `final`: every number up to it had committed or rolled back before the read, so a transaction of another
   * process still writing (however many events were committed meanwhile) is read once it commits. Events after
   * `final` are read again next time; records already indexed at their version are skipped.
   */
  private async readNewRecords(ex: Executor, e: Entry): Promise<void> {
    const final = await finalSequence(ex, this.kind);
    let after = e.eventSeq;
    for (;;) {
      const evs = await rows<{ seq: number; aggregate_id: string; version: number | null }>(
        ex,
        sql`select seq, aggregate_id, (payload->>'version')::int as version from events
            where seq > ${after} and type in ('record.created', 'record.updated') order by seq limit ${CATCH_UP_PAGE}`,
      );
      if (evs.length === 0) break;
      after = Number(evs[evs.length - 1]!.seq);
      const missing = [...new Set(evs.filter((x) => x.version === null || (e.version.get(x.aggregate_id) ?? 0) < Number(x.version)).map((x) => x.aggregate_id))];
      if (missing.length > 0) {
        const recs = await rows<{ id: string; version: number; values: Record<string, unknown> }>(
          ex,
          sql`select id, version, "values" from source_records where id = any(${sql.param(missing)}::text[])
              and schema_id = ${e.schemaId} and status = 'valid'`,
        );
        for (const r of recs) if ((e.version.get(r.id) ?? 0) < Number(r.version)) this.add(e, r.id, Number(r.version), r.values ?? {});
      }
      if (evs.length < CATCH_UP_PAGE) break;
      await yieldToLoop();
    }
    e.eventSeq = Math.max(e.eventSeq, final);
  }

  /** Indexes a record's current values (a new alias when the record was indexed before). */
  add(e: Entry, recordId: string, version: number, values: Record<string, unknown>): MatchRecord {
    const alias = `${recordId}#${++this.aliasSeq}`;
    const mr = toMatchRecord(alias, values, e.roles);
    e.index.add(mr);
    e.live.set(recordId, alias);
    e.version.set(recordId, version);
    e.adds++;
    return mr;
  }

  /** A reserved record id that will not exist after all (scored ahead, then written as something else): no candidate any more. */
  retire(e: Entry, recordId: string): void {
    e.live.delete(recordId);
    e.version.delete(recordId);
  }

  /** A mark to compare with later (othersAddedSince): what is indexed now, and how much of it `owner` added. */
  mark(e: Entry, owner: object): AddMark {
    return { entry: e, adds: e.adds, own: e.addsBy.get(owner) ?? 0 };
  }

  /** Whether anyone but `owner` indexed a record since the mark (a candidate scoring from the mark on could miss). */
  othersAddedSince(m: AddMark, owner: object): boolean {
    return m.entry.adds - m.adds !== (m.entry.addsBy.get(owner) ?? 0) - m.own;
  }

  /** Live candidates of a record at or above `minProbability`, best first, one per record. */
  match(e: Entry, recordId: string, values: Record<string, unknown>, minProbability: number, limit = 10): WarmCandidate[] {
    const probe = toMatchRecord(`${recordId}#probe`, values, e.roles);
    return this.liveCandidates(e, recordId, e.index.match(probe, { threshold: minProbability, limit: limit * 3 }), limit);
  }

  /** `match`, then `add` of the same values, standardizing them once (a new record arriving); `owner` counts the add as its own. */
  matchAndAdd(e: Entry, recordId: string, version: number, values: Record<string, unknown>, minProbability: number, limit = 10, owner?: object): WarmCandidate[] {
    const alias = `${recordId}#${++this.aliasSeq}`;
    const found = e.index.matchAndAdd(toMatchRecord(alias, values, e.roles), { threshold: minProbability, limit: limit * 3 });
    const out = this.liveCandidates(e, recordId, found, limit);
    e.live.set(recordId, alias);
    e.version.set(recordId, version);
    e.adds++;
    if (owner) e.addsBy.set(owner, (e.addsBy.get(owner) ?? 0) + 1);
    return out;
  }

  /** Index candidates that are the current alias of another record, one per record. */
  private liveCandidates(e: Entry, recordId: string, found: MatchCandidate[], limit: number): WarmCandidate[] {
    const out: WarmCandidate[] = [];
    const seen = new Set<string>();
    for (const c of found) {
      const recId = c.id.slice(0, c.id.lastIndexOf('#'));
      if (recId === recordId || seen.has(recId) || e.live.get(recId) !== c.id) continue;
      seen.add(recId);
      out.push({ recordId: recId, alias: c.id, probability: c.probability });
      if (out.length >= limit) break;
    }
    return out;
  }

  /** The engine's per-attribute explanation of an indexed record against values (term frequencies included). */
  explain(e: Entry, recordId: string, values: Record<string, unknown>, candidateRecordId: string): PairExplanation | null {
    const alias = e.live.get(candidateRecordId);
    if (!alias) return null;
    const ex = e.index.explain(alias, toMatchRecord(recordId, values, e.roles));
    return { ...ex, idA: candidateRecordId, idB: recordId };
  }
}

export type WarmEntry = Entry;
