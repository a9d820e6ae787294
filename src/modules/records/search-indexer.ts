// Customer search terms are kept off the write's path: a write queues its records in search_term_backlog (in
// its own transaction, so nothing queued is lost) and this indexer replaces their terms afterwards. Maintaining
// the terms' indexes (a B-tree and three trigram GIN indexes over every record's name, e-mail and phone) was a
// third of PostgreSQL's work per API write, all of it in the time 32 callers wait on one batch; here it runs
// while the server prepares the next batch. A search first catches up, so it sees every write committed
// before it began.
import { sql } from 'drizzle-orm';
import type { Database, Tx } from '../../platform/db/database.js';
import { rows } from '../../platform/db/database.js';
import type { SchemasService } from '../schemas/index.js';
import { planSearchTerms, searchTermsOf, termStatements, type RecordTerms } from './search-terms.js';

const PASS_LIMIT = 500;

type Locked = {
  id: string;
  present: boolean;
  locked: boolean;
  customer_id: string | null;
  schema_id: string | null;
  schema_version: number | null;
  source_key: string | null;
  values: Record<string, unknown> | null;
  live: boolean | null;
};

/** Replaces the search terms of queued records from their current state; see the file comment. */
export class SearchIndexer {
  private current: Promise<void> = Promise.resolve();
  private queued: Promise<void> | null = null;
  private background: { timer: NodeJS.Timeout; onError: (err: unknown) => void } | null = null;

  constructor(
    private readonly database: Database,
    private readonly schemas: SchemasService,
  ) {}

  /**
   * Resolves once every record queued before the call has its terms: a catch-up that starts after the call
   * (callers arriving while one waits to start share it) and runs until the backlog is empty.
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
    const timer = setInterval(() => this.kick(), opts.everyMs ?? 1_000);
    timer.unref();
    this.background = { timer, onError: opts.onError };
    this.kick();
  }

  /** Stops background indexing and waits for a pass in progress. */
  async stop(): Promise<void> {
    if (this.background) clearInterval(this.background.timer);
    this.background = null;
    await this.current;
  }

  private async drain(): Promise<void> {
    // A search mostly finds the backlog empty: one read then, not a writing transaction.
    if ((await rows(this.database.db, sql`select 1 as queued from search_term_backlog limit 1`)).length === 0) return;
    while ((await this.database.db.transaction((tx) => this.pass(tx))) === PASS_LIMIT);
  }

  /** One transaction: takes up to PASS_LIMIT queued entries and replaces those records' terms; returns how many it took. */
  private async pass(tx: Tx): Promise<number> {
    const taken = await rows<{ record_id: string }>(
      tx,
      sql`with taken as (
            delete from search_term_backlog b
            where b.seq = any(array(select q.seq from search_term_backlog q order by q.seq limit ${PASS_LIMIT} for update skip locked))
            returning b.record_id)
          select record_id from taken`,
    );
    if (taken.length === 0) return 0;
    const ids = [...new Set(taken.map((t) => t.record_id))];
    // Locked like a writer locks them (so no writer changes them before this commits), without waiting: a record
    // another transaction holds goes back to the backlog for a later pass, and no lock order can deadlock.
    const found = await rows<Locked>(
      tx,
      sql`select u.id, exists (select 1 from source_records x where x.id = u.id) as present, l.id is not null as locked,
                 l.customer_id, l.schema_id, l.schema_version, l.source_key, l."values", l.live
          from unnest(${sql.param(ids)}::text[]) as u(id)
          left join lateral (
            select r.id, r.customer_id, r.schema_id, r.schema_version, r.source_key, r."values",
                   -- The terms of the record's values as stored: a rejected update keeps its last valid values;
                   -- deleted records and erased customers have none.
                   r.status <> 'deleted' and r."values" is not null and r.customer_id is not null
                     and exists (select 1 from customers c where c.id = r.customer_id and c.status <> 'deleted') as live
            from source_records r where r.id = u.id
            for no key update of r skip locked) l on true
          order by u.id`,
    );
    const busy = found.filter((f) => f.present && !f.locked).map((f) => f.id);
    const terms: RecordTerms[] = [];
    for (const f of found) {
      if (!f.present) {
        // Gone (erased): whatever terms it had go with it.
        terms.push({ id: f.id, customerId: '', existed: true, terms: [] });
      } else if (f.locked) {
        const definition = f.live ? (await this.schemas.loadVersion(f.schema_id!, Number(f.schema_version), tx)).definition : null;
        terms.push({ id: f.id, customerId: f.customer_id ?? '', existed: true, terms: definition ? searchTermsOf(definition, f.values!, f.source_key!) : [] });
      }
    }
    const changes = await planSearchTerms(tx, terms);
    const statements = [
      ...termStatements(changes),
      ...(busy.length > 0 ? [sql`insert into search_term_backlog (record_id) select unnest(${sql.param(busy)}::text[])`] : []),
    ];
    if (statements.length > 0) {
      await tx.execute(sql`with ${sql.join(statements.map((q, i) => sql`${sql.raw(`s${i}`)} as (${q})`), sql`, `)} select 1`);
    }
    return taken.length;
  }
}
