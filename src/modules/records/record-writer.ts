import type { SQL } from 'drizzle-orm';
import { sql } from 'drizzle-orm';
import type { Actor } from '../../platform/auth/actor.js';
import { canonicalJson } from '../../platform/canonical-json.js';
import type { Executor, Tx } from '../../platform/db/database.js';
import { preparedRows, rows } from '../../platform/db/database.js';
import type { DomainEvent } from '../../platform/events/outbox.js';
import { insertEvents } from '../../platform/events/outbox.js';
import { newId } from '../../platform/ids.js';
import type { AuditInput, AuditService } from '../audit/index.js';
import type { Assessment } from '../quality/assess.js';
import { assessRecord } from '../quality/assess.js';
import { loadRules, resolveRules } from '../quality/rules.js';
import type { VerificationMap, VerifiedBy } from '../quality/verification.js';
import type { QualityRules, ResolvedRules } from '../quality/rules.js';
import type { CompiledSchema, FieldError, SchemaDefinition, ValidationResult } from '../schemas/index.js';
import { validateCompiled } from '../schemas/index.js';
import type { SourceRow } from '../sources/index.js';
import { displayNameOf, planSearchTerms, searchTermsOf, termStatements } from './search-terms.js';
import type { WriteOutcome } from './records.schemas.js';

export type IncomingRecord = {
  key: string;
  values: Record<string, unknown>;
  prepared?: PreparedRecord;
  /** The request that sent this record when one write serves several (coalesced API writes); audited per record. */
  request?: { requestId: string | null; ip: string | null };
};

/**
 * Validation and quality assessment done ahead of the write (bulk imports do it for the next batch while
 * the database writes the current one). `quality` assumes a new record: the writer reassesses records
 * that turn out to exist (their previous stamps count) and ignores it if the rules changed meanwhile.
 */
export type PreparedRecord = {
  /** The schema version's validator it was validated with: the writer validates again if the write's differs. */
  compiled: CompiledSchema;
  validation: ValidationResult;
  quality: Assessment | null;
  rules: ResolvedRules;
  verifiedBy: VerifiedBy;
  /** The id the record gets if it turns out to be new (reserved ahead so it can be scored ahead). */
  id?: string;
  /** The customer assigner's result of scoring the record ahead (CustomerAssigner.prescore), given back to assign. */
  prescored?: unknown;
};

/** What a bulk caller needs to know about each written record, without reading the rows back. */
export type WriteSummary = { outcome: WriteOutcome; id: string; status: 'valid' | 'rejected' | 'deleted'; errors: FieldError[] };

export type StoredRecordRow = {
  id: string;
  source_id: string;
  source_key: string;
  customer_id: string | null;
  schema_id: string;
  schema_version: number;
  status: 'valid' | 'rejected' | 'deleted';
  raw: Record<string, unknown>;
  values: Record<string, unknown> | null;
  extras: Record<string, unknown> | null;
  errors: FieldError[] | null;
  version: number;
  created_at: Date | string;
  updated_at: Date | string;
  created_by: string | null;
  updated_by: string | null;
  // Quality columns (see docs/quality.md); absent when a query did not select them.
  standardized?: Record<string, unknown> | null;
  verification?: VerificationMap | null;
  quality_score?: number | null;
  quality_computed_at?: Date | string | null;
  quality_issues?: string[] | null;
};

export type WriteContext = {
  source: SourceRow;
  schemaVersion: number;
  definition: SchemaDefinition;
  compiled: CompiledSchema;
  /** Stamp on values this write verifies: 'import-rule' for imports; default 'api-rule' ('customer' for customer actors). */
  verifiedBy?: VerifiedBy;
  /** Match on arrival (golden module): which customer a new valid record joins; without it each gets a new customer. */
  customerAssigner?: CustomerAssigner;
  /**
   * 'queued' (API writes): the valid records go to the search backlog and the search indexer writes their terms
   * after the commit (search-indexer.ts); default 'inline': the terms are written with the records (imports and
   * the other bulk or rare paths, so a search never waits on a large backlog).
   */
  searchTerms?: 'inline' | 'queued';
};

/** A new valid record the assigner is asked about, and a written record it is told about. */
/** `customerId` is the new customer the record gets unless the assigner names an existing one. */
export type AssignableRecord = { id: string; key: string; version: number; values: Record<string, unknown>; customerId: string; prescored?: unknown };
/** A record scored ahead of its write: its reserved id, as a new record (version 1). */
export type PrescoreRecord = { id: string; key: string; values: Record<string, unknown> };
export type WrittenRecord = { id: string; key: string; version: number; values: Record<string, unknown>; customerId: string; created: boolean; newCustomer: boolean; verification: VerificationMap | null };
/** A joined customer's golden record computed ahead (see CustomerAssigner.goldenOfJoined): null when it does not change. */
export type JoinedGolden = { version: number; golden: Record<string, unknown> | null };

/**
 * Strategy the golden module plugs into the writer, inside the write transaction:
 * `assign` returns record id → existing customer id for the new records that match one (others get a new customer);
 * `afterWrite` runs once the batch's rows exist (golden values).
 */
export type CustomerAssigner = {
  assign(tx: Tx, ctx: WriteContext, records: AssignableRecord[]): Promise<Map<string, string>>;
  /**
   * Optional: scores valid records ahead of their write transaction, outside it (an import does it for the next
   * batch while the database writes the current one), in the order they will be written. Returns one result per
   * record, for PreparedRecord.prescored; assign uses them only if they are still sound then, else scores again.
   * `owner` (one per import run) marks the records this scoring indexes, so its later batches are not taken for
   * other writers.
   */
  prescore?(ex: Executor, ctx: WriteContext, records: PrescoreRecord[], owner: object): Promise<unknown[]>;
  /** Optional: scores ahead that the write did not use (the record turned out to exist, or was rejected): their reserved ids are no candidates. */
  discard?(prescored: unknown[]): void;
  /**
   * Golden records of customers this write creates, keyed by customer id, stored with the customer row as it
   * is inserted (one row version instead of an insert and an update). Called before the rows are written, with
   * what afterWrite will be told; the customers it answers for are passed to afterWrite as `goldenStored`.
   */
  goldenAtCreation?(tx: Tx, ctx: WriteContext, written: WrittenRecord[]): Promise<Map<string, Record<string, unknown>>>;
  /**
   * Optional: golden records of existing customers that records of this write join (or update), computed from what
   * the assigner read before the write and the batch's records as they are written (`touched`: ids of every record
   * the write changes), each with the customer version it was read at. The writing statement stores one only if its
   * customer is still at that version once locked (nothing changed it meanwhile); afterWrite is told which it stored.
   */
  goldenOfJoined?(tx: Tx, ctx: WriteContext, written: WrittenRecord[], touched: ReadonlySet<string>): Map<string, JoinedGolden>;
  /**
   * Optional: rows of its own that go into the batch's writing statement (review tasks of the records just
   * assigned), as data-modifying CTEs it names (`ctes`) and the events they give (`events`, a select for
   * insertEvents' `after`): no statements of their own after the write. Called before afterWrite, when there is
   * something written.
   */
  inWrite?(tx: Tx, ctx: WriteContext): WriteParts;
  afterWrite(tx: Tx, ctx: WriteContext, written: WrittenRecord[], goldenStored?: ReadonlySet<string>): Promise<void>;
  /** Optional: records of these customers changed outside a write (a record deleted or verified): their derived state (golden records) follows. */
  recordsChanged?(tx: Tx, customerIds: string[]): Promise<void>;
  /** The same strategy without matching (bulk loads): every new record keeps its new customer, whose derived state still follows. */
  withoutMatching?(): CustomerAssigner;
};

/** Parts of the writing statement a CustomerAssigner adds (see CustomerAssigner.inWrite). */
export type WriteParts = { ctes: { name: string; body: SQL }[]; events: SQL | null };

type Planned = {
  incoming: IncomingRecord;
  existing: StoredRecordRow | undefined;
  id: string;
  outcome: WriteOutcome;
  status: 'valid' | 'rejected';
  values: Record<string, unknown> | null;
  extras: Record<string, unknown>;
  errors: FieldError[];
  customerId: string | null;
  newCustomer: boolean;
  version: number;
  quality?: Assessment;
};

/** Every column of source_records, as StoredRecordRow has them. */
export const RECORD_COLUMNS = sql.raw(
  'id, source_id, source_key, customer_id, schema_id, schema_version, status, raw, "values", extras, errors, version, created_at, updated_at, created_by, updated_by, ' +
    'standardized, verification, quality_score, quality_computed_at, quality_issues',
);

/** Validates and assesses records outside any transaction (pure CPU); see PreparedRecord. */
export function prepareRecords(ctx: WriteContext, rules: ResolvedRules, batch: IncomingRecord[], now = new Date()): void {
  const region = ctx.source.defaultRegion ?? ctx.definition.defaultRegion ?? undefined;
  const verifiedBy = ctx.verifiedBy ?? 'api-rule';
  for (const r of batch) {
    const validation = validateCompiled(ctx.compiled, r.values);
    const quality = validation.ok ? assessRecord({ definition: ctx.definition, rules, values: validation.values, region, now, verifiedBy }) : null;
    r.prepared = { compiled: ctx.compiled, validation, quality, rules, verifiedBy };
  }
}

/**
 * Writes a batch of records of one source in the caller's transaction with set-based statements:
 * validate, enforce unique attributes, upsert with a new version per change, keep rejected records
 * with their reasons, link new valid records to new customers, and append audit entries and events.
 */
export async function writeRecords(
  tx: Tx,
  audit: AuditService,
  actor: Actor,
  ctx: WriteContext,
  batch: IncomingRecord[],
  opened?: ReadAhead,
): Promise<{ outcome: WriteOutcome; row: StoredRecordRow }[]> {
  const { planned, now } = await writePlanned(tx, audit, actor, ctx, batch, opened);
  const by = actor.id ?? actor.name;
  // The rows as written, from what was sent and what was locked before (no read back of every row).
  return planned.map((p) => ({ outcome: p.outcome, row: p.outcome === 'unchanged' ? p.existing! : writtenRow(ctx, by, p, now!) }));
}

/** A written record's row as the upsert of writePlanned leaves it; `now` is the transaction's timestamp. */
function writtenRow(ctx: WriteContext, by: string | null, p: Planned, now: Date | string): StoredRecordRow {
  const prev = p.existing;
  // A rejected update keeps the last valid values, and with them their quality.
  const kept = p.status !== 'valid' ? prev : undefined;
  const q = p.status === 'valid' ? p.quality : undefined;
  return {
    id: p.id, source_id: ctx.source.id, source_key: p.incoming.key, customer_id: p.customerId, schema_id: ctx.source.schemaId,
    schema_version: ctx.schemaVersion, status: p.status, raw: p.incoming.values, values: p.values, extras: p.extras, errors: p.errors,
    version: p.version, created_at: prev?.created_at ?? now, updated_at: now, created_by: prev ? prev.created_by : by, updated_by: by,
    standardized: kept ? (kept.standardized ?? null) : (q?.standardized ?? null),
    verification: kept ? (kept.verification ?? null) : (q?.verification ?? null),
    quality_score: kept ? (kept.quality_score ?? null) : (q?.score ?? null),
    quality_computed_at: kept ? (kept.quality_computed_at ?? null) : q ? now : null,
    quality_issues: kept ? (kept.quality_issues ?? null) : q && q.issues.length > 0 ? q.issues : null,
  };
}

/**
 * The same write for bulk callers (imports): answers from what it wrote instead of reading every row back.
 * Keys must be distinct within the batch.
 */
export async function writeRecordBatch(tx: Tx, audit: AuditService, actor: Actor, ctx: WriteContext, batch: IncomingRecord[]): Promise<WriteSummary[]> {
  const { planned } = await writePlanned(tx, audit, actor, ctx, batch);
  return planned.map((p) =>
    // An unchanged record is whatever was stored before.
    p.outcome === 'unchanged' && p.existing
      ? { outcome: p.outcome, id: p.existing.id, status: p.existing.status, errors: p.existing.errors ?? [] }
      : { outcome: p.outcome, id: p.id, status: p.status, errors: p.errors },
  );
}

/**
 * What a caller read in its own statement of the write's transaction (see openWrite): the batch's existing
 * records, locked for update, and the schema's stored quality rule overrides.
 */
export type ReadAhead = { existing: StoredRecordRow[]; ruleOverrides: QualityRules | null };

// `now`: the transaction's timestamp, which the written rows carry (null when nothing changed).
async function writePlanned(tx: Tx, audit: AuditService, actor: Actor, ctx: WriteContext, batch: IncomingRecord[], opened?: ReadAhead): Promise<{ planned: Planned[]; now: Date | string | null }> {
  const by = actor.id ?? actor.name;
  const keys = batch.map((r) => r.key);
  const existingRows =
    opened?.existing ??
    (await rows<StoredRecordRow>(tx, sql`select ${RECORD_COLUMNS} from source_records where source_id = ${ctx.source.id} and source_key = any(${sql.param(keys)}::text[]) for update`));
  const existing = new Map(existingRows.map((r) => [r.source_key, r]));

  // Prepared ahead with another schema version (or region): nothing of it holds.
  const unusable = batch.filter((r) => r.prepared && r.prepared.compiled !== ctx.compiled);
  discardPrescored(ctx, unusable.map((r) => r.prepared!));
  for (const r of unusable) r.prepared = undefined;
  const planned: Planned[] = batch.map((incoming) => {
    const prev = existing.get(incoming.key);
    const v = incoming.prepared?.validation ?? validateCompiled(ctx.compiled, incoming.values);
    return {
      incoming,
      existing: prev,
      id: prev?.id ?? incoming.prepared?.id ?? newId('record'),
      outcome: 'created',
      status: v.ok ? 'valid' : 'rejected',
      values: v.ok ? v.values : null,
      extras: v.extras,
      // A copy: enforceUnique appends to it, and a prepared result may be written again on a retry.
      errors: [...v.errors],
      customerId: prev?.customer_id ?? null,
      newCustomer: false,
      version: (prev?.version ?? 0) + 1,
    };
  });

  await enforceUnique(tx, ctx, planned);

  for (const p of planned) {
    const prev = p.existing;
    if (prev && prev.status === p.status && prev.schema_version === ctx.schemaVersion && canonicalJson(prev.raw) === canonicalJson(p.incoming.values)) {
      p.outcome = 'unchanged';
      p.version = prev.version;
      continue;
    }
    if (p.status === 'rejected') {
      p.outcome = 'rejected';
      // A rejected update keeps the last valid values, so the customer does not lose data.
      p.values = prev?.values ?? null;
      continue;
    }
    p.outcome = prev ? 'updated' : 'created';
    if (!p.customerId) {
      p.customerId = newId('customer');
      p.newCustomer = true;
    }
  }
  if (ctx.customerAssigner) {
    const asked = planned.filter((p) => p.newCustomer && p.values);
    const joins =
      asked.length > 0
        ? await ctx.customerAssigner.assign(
            tx,
            ctx,
            asked.map((p) => ({
              id: p.id, key: p.incoming.key, version: p.version, values: p.values!, customerId: p.customerId!,
              // Scored ahead as a new record under this id: only valid if it is that record now.
              ...(p.incoming.prepared?.prescored !== undefined && p.incoming.prepared.id === p.id && p.version === 1 ? { prescored: p.incoming.prepared.prescored } : {}),
            })),
          )
        : new Map<string, string>();
    for (const p of asked) {
      const existingCustomer = joins.get(p.id);
      if (existingCustomer) {
        p.customerId = existingCustomer;
        p.newCustomer = false;
      }
    }
  }
  // Scored ahead as a new record under its reserved id, but written otherwise (an update, a rejection).
  discardPrescored(
    ctx,
    planned.filter((p) => p.incoming.prepared && !(p.id === p.incoming.prepared.id && p.outcome === 'created' && p.status === 'valid')).map((p) => p.incoming.prepared!),
  );

  const changed = planned.filter((p) => p.outcome !== 'unchanged');
  await assessQuality(tx, actor, ctx, changed, opened && resolveRules(ctx.definition, opened.ruleOverrides));
  let now: Date | string | null = null;
  if (changed.length > 0) {
    const valid = changed.filter((p) => p.status === 'valid');
    const queued = ctx.searchTerms === 'queued';
    const terms = queued
      ? null
      : await planSearchTerms(
          tx,
          valid.map((p) => ({ id: p.id, customerId: p.customerId!, existed: !!p.existing, terms: searchTermsOf(ctx.definition, p.values!, p.incoming.key) })),
        );
    // New and updated customers, search terms (or the search backlog), audit entries and events go with the records
    // in one statement, as data-modifying CTEs (no foreign keys between them): one round trip and one plan each
    // less, which is most of a lone write.
    const newCustomers = changed.filter((p) => p.newCustomer);
    const written: WrittenRecord[] = valid.map((p) => ({
      id: p.id, key: p.incoming.key, version: p.version, values: p.values ?? {}, customerId: p.customerId!, created: !p.existing, newCustomer: p.newCustomer,
      verification: p.quality?.verification ?? null,
    }));
    const goldens = newCustomers.length > 0 && ctx.customerAssigner?.goldenAtCreation ? await ctx.customerAssigner.goldenAtCreation(tx, ctx, written) : new Map<string, Record<string, unknown>>();
    const events = changed.flatMap((p) => eventsFor(p, ctx, by));
    const audited = audit.insertOf(actor, changed.map((p) => auditEntry(p)));
    const parts: WriteParts = ctx.customerAssigner?.inWrite && written.length > 0 ? ctx.customerAssigner.inWrite(tx, ctx) : { ctes: [], events: null };
    const alongside: SQL[] = [
      ...(terms ? termStatements(terms) : valid.length > 0 ? [sql`insert into search_term_backlog (record_id) select unnest(${sql.param(valid.map((p) => p.id))}::text[])`] : []),
      ...(events.length > 0 || parts.events ? [insertEvents(events, parts.events ?? undefined)] : []),
      ...(audited ? [audited] : []),
    ];
    const joined = valid.filter((p) => !p.newCustomer);
    // A valid record rejected by its update leaves its customer's golden inputs: that customer moves to a new
    // version too (below), and its golden record is recomputed after the write.
    const leaving = changed.filter((p) => p.status === 'rejected' && p.existing?.status === 'valid' && p.customerId);
    const bumped = [...joined, ...leaving];
    let joinedCustomers: SQL | null = null;
    if (bumped.length > 0) {
      // Rows are locked in id order (the sort runs below the row locks), whatever order the join would visit
      // them in: two writes touching the same customers cannot then deadlock on them. Materialized, so a
      // nested loop rescans the locked ids instead of locking again; `any` lets the update use the primary key.
      const ids = sql.param(bumped.map((p) => p.customerId));
      // Golden records computed ahead are stored only for customers still at the version they were read at (the
      // locked row is the newest version): those of changed customers are recomputed after the write (afterWrite).
      // Storing one is the recompute's version step (+1 on top of the join's).
      const ahead = ctx.customerAssigner?.goldenOfJoined?.(tx, ctx, written, new Set(changed.map((p) => p.id))) ?? new Map<string, JoinedGolden>();
      joinedCustomers = sql`
        with locked as materialized (select l.id, l.version from customers l where l.id = any(${ids}::text[]) order by l.id for no key update),
        ahead as materialized (
          select a.key as id, a.value->'golden' as golden, jsonb_typeof(a.value->'golden') = 'object' as changes
          from locked join jsonb_each(${JSON.stringify(Object.fromEntries(ahead))}::jsonb) as a(key, value)
            on a.key = locked.id and (a.value->>'version')::int = locked.version)
        update customers c set display_name = coalesce(u.name, c.display_name), updated_at = now(),
               version = c.version + case when ahead.changes then 2 else 1 end,
               golden = case when ahead.changes then ahead.golden else c.golden end,
               -- A deleted record sent again brings its customer back (deleting its only record had deleted it).
               status = case when c.status = 'deleted' then 'active' else c.status end
        from locked, unnest(${ids}::text[], ${sql.param(bumped.map((p) => (p.status === 'valid' ? displayNameOf(ctx.definition, p.values!) : null)))}::text[]) as u(id, name)
          left join ahead on ahead.id = u.id
        where c.id = any(${ids}::text[]) and c.id = locked.id and u.id = locked.id
        returning c.id, ahead.id is not null as golden_stored`;
    }
    if (newCustomers.length > 0) {
      // A customer born with its golden record is at version 2, as if created (1) and then given it (2).
      const rowsDoc = JSON.stringify(
        newCustomers.map((p) => {
          const golden = goldens.get(p.customerId!);
          const filled = golden !== undefined && Object.keys(golden).length > 0;
          return { id: p.customerId, name: p.values ? displayNameOf(ctx.definition, p.values) : null, golden: filled ? golden : null, version: filled ? 2 : 1 };
        }),
      );
      alongside.unshift(sql`
        insert into customers (id, display_name, golden, version)
        select u.id, u.name, coalesce(u.golden, '{}'::jsonb), u.version
        from jsonb_to_recordset(${rowsDoc}::jsonb) as u(id text, name text, golden jsonb, version int)`);
    }
    // The version row is copied from the written row in the same statement: each JSON document is sent
    // and parsed once. Version 1 is the creation (an existing record always has a version, so it gets 2+).
    const doc = recordDocument(changed);
    const [stamp] = await preparedRows<{ now: Date | string; golden_stored: string[] | null }>(tx, sql`
      with ${joinedCustomers ? sql`joined_customers as (${joinedCustomers}), ` : sql``}${sql.join(parts.ctes.map((c) => sql`${sql.identifier(c.name)} as (${c.body}), `))}
      ${sql.join(alongside.map((q, i) => sql`${sql.raw(`alongside_${i}`)} as (${q}), `))}
      maps(list) as materialized (select ${doc.maps}::jsonb),
      written as (
      insert into source_records (id, source_id, source_key, customer_id, schema_id, schema_version, status, raw, "values", extras, errors, version, created_by, updated_by,
                                  standardized, verification, quality_score, quality_computed_at, quality_issues)
      select u.id, ${ctx.source.id}, u.key, u.customer_id, ${ctx.source.schemaId}, ${ctx.schemaVersion}, u.status, u.raw, u.vals,
             u.extras, u.errors, u.version, ${by}, ${by},
             u.std,
             maps.list -> u.ver,
             u.score::smallint, case when u.score is null then null else now() end, u.issues
      from maps, jsonb_to_recordset(${doc.rows}::jsonb)
           as u(id text, key text, customer_id text, status text, raw jsonb, vals jsonb, extras jsonb, errors jsonb, version int, std jsonb, ver int, score int, issues text[])
      on conflict (source_id, source_key) do update set
        customer_id = excluded.customer_id, schema_version = excluded.schema_version, status = excluded.status,
        raw = excluded.raw, "values" = excluded."values", extras = excluded.extras, errors = excluded.errors,
        version = excluded.version, updated_at = now(), updated_by = excluded.updated_by,
        -- A rejected update keeps the last valid values, so it keeps their quality too.
        standardized = case when excluded.status = 'valid' then excluded.standardized else source_records.standardized end,
        verification = case when excluded.status = 'valid' then excluded.verification else source_records.verification end,
        quality_score = case when excluded.status = 'valid' then excluded.quality_score else source_records.quality_score end,
        quality_computed_at = case when excluded.status = 'valid' then excluded.quality_computed_at else source_records.quality_computed_at end,
        quality_issues = case when excluded.status = 'valid' then excluded.quality_issues else source_records.quality_issues end
      returning id, version, status, raw, "values", errors),
      versions as (
      insert into source_record_versions (record_id, version, change_kind, status, schema_version, raw, "values", errors, changed_by)
      select w.id, w.version, case when w.version = 1 then 'create' else 'update' end, w.status, ${ctx.schemaVersion}, w.raw, w."values", w.errors, ${by}
      from written w)
      select now() as now, ${joinedCustomers ? sql`(select array_agg(id) from joined_customers where golden_stored)` : sql`null::text[]`} as golden_stored`);
    now = stamp!.now;
    const goldenStored = new Set([...goldens.keys(), ...(stamp!.golden_stored ?? [])]);
    await refreshUniqueClaims(tx, ctx, valid);
    if (ctx.customerAssigner && written.length > 0) await ctx.customerAssigner.afterWrite(tx, ctx, written, goldenStored);
    const left = [...new Set(leaving.map((p) => p.customerId!))].filter((id) => !written.some((w) => w.customerId === id));
    if (left.length > 0) await ctx.customerAssigner?.recordsChanged?.(tx, left);
  }
  return { planned, now };
}

/**
 * The rows to write as one JSON document (a single parameter, unpacked by jsonb_to_recordset): several
 * times cheaper for the server than one text[] array per column, whose JSON elements array_in must unescape.
 * Parsing the document is most of the statement's time, and verification maps were over half of it, yet
 * whole maps repeat (most values of a batch are valid, stamped at the same instant by the same rule: about
 * a hundred distinct maps in 5,000 generated records). So each distinct map is sent once in `maps` and a
 * row's `ver` is its position there: the server copies that element instead of parsing or building a map.
 */
function recordDocument(changed: Planned[]): { rows: string; maps: string } {
  const maps: string[] = [];
  const positions = new Map<string, number>();
  const mapRef = (verification: VerificationMap): number => {
    // Most stamps carry no reasons: a cheap key instead of their JSON (a NUL never occurs in JSON text).
    let key = '';
    for (const [attr, v] of Object.entries(verification)) {
      const plain = Array.isArray(v.reasons) && v.reasons.length === 0 && v.suggestion === undefined && Object.keys(v).length === 4;
      key += plain ? `${attr}\u0000${v.status}\u0000${v.verifiedAt}\u0000${v.verifiedBy}\u0001` : `${attr}\u0000${JSON.stringify(v)}\u0001`;
    }
    let at = positions.get(key);
    if (at === undefined) {
      at = maps.push(JSON.stringify(verification)) - 1;
      positions.set(key, at);
    }
    return at;
  };
  const rows = JSON.stringify(
    changed.map((p) => ({
      id: p.id,
      key: p.incoming.key,
      customer_id: p.customerId,
      status: p.status,
      raw: p.incoming.values,
      vals: p.values,
      extras: p.extras,
      errors: p.errors,
      version: p.version,
      std: p.quality?.standardized ?? null,
      ver: p.quality ? mapRef(p.quality.verification) : null,
      score: p.quality?.score ?? null,
      issues: p.quality && p.quality.issues.length > 0 ? p.quality.issues : null,
    })),
  );
  return { rows, maps: `[${maps.join(',')}]` };
}

/** Standardizes, verifies and scores the valid records of the batch (pure JS per row; rules are one query). */
async function assessQuality(tx: Tx, actor: Actor, ctx: WriteContext, changed: Planned[], known?: ResolvedRules): Promise<void> {
  const valid = changed.filter((p) => p.status === 'valid' && p.values);
  if (valid.length === 0) return;
  const rules = known ?? (await loadRules(tx, ctx.source.schemaId, ctx.definition));
  const verifiedBy = ctx.verifiedBy ?? (actor.type === 'customer' ? 'customer' : 'api-rule');
  const region = ctx.source.defaultRegion ?? ctx.definition.defaultRegion;
  const now = new Date();
  const rulesKey = canonicalJson(rules);
  const preparedRules = new Map<ResolvedRules, boolean>();
  for (const p of valid) {
    const prev = p.existing;
    const ready = p.incoming.prepared;
    if (!prev && ready?.quality && ready.verifiedBy === verifiedBy) {
      let same = preparedRules.get(ready.rules);
      if (same === undefined) preparedRules.set(ready.rules, (same = canonicalJson(ready.rules) === rulesKey));
      if (same) {
        p.quality = ready.quality;
        continue;
      }
    }
    p.quality = assessRecord({
      definition: ctx.definition,
      rules,
      values: p.values!,
      previous: prev ? { standardized: prev.standardized ?? null, verification: prev.verification ?? null } : null,
      region: region ?? undefined,
      now,
      verifiedBy,
    });
  }
}

// The scores are dropped with their index entry: should this transaction roll back and the record be written
// again as new under the reserved id, it is scored (and indexed) afresh.
function discardPrescored(ctx: WriteContext, prepared: PreparedRecord[]): void {
  const unused = prepared.filter((r) => r.prescored !== undefined);
  if (unused.length === 0) return;
  ctx.customerAssigner?.discard?.(unused.map((r) => r.prescored));
  for (const r of unused) r.prescored = undefined;
}

/** Unique attributes: a value may belong to one record per source; later claimants are rejected. */
async function enforceUnique(tx: Tx, ctx: WriteContext, planned: Planned[]): Promise<void> {
  const uniqueAttrs = ctx.definition.attributes.filter((a) => a.unique).map((a) => a.name);
  if (uniqueAttrs.length === 0) return;
  const claims: { p: Planned; attr: string; key: string }[] = [];
  for (const p of planned) {
    if (p.status !== 'valid' || !p.values) continue;
    for (const attr of uniqueAttrs) {
      const v = p.values[attr];
      if (v === null || v === undefined) continue;
      claims.push({ p, attr, key: uniqueKey(v) });
    }
  }
  if (claims.length === 0) return;
  const owners = await rows<{ attribute: string; value_key: string; record_id: string }>(
    tx,
    sql`select attribute, value_key, record_id from record_unique_values
        where source_id = ${ctx.source.id}
          and (attribute, value_key) in (select * from unnest(${sql.param(claims.map((c) => c.attr))}::text[], ${sql.param(claims.map((c) => c.key))}::text[]))`,
  );
  const owner = new Map(owners.map((o) => [`${o.attribute}\u0000${o.value_key}`, o.record_id]));
  for (const c of claims) {
    const k = `${c.attr}\u0000${c.key}`;
    const current = owner.get(k);
    if (current !== undefined && current !== c.p.id) {
      reject(c.p, c.attr, c.p.values?.[c.attr]);
      continue;
    }
    if (c.p.status === 'valid') owner.set(k, c.p.id);
  }
}

function reject(p: Planned, attr: string, value: unknown): void {
  p.status = 'rejected';
  p.errors.push({ field: attr, rule: 'unique' as FieldError['rule'], message: 'another record of this source already has this value', value });
  p.values = null;
}

function uniqueKey(v: unknown): string {
  return typeof v === 'string' ? v.toLowerCase() : canonicalJson(v);
}

/** Unique-value claims follow the record's valid values (search terms and customers: writePlanned). */
async function refreshUniqueClaims(tx: Tx, ctx: WriteContext, valid: Planned[]): Promise<void> {
  if (valid.length === 0) return;
  // A record written for the first time has no claims yet (its id is new): nothing to delete.
  const ids = valid.filter((p) => p.existing).map((p) => p.id);
  const uniqueAttrs = ctx.definition.attributes.filter((a) => a.unique).map((a) => a.name);
  if (uniqueAttrs.length > 0) {
    if (ids.length > 0) await tx.execute(sql`delete from record_unique_values where record_id = any(${sql.param(ids)}::text[])`);
    const claims = valid.flatMap((p) =>
      uniqueAttrs.filter((a) => p.values![a] !== null && p.values![a] !== undefined).map((a) => ({ id: p.id, attr: a, key: uniqueKey(p.values![a]) })),
    );
    if (claims.length > 0) {
      await tx.execute(sql`
        insert into record_unique_values (source_id, attribute, value_key, record_id)
        select ${ctx.source.id}, u.attr, u.key, u.id
        from unnest(${sql.param(claims.map((c) => c.attr))}::text[], ${sql.param(claims.map((c) => c.key))}::text[], ${sql.param(claims.map((c) => c.id))}::text[]) as u(attr, key, id)`);
    }
  }
}

function auditEntry(p: Planned): AuditInput {
  const before = p.existing ? { status: p.existing.status, raw: p.existing.raw, values: p.existing.values, version: p.existing.version } : null;
  return {
    action: p.existing ? (p.status === 'rejected' ? 'record.update_rejected' : 'record.update') : p.status === 'rejected' ? 'record.create_rejected' : 'record.create',
    entityType: 'record',
    entityId: p.id,
    payload: { before, after: { status: p.status, raw: p.incoming.values, values: p.values, errors: p.errors, version: p.version } },
    ...(p.incoming.request ? { request: p.incoming.request } : {}),
  };
}

function eventsFor(p: Planned, ctx: WriteContext, by: string | null): DomainEvent[] {
  const base = { sourceId: ctx.source.id, sourceKey: p.incoming.key, recordId: p.id, version: p.version };
  const out: DomainEvent[] = [];
  if (p.newCustomer) out.push({ type: 'customer.created', aggregateType: 'customer', aggregateId: p.customerId!, payload: { recordId: p.id }, actorId: by });
  if (p.status === 'rejected') {
    out.push({ type: 'record.quarantined', aggregateType: 'record', aggregateId: p.id, payload: { ...base, errors: p.errors }, actorId: by });
  } else {
    out.push({ type: p.existing ? 'record.updated' : 'record.created', aggregateType: 'record', aggregateId: p.id, payload: { ...base, customerId: p.customerId }, actorId: by });
    if (!p.newCustomer) out.push({ type: 'customer.updated', aggregateType: 'customer', aggregateId: p.customerId!, payload: { recordId: p.id }, actorId: by });
  }
  return out;
}
