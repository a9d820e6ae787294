import { sql } from 'drizzle-orm';
import { Actor } from '../../platform/auth/actor.js';
import type { Database, Executor, Tx } from '../../platform/db/database.js';
import { rows } from '../../platform/db/database.js';
import { emitEvents } from '../../platform/events/outbox.js';
import { AppError } from '../../platform/errors/app-error.js';
import { parseOrThrow } from '../../platform/errors/zod-details.js';
import { newId } from '../../platform/ids.js';
import type { AuditService } from '../audit/index.js';
import type { ConsentService } from '../consent/consent.service.js';
import { toCsv } from '../consent/csv-out.js';
import type { StoredRecordRow } from '../records/index.js';
import type { RecordsService } from '../records/index.js';
import { writeRecords } from '../records/index.js';
import type { SchemaDefinition, SchemasService } from '../schemas/index.js';
import { validateCompiled } from '../schemas/index.js';
import type { SourcesService } from '../sources/index.js';
import type { DsrKind, RequestView, RetentionReport, TombstoneView } from './dsr.schemas.js';
import { assertCustomersNotRestricted } from './restriction-guard.js';
import { closeRequestBody, createRequestBody, eraseBody, rectifyBody, requestListQuery, restrictBody, retentionPolicyBody, retentionRunBody } from './dsr.schemas.js';

type RequestRow = {
  id: string;
  customer_id: string;
  kind: string;
  status: string;
  channel: string;
  legal_basis: string | null;
  note: string | null;
  received_at: Date | string;
  due_at: Date | string;
  completed_at: Date | string | null;
  result: unknown;
  created_by: string | null;
  completed_by: string | null;
};

type FullRecordRow = StoredRecordRow & { standardized?: unknown; verification?: Record<string, unknown> | null };

/** Everything held about one customer, as given to the customer (access / portability). */
export type SubjectBundle = {
  exportedAt: string;
  customer: { id: string; status: string; displayName: string | null; golden: unknown; createdAt: string; updatedAt: string };
  records: Array<{
    id: string;
    sourceId: string;
    sourceName: string | null;
    sourceKey: string;
    status: string;
    values: Record<string, unknown> | null;
    raw: Record<string, unknown>;
    extras: Record<string, unknown> | null;
    standardized: unknown;
    verification: Record<string, unknown> | null;
    version: number;
    createdAt: string;
    updatedAt: string;
    versions: Array<{ version: number; changeKind: string; status: string; values: unknown; raw: unknown; changedAt: string; changedBy: string | null }>;
  }>;
  consents: { current: unknown[]; history: unknown[] };
  verificationStamps: Array<{ recordId: string; attribute: string; status: unknown; verifiedAt: unknown; verifiedBy: unknown }>;
  requests: RequestView[];
  /** IP address and user agent of the customer's own portal requests (kept outside the audit chain). */
  networkLog: Array<{ requestId: string; ip: string | null; userAgent: string | null; at: string }>;
  audit: Array<{ at: string; action: string; actorType: string; actorId: string | null; entityType: string; entityId: string | null; payload: unknown }>;
};

export type DsrConfig = { deadlineDays: number };

// Types that cannot identify a person on their own; anonymisation keeps them when the attribute is public.
const NON_IDENTIFYING_TYPES = new Set(['enum', 'country', 'boolean', 'integer', 'decimal', 'currency']);

const iso = (v: Date | string | null): string | null => (v === null ? null : new Date(v).toISOString());

/**
 * Data-subject rights: the request log with deadlines, access/portability exports, rectification,
 * erasure (with a tombstone), restriction, and retention by inactivity.
 */
export class DsrService {
  /** Called after an erasure commits, with the erased customer ids (e.g. to delete files outside the database). */
  readonly onErased: Array<(customerIds: string[]) => Promise<void>> = [];

  constructor(
    private readonly database: Database,
    private readonly audit: AuditService,
    private readonly schemas: SchemasService,
    private readonly sources: SourcesService,
    private readonly records: RecordsService,
    private readonly consent: ConsentService,
    private readonly config: DsrConfig = { deadlineDays: 30 },
  ) {}

  // ---- request log ----

  /** Logs a request with its deadline (default 30 days). */
  async createRequest(actor: Actor, input: unknown, ex?: Executor): Promise<RequestView> {
    if (actor.type !== 'customer') actor.require('dsr:manage');
    const body = parseOrThrow(createRequestBody, input, 'request');
    const run = async (tx: Executor): Promise<RequestView> => {
      await this.assertCustomer(tx, body.customer);
      const id = newId('dsrRequest');
      const due = new Date(Date.now() + (body.dueInDays ?? this.config.deadlineDays) * 86_400_000);
      await tx.execute(sql`
        insert into dsr_requests (id, customer_id, kind, status, channel, legal_basis, note, due_at, created_by)
        values (${id}, ${body.customer}, ${body.kind}, 'open', ${body.channel}, ${body.legalBasis ?? null}, ${body.note ?? null}, ${due.toISOString()}, ${actor.id ?? actor.name})`);
      await this.audit.append(tx, auditActor(actor), { action: 'dsr.request', entityType: 'customer', entityId: body.customer, payload: { requestId: id, kind: body.kind, channel: body.channel, dueAt: due.toISOString() } });
      return (await this.requestRow(tx, id))!;
    };
    return ex ? run(ex) : this.database.db.transaction(run);
  }

  async listRequests(actor: Actor, query: unknown): Promise<RequestView[]> {
    actor.require('dsr:manage');
    const q = parseOrThrow(requestListQuery, query, 'query');
    const conds = [sql`true`];
    if (q.status) conds.push(sql`status = ${q.status}`);
    if (q.customer) conds.push(sql`customer_id = ${q.customer}`);
    if (q.overdue === 'true') conds.push(sql`status = 'open' and due_at < now()`);
    const list = await rows<RequestRow>(this.database.db, sql`select * from dsr_requests where ${sql.join(conds, sql` and `)} order by due_at, id limit ${q.limit}`);
    return list.map(requestView);
  }

  async getRequest(actor: Actor, id: string): Promise<RequestView> {
    actor.require('dsr:manage');
    const r = await this.requestRow(this.database.db, id);
    if (!r) throw AppError.notFound('Request', id);
    return r;
  }

  async closeRequest(actor: Actor, id: string, status: 'completed' | 'rejected', input: unknown = {}, result?: unknown, ex?: Executor): Promise<RequestView> {
    actor.require('dsr:manage');
    const body = parseOrThrow(closeRequestBody, input, 'request update');
    const run = async (tx: Executor): Promise<RequestView> => {
      const before = await this.requestRow(tx, id);
      if (!before) throw AppError.notFound('Request', id);
      if (before.status !== 'open') throw AppError.conflict(`Request ${id} is already ${before.status}`);
      await tx.execute(sql`
        update dsr_requests set status = ${status}, completed_at = now(), completed_by = ${actor.id ?? actor.name},
          note = coalesce(${body.note ?? null}, note), result = ${result === undefined ? null : JSON.stringify(result)}::jsonb
        where id = ${id}`);
      await this.audit.append(tx, actor, { action: `dsr.${status === 'completed' ? 'complete' : 'reject'}`, entityType: 'customer', entityId: before.customerId, payload: { requestId: id, kind: before.kind } });
      return (await this.requestRow(tx, id))!;
    };
    return ex ? run(ex) : this.database.db.transaction(run);
  }

  // ---- access / portability ----

  /** Staff export of everything about a customer, as JSON or CSV. Audited. */
  async accessExport(actor: Actor, customerId: string, format: 'json' | 'csv'): Promise<{ bundle: SubjectBundle; csv?: string }> {
    actor.require('dsr:manage');
    const bundle = await this.bundle(customerId);
    await this.audit.append(this.database.db, actor, { action: 'dsr.access_export', entityType: 'customer', entityId: customerId, payload: { format, records: bundle.records.length } });
    return { bundle, ...(format === 'csv' ? { csv: bundleCsv(bundle) } : {}) };
  }

  /** Builds the subject bundle (no authorization: callers authorize — staff permission or the portal token). */
  async bundle(customerId: string): Promise<SubjectBundle> {
    const c = await this.assertCustomer(this.database.db, customerId);
    const recs = await rows<FullRecordRow>(this.database.db, sql`select * from source_records where customer_id = ${customerId} order by id`);
    const srcs = await this.sources.byIds([...new Set(recs.map((r) => r.source_id))]);
    const versions = await rows<{ record_id: string; version: number; change_kind: string; status: string; values: unknown; raw: unknown; changed_at: Date | string; changed_by: string | null }>(
      this.database.db,
      sql`select record_id, version, change_kind, status, "values", raw, changed_at, changed_by from source_record_versions where record_id = any(${sql.param(recs.map((r) => r.id))}::text[]) order by record_id, version`,
    );
    const requests = await rows<RequestRow>(this.database.db, sql`select * from dsr_requests where customer_id = ${customerId} order by received_at`);
    const audit = await rows<{ at: Date | string; action: string; actor_type: string; actor_id: string | null; entity_type: string; entity_id: string | null; payload: unknown }>(
      this.database.db,
      sql`select at, action, actor_type, actor_id, entity_type, entity_id, payload from audit_log
          where entity_id = ${customerId} or (entity_type = 'record' and entity_id = any(${sql.param(recs.map((r) => r.id))}::text[])) order by seq limit 10000`,
    );
    const network = await rows<{ request_id: string; ip: string | null; user_agent: string | null; at: Date | string }>(
      this.database.db,
      sql`select request_id, ip, user_agent, at from subject_network_log where customer_id = ${customerId} order by at, request_id limit 10000`,
    );
    const stamps: SubjectBundle['verificationStamps'] = [];
    for (const r of recs) {
      for (const [attribute, v] of Object.entries(r.verification ?? {})) {
        const s = v as { status?: unknown; verifiedAt?: unknown; verifiedBy?: unknown };
        stamps.push({ recordId: r.id, attribute, status: s.status ?? null, verifiedAt: s.verifiedAt ?? null, verifiedBy: s.verifiedBy ?? null });
      }
    }
    return {
      exportedAt: new Date().toISOString(),
      customer: { id: c.id, status: c.status, displayName: c.display_name, golden: c.golden, createdAt: iso(c.created_at)!, updatedAt: iso(c.updated_at)! },
      records: recs.map((r) => ({
        id: r.id,
        sourceId: r.source_id,
        sourceName: srcs.get(r.source_id)?.name ?? null,
        sourceKey: r.source_key,
        status: r.status,
        values: r.values,
        raw: r.raw,
        extras: r.extras,
        standardized: r.standardized ?? null,
        verification: r.verification ?? null,
        version: Number(r.version),
        createdAt: iso(r.created_at)!,
        updatedAt: iso(r.updated_at)!,
        versions: versions
          .filter((v) => v.record_id === r.id)
          .map((v) => ({ version: Number(v.version), changeKind: v.change_kind, status: v.status, values: v.values, raw: v.raw, changedAt: iso(v.changed_at)!, changedBy: v.changed_by })),
      })),
      consents: { current: await this.consent.statesOf(customerId), history: await this.consent.eventsOf(customerId) },
      verificationStamps: stamps,
      requests: requests.map(requestView),
      networkLog: network.map((n) => ({ requestId: n.request_id, ip: n.ip, userAgent: n.user_agent, at: iso(n.at)! })),
      audit: audit.map((a) => ({ at: iso(a.at)!, action: a.action, actorType: a.actor_type, actorId: a.actor_id, entityType: a.entity_type, entityId: a.entity_id, payload: a.payload })),
    };
  }

  // ---- rectification ----

  /**
   * Corrects attribute values of one of the customer's records (a new record version, so history is kept).
   * A restricted customer is refused (409 customer_restricted) unless `liftRestriction` is set: then the
   * correction and the lifting commit together (the usual end of a restriction for contested accuracy).
   */
  async rectify(actor: Actor, customerId: string, input: unknown): Promise<{ recordId: string; version: number; requestId: string; restrictionLifted: boolean }> {
    actor.require('dsr:manage');
    const body = parseOrThrow(rectifyBody, input, 'rectification');
    const out = await this.correctRecord(actor, customerId, body.recordId, body.values, { liftRestriction: body.liftRestriction });
    const request = body.requestId ? await this.getRequest(actor, body.requestId) : await this.createRequest(actor, { customer: customerId, kind: 'rectification', channel: 'staff' });
    if (request.status === 'open') await this.closeRequest(actor, request.id, 'completed', {}, { recordId: body.recordId, attributes: Object.keys(body.values), version: out.version });
    return { ...out, requestId: request.id };
  }

  /**
   * Validates the changed values against the record's current schema and writes them as an update of the
   * record (records writer: new version, audit, events). Invalid values are refused, not quarantined; so is
   * a restricted customer unless the caller lifts the restriction with it.
   */
  async correctRecord(
    actor: Actor,
    customerId: string,
    recordId: string,
    changes: Record<string, unknown>,
    opts: { liftRestriction?: boolean } = {},
  ): Promise<{ recordId: string; version: number; restrictionLifted: boolean }> {
    const [row] = await rows<StoredRecordRow>(this.database.db, sql`select * from source_records where id = ${recordId} and customer_id = ${customerId}`);
    if (!row || row.status === 'deleted') throw AppError.notFound('Record', recordId);
    const source = (await this.sources.byIds([row.source_id])).get(row.source_id)!;
    if (source.archivedAt) throw AppError.conflict(`Source ${source.name} is archived; unarchive it to write records`);
    const ctx = await this.records.writeContext(source);
    const known = new Set(ctx.definition.attributes.map((a) => a.name));
    const unknown = Object.keys(changes).filter((k) => !known.has(k));
    if (unknown.length > 0) throw AppError.validation('Unknown attribute', unknown.map((k) => ({ field: k, rule: 'exists', message: 'not an attribute of this record' })));
    const merged = { ...(row.values ?? {}), ...changes };
    const v = validateCompiled(ctx.compiled, merged);
    if (!v.ok) throw AppError.validation('The corrected values are not valid', v.errors.map((e) => ({ field: e.field, rule: e.rule, message: e.message })));
    const writer = writerActor(actor);
    writer.require('records:write');
    return this.database.db.transaction(async (tx) => {
      let lifted = false;
      if (opts.liftRestriction) {
        actor.require('dsr:manage');
        lifted = await this.liftIn(tx, actor, customerId);
      } else {
        await assertCustomersNotRestricted(tx, [customerId], 'Correction refused');
      }
      const [res] = await writeRecords(tx, this.audit, writer, await this.records.writeContext(source, tx), [{ key: row.source_key, values: merged }]);
      return { recordId, version: Number(res!.row.version), restrictionLifted: lifted };
    });
  }

  // ---- restriction ----

  async restrict(actor: Actor, customerId: string, input: unknown = {}): Promise<{ customerId: string; since: string; requestId: string }> {
    actor.require('dsr:manage');
    const body = parseOrThrow(restrictBody, input, 'restriction');
    return this.database.db.transaction(async (tx) => {
      await this.assertCustomer(tx, customerId);
      const request = body.requestId ? await this.requestRow(tx, body.requestId) : await this.createRequest(actor, { customer: customerId, kind: 'restriction' }, tx);
      if (!request) throw AppError.notFound('Request', body.requestId!);
      await tx.execute(sql`
        insert into dsr_restrictions (customer_id, request_id, reason, created_by) values (${customerId}, ${request.id}, ${body.reason ?? null}, ${actor.id ?? actor.name})
        on conflict (customer_id) do nothing`);
      await this.audit.append(tx, actor, { action: 'dsr.restrict', entityType: 'customer', entityId: customerId, payload: { requestId: request.id } });
      await emitEvents(tx, [{ type: 'customer.restricted', aggregateType: 'customer', aggregateId: customerId, payload: {}, actorId: actor.id ?? actor.name }]);
      if (request.status === 'open') await this.closeRequest(actor, request.id, 'completed', {}, { restricted: true }, tx);
      const [r] = await rows<{ since: Date | string }>(tx, sql`select since from dsr_restrictions where customer_id = ${customerId}`);
      return { customerId, since: iso(r!.since)!, requestId: request.id };
    });
  }

  async liftRestriction(actor: Actor, customerId: string): Promise<{ customerId: string; lifted: boolean }> {
    actor.require('dsr:manage');
    return this.database.db.transaction(async (tx) => ({ customerId, lifted: await this.liftIn(tx, actor, customerId) }));
  }

  /** Lifts a restriction in the caller's transaction (logged as a completed lift_restriction request). */
  private async liftIn(tx: Executor, actor: Actor, customerId: string): Promise<boolean> {
    const gone = await rows(tx, sql`delete from dsr_restrictions where customer_id = ${customerId} returning customer_id`);
    if (gone.length === 0) return false;
    const request = await this.createRequest(actor, { customer: customerId, kind: 'lift_restriction' }, tx);
    await this.closeRequest(actor, request.id, 'completed', {}, { restricted: false }, tx);
    await this.audit.append(tx, actor, { action: 'dsr.lift_restriction', entityType: 'customer', entityId: customerId, payload: { requestId: request.id } });
    await emitEvents(tx, [{ type: 'customer.restriction_lifted', aggregateType: 'customer', aggregateId: customerId, payload: {}, actorId: actor.id ?? actor.name }]);
    return true;
  }

  /** Whether the customer is restricted; null when there is no such customer. */
  async restrictionOf(customerId: string): Promise<boolean | null> {
    const [c] = await rows<{ restricted: boolean }>(
      this.database.db,
      sql`select exists (select 1 from dsr_restrictions r where r.customer_id = c.id) as restricted from customers c where c.id = ${customerId}`,
    );
    return c ? c.restricted : null;
  }

  /** Throws 409 (rule customer_restricted) when the customer is restricted. */
  async assertNotRestricted(customerId: string, ex?: Executor, what = 'Processing refused'): Promise<void> {
    await assertCustomersNotRestricted(ex ?? this.database.db, [customerId], what);
  }

  // ---- erasure ----

  /** Erases (or anonymises) one customer everywhere, keeping a tombstone. See docs/privacy.md. */
  async erase(actor: Actor, customerId: string, input: unknown): Promise<TombstoneView> {
    actor.require('dsr:manage');
    const body = parseOrThrow(eraseBody, input, 'erasure');
    const erased: string[] = [];
    const tombstone = await this.database.db.transaction(async (tx) => {
      const [c] = await rows<{ id: string }>(tx, sql`select id from customers where id = ${customerId} for update`);
      if (!c) throw AppError.notFound('Customer', customerId);
      if ((await rows(tx, sql`select 1 from dsr_tombstones where customer_id = ${customerId}`)).length > 0) throw AppError.conflict(`Customer ${customerId} is already erased`);
      const request = body.requestId ? await this.requestRow(tx, body.requestId) : await this.createRequest(actor, { customer: customerId, kind: 'erasure', legalBasis: body.legalBasis }, tx);
      if (!request) throw AppError.notFound('Request', body.requestId!);
      const { counts, ids } = await this.eraseIn(tx, [customerId], body.mode);
      erased.push(...ids);
      await tx.execute(sql`
        insert into dsr_tombstones (customer_id, requested_by, legal_basis, request_id, mode, counts)
        values (${customerId}, ${actor.id ?? actor.name}, ${body.legalBasis}, ${request.id}, ${body.mode}, ${JSON.stringify(counts)}::jsonb)`);
      await this.audit.append(tx, actor, { action: body.mode === 'erase' ? 'dsr.erase' : 'dsr.anonymise', entityType: 'customer', entityId: customerId, payload: { requestId: request.id, legalBasis: body.legalBasis, counts } });
      await emitEvents(tx, [{ type: 'customer.erased', aggregateType: 'customer', aggregateId: customerId, payload: { mode: body.mode }, actorId: actor.id ?? actor.name }]);
      if (request.status === 'open') await this.closeRequest(actor, request.id, 'completed', {}, { mode: body.mode, counts }, tx);
      const [t] = await rows<TombstoneRow>(tx, sql`select * from dsr_tombstones where customer_id = ${customerId}`);
      return tombstoneView(t!);
    });
    for (const hook of this.onErased) await hook(erased);
    return tombstone;
  }

  /**
   * Removes personal data of the customers (and customers merged into them) from every table that holds
   * it, in the caller's transaction. The list of places is docs/privacy.md; keep both in step.
   */
  private async eraseIn(tx: Tx, customerIds: string[], mode: 'erase' | 'anonymise'): Promise<{ counts: Record<string, number>; ids: string[] }> {
    const merged = await rows<{ id: string }>(tx, sql`select id from customers where merged_into = any(${sql.param(customerIds)}::text[])`);
    const ids = [...new Set([...customerIds, ...merged.map((m) => m.id)])];
    const recs = await rows<FullRecordRow>(tx, sql`select * from source_records where customer_id = any(${sql.param(ids)}::text[]) for update`);
    const recIds = recs.map((r) => r.id);
    const counts: Record<string, number> = {};
    const exec = async (name: string, q: ReturnType<typeof sql>): Promise<void> => {
      const res = (await tx.execute(q)) as unknown as { rowCount?: number | null; affectedRows?: number };
      counts[name] = (counts[name] ?? 0) + Number(res.rowCount ?? res.affectedRows ?? 0);
    };
    // Import quarantine rows of these records (by record id, or by source key for rows that never became records).
    const quarantine = await rows<{ id: string }>(
      tx,
      sql`select q.id from import_quarantine q
          where q.record_id = any(${sql.param(recIds)}::text[])
             or (q.source_id, q.source_key) in (select * from unnest(${sql.param(recs.map((r) => r.source_id))}::text[], ${sql.param(recs.map((r) => r.source_key))}::text[]))`,
    );
    const qIds = quarantine.map((q) => q.id);
    // Audit payloads about these customers, records or quarantine rows become NULL (the chain covers the
    // digest, so it still verifies). The LIKE pass also catches entries of other entities that mention them.
    const patterns = [...ids, ...recIds, ...qIds].map((id) => `%${id}%`);
    await exec(
      'audit_log',
      sql`update audit_log set payload = null where payload is not null and (
            entity_id = any(${sql.param([...ids, ...recIds, ...qIds])}::text[]) or payload::text like any(${sql.param(patterns)}::text[]))`,
    );
    await exec(
      'events',
      sql`update events set payload = '{"redacted": true}'::jsonb where payload <> '{"redacted": true}'::jsonb and (
            aggregate_id = any(${sql.param([...ids, ...recIds, ...qIds])}::text[]) or payload::text like any(${sql.param(patterns)}::text[]))`,
    );
    await exec('import_quarantine', sql`delete from import_quarantine where id = any(${sql.param(qIds)}::text[])`);
    await exec('customer_search_terms', sql`delete from customer_search_terms where record_id = any(${sql.param(recIds)}::text[]) or customer_id = any(${sql.param(ids)}::text[])`);
    await exec('record_unique_values', sql`delete from record_unique_values where record_id = any(${sql.param(recIds)}::text[])`);
    await exec('source_record_versions', sql`delete from source_record_versions where record_id = any(${sql.param(recIds)}::text[])`);
    if (mode === 'erase') {
      await exec('source_records', sql`delete from source_records where id = any(${sql.param(recIds)}::text[])`);
    } else {
      const kept: string[] = [];
      for (const r of recs) kept.push(JSON.stringify(keepNonIdentifying((await this.schemas.loadVersion(r.schema_id, Number(r.schema_version))).definition, r.values)));
      await exec(
        'source_records',
        sql`update source_records s set raw = u.kept::jsonb, "values" = u.kept::jsonb, extras = null, errors = null, standardized = null, verification = null,
              quality_issues = null, source_key = 'anon:' || s.id, updated_at = now(), updated_by = 'dsr'
            from unnest(${sql.param(recIds)}::text[], ${sql.param(kept)}::text[]) as u(id, kept) where s.id = u.id`,
      );
    }
    await exec('customers', sql`update customers set display_name = null, golden = '{}'::jsonb, status = 'deleted', updated_at = now(), version = version + 1 where id = any(${sql.param(ids)}::text[])`);
    // The consent ledger stays (proof that contacts were lawful) without the network identifiers and the salt
    // that was hashed with them (so the remaining hash cannot confirm a guessed IP address).
    await exec(
      'consent_events',
      sql`update consent_events set proof = (proof - 'ip' - 'userAgent' - 'salt') || '{"redacted": true}'::jsonb where customer_id = any(${sql.param(ids)}::text[]) and (proof ? 'ip' or proof ? 'userAgent' or proof ? 'salt')`,
    );
    await exec('consent_import_quarantine', sql`delete from consent_import_quarantine where row->>'customer' = any(${sql.param(ids)}::text[])`);
    await exec('portal_corrections', sql`delete from portal_corrections where customer_id = any(${sql.param(ids)}::text[])`);
    await exec('portal_nonces', sql`delete from portal_nonces where token_id in (select id from portal_tokens where customer_id = any(${sql.param(ids)}::text[]))`);
    await exec('portal_tokens', sql`update portal_tokens set revoked_at = coalesce(revoked_at, now()) where customer_id = any(${sql.param(ids)}::text[])`);
    await exec('subject_network_log', sql`delete from subject_network_log where customer_id = any(${sql.param(ids)}::text[])`);
    // Golden and stewardship: review tasks hold both records' values in their explanation, labels and
    // not-duplicate decisions name the records (and a free-text reason), pins hold values, and a merge keeps
    // the display names of the customers it merged (to restore them on unmerge) plus free-text reason/evidence.
    const recs$ = sql.param(recIds);
    await exec('review_tasks', sql`delete from review_tasks where record_id = any(${recs$}::text[]) or candidate_record_id = any(${recs$}::text[])`);
    await exec('match_labels', sql`delete from match_labels where record_a = any(${recs$}::text[]) or record_b = any(${recs$}::text[])`);
    await exec('not_duplicate_pairs', sql`delete from not_duplicate_pairs where record_a = any(${recs$}::text[]) or record_b = any(${recs$}::text[])`);
    await exec('golden_pins', sql`delete from golden_pins where customer_id = any(${sql.param(ids)}::text[])`);
    await exec(
      'customer_merges',
      sql`update customer_merges set
            before = jsonb_build_object('customers', coalesce((select jsonb_agg(c - 'displayName') from jsonb_array_elements(before->'customers') c), '[]'::jsonb),
                                        'records', coalesce(before->'records', '[]'::jsonb)),
            evidence = null, reason = null, undo_reason = null
          where into_customer_id = any(${sql.param(ids)}::text[]) or from_customer_ids && ${sql.param(ids)}::text[]`,
    );
    await exec('dsr_requests', sql`update dsr_requests set note = null where customer_id = any(${sql.param(ids)}::text[]) and note is not null`);
    await exec('dsr_restrictions', sql`delete from dsr_restrictions where customer_id = any(${sql.param(ids)}::text[])`);
    await exec('retention_flags', sql`delete from retention_flags where customer_id = any(${sql.param(ids)}::text[])`);
    return { counts, ids };
  }

  async listTombstones(actor: Actor): Promise<TombstoneView[]> {
    actor.require('dsr:manage');
    return (await rows<TombstoneRow>(this.database.db, sql`select * from dsr_tombstones order by erased_at desc limit 1000`)).map(tombstoneView);
  }

  // ---- retention ----

  async setRetentionPolicy(actor: Actor, schemaRef: string, input: unknown): Promise<{ schemaId: string; inactiveMonths: number; graceDays: number; action: string }> {
    actor.require('dsr:manage');
    const body = parseOrThrow(retentionPolicyBody, input, 'retention policy');
    const schema = await this.schemas.resolveId(actor, schemaRef);
    await this.database.db.transaction(async (tx) => {
      await tx.execute(sql`
        insert into retention_policies (schema_id, inactive_months, grace_days, action, updated_by)
        values (${schema.id}, ${body.inactiveMonths}, ${body.graceDays}, ${body.action}, ${actor.id ?? actor.name})
        on conflict (schema_id) do update set inactive_months = excluded.inactive_months, grace_days = excluded.grace_days,
          action = excluded.action, updated_at = now(), updated_by = excluded.updated_by`);
      await this.audit.append(tx, actor, { action: 'retention.policy', entityType: 'schema', entityId: schema.id, payload: { after: body } });
    });
    return { schemaId: schema.id, ...body };
  }

  async listRetentionPolicies(actor: Actor): Promise<{ schemaId: string; inactiveMonths: number; graceDays: number; action: string; updatedAt: string }[]> {
    actor.require('dsr:manage');
    const list = await rows<{ schema_id: string; inactive_months: number; grace_days: number; action: string; updated_at: Date | string }>(this.database.db, sql`select * from retention_policies order by schema_id`);
    return list.map((p) => ({ schemaId: p.schema_id, inactiveMonths: Number(p.inactive_months), graceDays: Number(p.grace_days), action: p.action, updatedAt: iso(p.updated_at)! }));
  }

  /**
   * Retention: flags customers of a schema inactive for the policy's months, unflags those active again,
   * and erases or anonymises flagged customers whose grace period is over (restricted ones are held).
   * A dry run reports the same lists and changes nothing.
   */
  async runRetention(actor: Actor, input: unknown = {}, now = new Date()): Promise<RetentionReport> {
    actor.require('dsr:manage');
    const { dryRun } = parseOrThrow(retentionRunBody, input, 'retention run');
    const policies = await rows<{ schema_id: string; inactive_months: number; grace_days: number; action: 'erase' | 'anonymise' }>(this.database.db, sql`select * from retention_policies order by schema_id`);
    const report: RetentionReport = { dryRun, ranAt: now.toISOString(), policies: [] };
    for (const p of policies) {
      const cutoff = new Date(now.getTime());
      cutoff.setUTCMonth(cutoff.getUTCMonth() - Number(p.inactive_months));
      const activity = sql`
        select c.id, greatest(c.updated_at, max(r.updated_at),
                 (select max(e.recorded_at) from consent_events e where e.customer_id = c.id and e.source <> 'system'),
                 (select max(t.last_used_at) from portal_tokens t where t.customer_id = c.id)) as last_active
        from customers c join source_records r on r.customer_id = c.id
        where r.schema_id = ${p.schema_id} and c.status = 'active' and not exists (select 1 from dsr_tombstones t where t.customer_id = c.id)
        group by c.id`;
      const inactive = await rows<{ id: string }>(
        this.database.db,
        sql`select a.id from (${activity}) a where a.last_active < ${cutoff.toISOString()} and not exists (select 1 from retention_flags f where f.customer_id = a.id) order by a.id limit 10000`,
      );
      const reactivated = await rows<{ id: string }>(
        this.database.db,
        sql`select f.customer_id as id from retention_flags f join (${activity}) a on a.id = f.customer_id where f.schema_id = ${p.schema_id} and a.last_active > f.flagged_at`,
      );
      const due = await rows<{ id: string; restricted: boolean }>(
        this.database.db,
        sql`select f.customer_id as id, exists (select 1 from dsr_restrictions r where r.customer_id = f.customer_id) as restricted
            from retention_flags f where f.schema_id = ${p.schema_id} and f.due_at <= ${now.toISOString()}
              and f.customer_id <> all(${sql.param(reactivated.map((r) => r.id))}::text[]) order by f.customer_id limit 1000`,
      );
      const entry = {
        schemaId: p.schema_id,
        inactiveMonths: Number(p.inactive_months),
        graceDays: Number(p.grace_days),
        action: p.action,
        newlyFlagged: inactive.map((r) => r.id),
        unflagged: reactivated.map((r) => r.id),
        due: due.filter((d) => !d.restricted).map((d) => d.id),
        held: due.filter((d) => d.restricted).map((d) => d.id),
        acted: 0,
      };
      if (!dryRun) {
        const dueAt = new Date(now.getTime() + Number(p.grace_days) * 86_400_000);
        await this.database.db.transaction(async (tx) => {
          if (entry.unflagged.length > 0) await tx.execute(sql`delete from retention_flags where customer_id = any(${sql.param(entry.unflagged)}::text[])`);
          if (entry.newlyFlagged.length > 0) {
            await tx.execute(sql`
              insert into retention_flags (customer_id, schema_id, flagged_at, due_at, action)
              select u, ${p.schema_id}, ${now.toISOString()}, ${dueAt.toISOString()}, ${p.action} from unnest(${sql.param(entry.newlyFlagged)}::text[]) as u
              on conflict (customer_id) do nothing`);
          }
          await this.audit.append(tx, actor, { action: 'retention.flag', entityType: 'schema', entityId: p.schema_id, payload: { flagged: entry.newlyFlagged.length, unflagged: entry.unflagged.length } });
        });
        const basis = `retention policy: inactive for ${p.inactive_months} months (schema ${p.schema_id})`;
        for (const id of entry.due) {
          await this.erase(actor, id, { legalBasis: basis, mode: p.action });
          entry.acted += 1;
        }
      }
      report.policies.push(entry);
    }
    return report;
  }

  // ---- helpers ----

  private async assertCustomer(ex: Executor, customerId: string): Promise<{ id: string; status: string; display_name: string | null; golden: unknown; created_at: Date | string; updated_at: Date | string }> {
    const [c] = await rows<{ id: string; status: string; display_name: string | null; golden: unknown; created_at: Date | string; updated_at: Date | string; erased: boolean }>(
      ex,
      sql`select c.*, exists (select 1 from dsr_tombstones t where t.customer_id = c.id) as erased from customers c where c.id = ${customerId}`,
    );
    if (!c || c.erased) throw AppError.notFound('Customer', customerId);
    return c;
  }

  private async requestRow(ex: Executor, id: string): Promise<RequestView | undefined> {
    const [r] = await rows<RequestRow>(ex, sql`select * from dsr_requests where id = ${id}`);
    return r ? requestView(r) : undefined;
  }

  /** For the portal: log a request the customer made (status open, handled by staff). */
  async requestFromPortal(customerActor: Actor, customerId: string, kind: DsrKind, note?: string): Promise<RequestView> {
    return this.createRequest(customerActor, { customer: customerId, kind, channel: 'portal', note });
  }
}

type TombstoneRow = { customer_id: string; erased_at: Date | string; requested_by: string | null; legal_basis: string; request_id: string | null; mode: string; counts: Record<string, number> };

function tombstoneView(t: TombstoneRow): TombstoneView {
  return { customerId: t.customer_id, erasedAt: iso(t.erased_at)!, requestedBy: t.requested_by, legalBasis: t.legal_basis, requestId: t.request_id, mode: t.mode, counts: t.counts };
}

function requestView(r: RequestRow): RequestView {
  return {
    id: r.id,
    customerId: r.customer_id,
    kind: r.kind,
    status: r.status,
    channel: r.channel,
    legalBasis: r.legal_basis,
    note: r.note,
    receivedAt: iso(r.received_at)!,
    dueAt: iso(r.due_at)!,
    overdue: r.status === 'open' && new Date(r.due_at).getTime() < Date.now(),
    completedAt: iso(r.completed_at),
    result: r.result ?? null,
    createdBy: r.created_by,
    completedBy: r.completed_by,
  };
}

function keepNonIdentifying(def: SchemaDefinition, values: Record<string, unknown> | null): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const a of def.attributes) {
    if (a.privacy === 'public' && NON_IDENTIFYING_TYPES.has(a.type) && !a.unique && values?.[a.name] !== undefined) out[a.name] = values[a.name];
  }
  return out;
}

// Portal actions are audited with the customer as the actor; the IP goes into the payload (erasable), not the column.
function auditActor(actor: Actor): Actor {
  return actor.type === 'customer' ? new Actor('customer', actor.id, [], [], actor.requestId, null, actor.name) : actor;
}

/** A customer correcting their own data writes through the records service with steward rights, as themselves. */
function writerActor(actor: Actor): Actor {
  return actor.type === 'customer' ? new Actor('customer', actor.id, ['steward'], [], actor.requestId, null, actor.name) : actor;
}

/** Flattens the bundle into section,id,field,value rows. */
export function bundleCsv(b: SubjectBundle): string {
  const out: unknown[][] = [];
  const flat = (section: string, id: string, obj: unknown, prefix = ''): void => {
    if (obj !== null && typeof obj === 'object' && !Array.isArray(obj)) {
      for (const [k, v] of Object.entries(obj)) flat(section, id, v, prefix ? `${prefix}.${k}` : k);
    } else out.push([section, id, prefix, obj]);
  };
  flat('customer', b.customer.id, b.customer);
  for (const r of b.records) {
    const { versions, ...rest } = r;
    flat('record', r.id, rest);
    for (const v of versions) flat('record_version', `${r.id}@${v.version}`, v);
  }
  for (const s of b.consents.current as { purpose: string; channel: string }[]) flat('consent', `${s.purpose}/${s.channel}`, s);
  for (const e of b.consents.history as { id: string }[]) flat('consent_event', e.id, e);
  for (const s of b.verificationStamps) flat('verification', `${s.recordId}/${s.attribute}`, s);
  for (const r of b.requests) flat('request', r.id, r);
  for (const n of b.networkLog) flat('network', n.requestId, n);
  b.audit.forEach((a, i) => flat('audit', String(i + 1), a));
  return toCsv(['section', 'id', 'field', 'value'], out);
}
