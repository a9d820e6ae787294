// Customer search terms are kept off the API write's path: the write queues its records in search_term_backlog
// (in its own transaction, so nothing queued is lost) and this indexer replaces their terms afterwards. Maintaining
// the terms' indexes (a B-tree and three trigram GIN indexes over every record's name, e-mail and phone) was a
// third of PostgreSQL's work per API write, all of it in the time 32 callers wait on one batch; here it runs
// while the server answers them and prepares the next batch. A search first catches up, so it sees every write
// committed before it began (a record some transaction holds for over 5 s excepted: it is indexed after).
import { sql } from 'drizzle-orm';
import type { Database, Tx } from '../../platform/db/database.js';
import { rows } from '../../platform/db/database.js';
import type { SchemasService } from '../schemas/index.js';
import { diffSearchTerms, searchTermsOf, termKey, termStatements, type RecordTerms } from './search-terms.js';

const PASS_LIMIT = 500;
// A pass whose records were all held by other transactions waits this long (growing) before it tries again,
// for at most MAX_BUSY_WAIT_MS in a row.
const BUSY_WAIT_MS = [2, 5, 10, 20, 50];
const MAX_BUSY_WAIT_MS = 5_000;
// PGlite has no autovacuum: the queue's dead rows are vacuumed after this many passes.
const PGLITE_VACUUM_EVERY = 200;

type Locked = { id: string; present: boolean; locked: boolean };

type Fresh = {
  id: string;
  live: boolean;
  customer_id: string | null;
  source_key: string | null;
  values: Record<string, unknown> | null;
  schema_id: string | null;
  terms_version: number | null;
  stored: [string, string, string][] | null;
};

/** Replaces the search terms of queued records from their current state; see the file comment. */
export class SearchIndexer {
  private current: Promise<void> = Promise.resolve();
  private queued: Promise<void> | null = null;
  private background: { timer: NodeJS.Timeout; onError: (err: unknown) => void } | null = null;
  private stopping = false;
  private passes = 0;

  constructor(
    private readonly database: Database,
    private readonly schemas: SchemasService,
  ) {}

  /**
   * Resolves once every record queued before the call has its terms: a catch-up that starts after the call
   * (callers arriving while one waits to start share it) and runs until no entry queued before it started is
   * left. A record another transaction holds is retried until that transaction ends.
   */
  catchUp(): Promise<void> {
    if (this.queued) return this.queued;
    const next = this.current.then(() => {
      this.queued = null;
      return this.drain();
    });
    this.queued = next;
    this.current = next.catch(() => undefined);
    return next;
  }

  /**
   * After a write committed: index its records now, when background indexing runs (`start`). Right after the
   * commit is when PostgreSQL has least else to do: the batch's callers are being answered and the server
   * prepares the next batch. (Gathering 50 ms of writes into one pass measured no better.)
   */
  kick(): void {
    if (!this.background || this.queued) return;
    this.catchUp().catch(this.background.onError);
  }

  /** Background indexing: after each write (`kick`) and every `everyMs`, for records queued by other processes. */
  start(opts: { everyMs?: number; onError: (err: unknown) => void }): void {
    if (this.background) return;
    this.stopping = false;
    const timer = setInterval(() => this.kick(), opts.everyMs ?? 1_000);
    timer.unref();
    this.background = { timer, onError: opts.onError };
    this.kick();
  }

  /** Stops background indexing after the pass in progress (entries left stay queued for the next start). */
  async stop(): Promise<void> {
    if (this.background) clearInterval(this.background.timer);
    this.background = null;
    this.stopping = true;
    await this.current;
    this.stopping = false;
  }

  private async drain(): Promise<void> {
    // The entries to finish: those queued before now. Later ones belong to later catch-ups, so a steady stream
    // of writes cannot keep this one going. A search mostly finds the queue empty: one read then.
    const [head] = await rows<{ last: string | number | null }>(this.database.db, sql`select max(seq) as last from search_term_backlog`);
    if (head?.last === null || head?.last === undefined) return;
    const upTo = Number(head.last);
    let busy = 0;
    let busySince = 0;
    while (!this.stopping) {
      const { taken, indexed } = await this.database.db.transaction((tx) => this.pass(tx, upTo));
      await this.vacuumNow();
      if (taken === 0) {
        // Nothing to take: done, unless another process's pass holds entries of ours (wait for it to end).
        const [left] = await rows<{ left: boolean }>(this.database.db, sql`select exists (select 1 from search_term_backlog where seq <= ${upTo}) as left`);
        if (!left?.left) return;
      }
      if (indexed > 0) {
        busy = 0;
        continue;
      }
      if (busy === 0) busySince = Date.now();
      // A record held longer than this (a transaction left open) stays queued for a later pass; the search goes on.
      else if (Date.now() - busySince > MAX_BUSY_WAIT_MS) return;
      await new Promise((r) => setTimeout(r, BUSY_WAIT_MS[Math.min(busy++, BUSY_WAIT_MS.length - 1)]));
    }
  }

  private async vacuumNow(): Promise<void> {
    if (this.database.kind !== 'pglite' || ++this.passes % PGLITE_VACUUM_EVERY !== 0) return;
    await this.database.raw('vacuum search_term_backlog');
  }

  /**
   * One transaction: takes up to PASS_LIMIT entries queued up to `upTo` and replaces those records' terms.
   * Records another transaction holds go back to the queue under their own sequence number.
   */
  private async pass(tx: Tx, upTo: number): Promise<{ taken: number; indexed: number }> {
    const taken = await rows<{ seq: string | number; record_id: string }>(
      tx,
      sql`delete from search_term_backlog b
          where b.seq = any(array(select q.seq from search_term_backlog q where q.seq <= ${upTo} order by q.seq limit ${PASS_LIMIT} for update skip locked))
          returning b.seq, b.record_id`,
    );
    if (taken.length === 0) return { taken: 0, indexed: 0 };
    // The oldest entry of each record (its place in the queue should it go back).
    const firstSeq = new Map<string, number>();
    for (const t of taken) {
      const seq = Number(t.seq);
      if (!firstSeq.has(t.record_id) || seq < firstSeq.get(t.record_id)!) firstSeq.set(t.record_id, seq);
    }
    const ids = [...firstSeq.keys()];
    // Locked like writers lock them (so none changes them before this commits), without waiting: a record another
    // transaction holds goes back to the queue, and no lock order can deadlock.
    const found = await rows<Locked>(
      tx,
      sql`select u.id, exists (select 1 from source_records x where x.id = u.id) as present, l.id is not null as locked
          from unnest(${sql.param(ids)}::text[]) as u(id)
          left join lateral (select r.id from source_records r where r.id = u.id for no key update of r skip locked) l on true`,
    );
    const busy = found.filter((f) => f.present && !f.locked).map((f) => f.id);
    // Read after the locks, in a snapshot of its own: whatever changed these records (an erasure, a merge, a
    // delete, another pass) committed before the locks were granted and is seen here. What it reads: the record
    // as it is, whether it has terms (deleted records and erased customers have none), the schema version of its
    // values (a rejected update keeps the last valid values, and with them the version they were validated with)
    // and the terms stored now. Records that are gone are read too: their stored terms are deleted.
    const readIds = found.filter((f) => f.locked || !f.present).map((f) => f.id);
    const fresh =
      readIds.length === 0
        ? []
        : await rows<Fresh>(
            tx,
            sql`select u.id, r.customer_id, r.source_key, r."values", r.schema_id,
                       coalesce(r.status <> 'deleted' and r."values" is not null and r.customer_id is not null and c.status <> 'deleted', false) as live,
                       case when r.status = 'rejected'
                            then coalesce((select v.schema_version from source_record_versions v where v.record_id = r.id and v.status = 'valid' order by v.version desc limit 1), r.schema_version)
                            else r.schema_version end as terms_version,
                       (select json_agg(json_build_array(t.customer_id, t.kind, t.term)) from customer_search_terms t where t.record_id = u.id) as stored
                from unnest(${sql.param(readIds)}::text[]) as u(id)
                left join source_records r on r.id = u.id left join customers c on c.id = r.customer_id`,
          );
    const terms: RecordTerms[] = [];
    const stored = new Map<string, string[]>();
    for (const f of fresh) {
      if (f.stored) stored.set(f.id, f.stored.map(([c, k, t]) => termKey(c, k, t)));
      const definition = f.live ? (await this.schemas.loadVersion(f.schema_id!, Number(f.terms_version), tx)).definition : null;
      // Gone (erased) or without terms: whatever terms it has are deleted.
      terms.push({ id: f.id, customerId: f.customer_id ?? '', existed: true, terms: definition ? searchTermsOf(definition, f.values!, f.source_key!) : [] });
    }
    const statements = [
      ...termStatements(diffSearchTerms(terms, stored)),
      ...(busy.length > 0
        ? [sql`insert into search_term_backlog (seq, record_id) overriding system value
               select * from unnest(${sql.param(busy.map((id) => firstSeq.get(id)!))}::bigint[], ${sql.param(busy)}::text[])`]
        : []),
    ];
    if (statements.length > 0) {
      await tx.execute(sql`with ${sql.join(statements.map((q, i) => sql`${sql.raw(`s${i}`)} as (${q})`), sql`, `)} select 1`);
    }
    return { taken: taken.length, indexed: terms.length };
  }
}
