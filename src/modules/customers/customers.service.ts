import { sql } from 'drizzle-orm';
import type { Actor } from '../../platform/auth/actor.js';
import type { Database } from '../../platform/db/database.js';
import { rows } from '../../platform/db/database.js';
import { ReadBatcher } from '../../platform/db/read-batcher.js';
import { AppError } from '../../platform/errors/app-error.js';
import { isIdOf } from '../../platform/ids.js';
import { maskGolden, type GoldenRecord } from '../golden/index.js';
import type { RecordsService, StoredRecordRow } from '../records/index.js';
import { strictestPrivacy, type SchemasService } from '../schemas/index.js';
import type { CustomerListQuery, CustomerSummary, CustomerView } from './customers.schemas.js';
import { planSearch, planSql } from './customer-search.js';

type CustomerRow = {
  id: string;
  status: string;
  display_name: string | null;
  merged_into: string | null;
  golden: Record<string, unknown>;
  version: number;
  created_at: Date | string;
  updated_at: Date | string;
};

// One row per live record of each asked customer (or one row with null record columns when it has none). The
// lateral join keeps the plan a per-customer index lookup whatever the planner guesses about the id array (a
// merge join would walk the records index between the lowest and highest id asked).
const CUSTOMERS_WITH_RECORDS = `
  select c.id, c.status, c.display_name, c.merged_into, c.golden, c.version, c.created_at, c.updated_at, r.*
  from unnest($1::text[]) as asked(id)
  join customers c on c.id = asked.id
  left join lateral (
    select r.id as r_id, r.source_id, r.source_key, r.customer_id, r.schema_id, r.schema_version, r.status as r_status,
           r.raw, r."values", r.extras, r.errors, r.version as r_version, r.created_at as r_created_at,
           r.updated_at as r_updated_at, r.created_by, r.updated_by,
           s.name as source_name, s.business_area_id, sc.current_version
    from source_records r
    left join sources s on s.id = r.source_id
    left join schemas sc on sc.id = r.schema_id
    where r.customer_id = c.id and r.status <> 'deleted'
  ) r on true
  order by c.id, r.r_id`;

type JoinedRecord = {
  r_id: string | null;
  r_status: string;
  r_version: number;
  r_created_at: Date | string;
  r_updated_at: Date | string;
  source_name: string | null;
  business_area_id: string | null;
  current_version: number;
};

function recordOf(j: CustomerRow & JoinedRecord & Record<string, unknown>): StoredRecordRow & JoinedRecord {
  return {
    ...(j as unknown as StoredRecordRow & JoinedRecord),
    id: j.r_id!,
    status: j.r_status,
    version: j.r_version,
    created_at: j.r_created_at,
    updated_at: j.r_updated_at,
  } as StoredRecordRow & JoinedRecord;
}

export type CustomerInclude = { records: boolean; history: boolean; sources?: boolean };

const MAX_RANKED = 1000;
// Customer lookups in flight at once on PostgreSQL (the rest queue and share the next statement); PGlite has one
// connection, so more would only queue there.
const LOOKUPS_IN_FLIGHT = 2;

/** Master customers: lookup, search and the customer view with its source records and history. */
export class CustomersService {
  private readonly lookups: ReadBatcher<string, (CustomerRow & JoinedRecord)[]>;

  constructor(
    private readonly database: Database,
    private readonly records: RecordsService,
    private readonly schemas: SchemasService,
  ) {
    this.lookups = new ReadBatcher((ids) => this.loadWithRecords(ids), database.kind === 'pglite' ? 1 : LOOKUPS_IN_FLIGHT);
  }

  async list(actor: Actor, q: CustomerListQuery): Promise<{ items: CustomerSummary[]; nextCursor: string | null }> {
    actor.require('customers:read');
    const plans = planSearch(q);
    const areaFilter = actor.allAreas
      ? sql`true`
      : sql`exists (select 1 from source_records r join sources s on s.id = r.source_id
                    where r.customer_id = c.id and s.business_area_id = any(${sql.param([...actor.businessAreaIds])}::text[]))`;
    const statusFilter = q.status ? sql`c.status = ${q.status}` : sql`c.status <> 'deleted'`;
    if (plans.length === 0) {
      const cursorFilter = q.cursor ? sql`c.id > ${q.cursor}` : sql`true`;
      const list = await rows<CustomerRow>(
        this.database.db,
        sql`select c.* from customers c where ${statusFilter} and ${cursorFilter} and ${areaFilter} order by c.id limit ${q.limit + 1}`,
      );
      const page = list.slice(0, q.limit);
      return { items: page.map((r) => summary(r)), nextCursor: list.length > q.limit ? page[page.length - 1]!.id : null };
    }
    // Search terms follow API writes through a backlog: catch up first, so every write committed before this
    // search is found (records/search-indexer.ts). Should indexing fail, the search still answers from the terms
    // indexed so far; background indexing logs the failure.
    await this.records.searchIndex.catchUp().catch(() => undefined);
    const offset = decodeOffset(q.cursor);
    const idPlans = plans.filter((p) => p.kind === 'id');
    const unions = plans.filter((p) => p.kind !== 'id').map(planSql);
    if (idPlans.length > 0 && isIdOf('customer', idPlans[0]!.term)) {
      unions.push(sql`select ${idPlans[0]!.term}::text as customer_id, 1.0 as score, 'id' as matched_on`);
    }
    const list = await rows<CustomerRow & { score: number; matched_on: string }>(
      this.database.db,
      sql`with hits as (${sql.join(unions, sql` union all `)}),
               best as (select distinct on (customer_id) customer_id, score, matched_on from hits order by customer_id, score desc)
          select c.*, b.score, b.matched_on from best b join customers c on c.id = b.customer_id
          where ${statusFilter} and ${areaFilter}
          order by b.score desc, c.id limit ${q.limit + 1} offset ${offset}`,
    );
    const page = list.slice(0, q.limit);
    const next = list.length > q.limit && offset + q.limit < MAX_RANKED ? encodeOffset(offset + q.limit) : null;
    return { items: page.map((r) => summary(r, Number(r.score), r.matched_on)), nextCursor: next };
  }

  async get(actor: Actor, id: string, include: CustomerInclude): Promise<CustomerView> {
    actor.require('customers:read');
    // The hot path (a frontline lookup): customer, records, their sources and schemas' current versions in one
    // prepared statement shared by concurrent lookups; schema definitions come from the never-stale version cache.
    const joined = await this.lookups.load(id);
    const row = joined?.[0];
    if (!joined || !row) throw AppError.notFound('Customer', id);
    const recordRows: (StoredRecordRow & JoinedRecord)[] = joined.filter((r) => r.r_id !== null).map(recordOf);
    const visible = actor.allAreas ? recordRows : recordRows.filter((r) => actor.inArea(r.business_area_id ?? ''));
    if (!actor.allAreas && visible.length === 0) throw AppError.notFound('Customer', id);
    const current = new Map(recordRows.map((r) => [r.schema_id, Number(r.current_version)]));
    const definitions = await Promise.all([...current].map(async ([schemaId, v]) => (await this.schemas.loadVersion(schemaId, v)).definition));
    const sourceNames = new Map(recordRows.map((r) => [r.source_id, r.source_name ?? r.source_id]));
    const view: CustomerView = {
      ...summary(row),
      // Golden values with lineage, masked by the strictest current privacy of the schemas behind them.
      golden: maskGolden(actor, row.golden as GoldenRecord, strictestPrivacy(definitions)),
      records: include.records ? await this.records.viewsOf(actor, visible, 'customer', id, sourceNames) : [],
    };
    if (include.sources) {
      const srcs = await rows<{ id: string; name: string; trust_rank: number }>(
        this.database.db,
        sql`select id, name, trust_rank from sources where id = any(${sql.param([...new Set(visible.map((r) => r.source_id))])}::text[]) order by trust_rank desc, name`,
      );
      view.sources = srcs.map((s) => ({ sourceId: s.id, sourceName: s.name, trustRank: Number(s.trust_rank), recordIds: visible.filter((r) => r.source_id === s.id).map((r) => r.id) }));
    }
    if (include.history) {
      const history = [];
      for (const r of visible) {
        for (const v of await this.records.history(actor, r.id)) history.push({ recordId: r.id, sourceKey: r.source_key, ...v });
      }
      view.history = history.sort((a, b) => b.changedAt.localeCompare(a.changedAt));
      const evs = await rows<{ seq: number; type: string; occurred_at: Date | string; actor_id: string | null; payload: Record<string, unknown> }>(
        this.database.db,
        sql`select seq, type, occurred_at, actor_id, payload from events where aggregate_type = 'customer' and aggregate_id = ${id} order by seq limit 1000`,
      );
      view.timeline = evs.map((e) => ({ seq: Number(e.seq), type: e.type, occurredAt: new Date(e.occurred_at).toISOString(), actorId: e.actor_id, payload: e.payload }));
    }
    return view;
  }

  private async loadWithRecords(ids: string[]): Promise<Map<string, (CustomerRow & JoinedRecord)[]>> {
    const joined = await this.database.raw<CustomerRow & JoinedRecord>(CUSTOMERS_WITH_RECORDS, [ids], 'customers_with_records');
    const byId = new Map<string, (CustomerRow & JoinedRecord)[]>();
    for (const r of joined) {
      const list = byId.get(r.id);
      if (list) list.push(r);
      else byId.set(r.id, [r]);
    }
    return byId;
  }
}

function summary(r: CustomerRow, score?: number, matchedOn?: string): CustomerSummary {
  return {
    id: r.id,
    status: r.status,
    displayName: r.display_name,
    mergedInto: r.merged_into,
    version: Number(r.version),
    createdAt: new Date(r.created_at).toISOString(),
    updatedAt: new Date(r.updated_at).toISOString(),
    ...(score !== undefined ? { score: Math.round(score * 1000) / 1000 } : {}),
    ...(matchedOn ? { matchedOn } : {}),
  };
}

function encodeOffset(n: number): string {
  return Buffer.from(JSON.stringify({ o: n })).toString('base64url');
}

function decodeOffset(cursor: string | undefined): number {
  if (!cursor) return 0;
  try {
    const o = (JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { o?: unknown }).o;
    if (typeof o === 'number' && Number.isInteger(o) && o >= 0 && o < MAX_RANKED) return o;
  } catch {
    // fall through
  }
  throw new AppError('BAD_REQUEST', 'Invalid cursor', [{ field: 'cursor', rule: 'format', message: 'not a cursor returned by this API' }]);
}
