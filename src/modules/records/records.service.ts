import { sql } from 'drizzle-orm';
import type { Actor } from '../../platform/auth/actor.js';
import type { Database, Executor, Tx } from '../../platform/db/database.js';
import { rows } from '../../platform/db/database.js';
import { emitEvents } from '../../platform/events/outbox.js';
import { AppError } from '../../platform/errors/app-error.js';
import { parseOrThrow } from '../../platform/errors/zod-details.js';
import type { AuditService } from '../audit/index.js';
import { assertCustomersNotRestricted } from '../dsr/restriction-guard.js';
import type { PrivacyLevel } from '../governance/index.js';
import { canSee, maskValue } from '../governance/index.js';
import { loadRules } from '../quality/rules.js';
import { scoreRecord } from '../quality/score.js';
import type { StoredVerification, VerificationMap, VerifiedBy } from '../quality/verification.js';
import type { CompiledSchema, FieldError, SchemasService } from '../schemas/index.js';
import { compileSchema, validateCompiled } from '../schemas/index.js';
import type { SourceRow, SourcesService } from '../sources/index.js';
import type { IncomingRecord, StoredRecordRow, WriteContext } from './record-writer.js';
import { writeRecords } from './record-writer.js';
import { SearchIndexer } from './search-indexer.js';
import { WriteCoalescer } from './write-coalescer.js';
import { openWrite } from './write-opening.js';
import { maskObject, privacyMap, toRecordView } from './record-view.js';
import type { RecordQualityView, RecordVersionView, RecordView, WriteResult } from './records.schemas.js';
import { updateRecordBody, verifyRecordBody, writeBatchBody, writeRecordBody } from './records.schemas.js';

type CoalescedWrite = { actor: Actor; source: string; record: IncomingRecord };
export type RecordListQuery = { source?: string; status?: 'valid' | 'rejected' | 'deleted'; customerId?: string; cursor?: string; limit: number };
export type SchemaFailure = { recordId: string; sourceId: string; sourceKey: string; schemaVersion: number; errors: FieldError[] };

/** Source records: validated writes with full version history, quarantine of rejected records, reads. */
export class RecordsService {
  private readonly compiledByRegion = new Map<string, CompiledSchema>();
  /** Keeps customer search terms in step with the records written (search-indexer.ts). */
  readonly searchIndex: SearchIndexer;

  constructor(
    private readonly database: Database,
    private readonly audit: AuditService,
    private readonly schemas: SchemasService,
    private readonly sources: SourcesService,
  ) {
    this.searchIndex = new SearchIndexer(database, schemas);
  }

  /** Creates or updates one record by (source, key). */
  async write(actor: Actor, input: unknown): Promise<WriteResult> {
    const body = parseOrThrow(writeRecordBody, input, 'record');
    // Concurrent writes of one caller to one source share a transaction (see write-coalescer.ts).
    const caller = `${actor.type}:${actor.id ?? actor.name}:${actor.roles.join(',')}:${actor.businessAreaIds.join(',')}`;
    return this.coalescer.submit(`${caller}|${body.source}`, { actor, source: body.source, record: { key: body.key, values: body.values } });
  }

  private readonly coalescer = new WriteCoalescer<CoalescedWrite, WriteResult>(
    (_group, items) =>
      this.writeMany(
        items[0]!.actor,
        items[0]!.source,
        items.map((i) => ({ ...i.record, request: { requestId: i.actor.requestId, ip: i.actor.ip } })),
      ),
    (i) => i.record.key,
    { gatherMs: 10 },
  );

  /** Creates or updates up to 1,000 records of one source in a single transaction. */
  async writeBatch(actor: Actor, input: unknown): Promise<WriteResult[]> {
    const body = parseOrThrow(writeBatchBody, input, 'record batch');
    return this.writeMany(actor, body.source, body.records);
  }

  async update(actor: Actor, recordId: string, input: unknown): Promise<WriteResult> {
    const body = parseOrThrow(updateRecordBody, input, 'record update');
    const row = await this.getRow(actor, recordId);
    const [result] = await this.writeMany(actor, row.source_id, [{ key: row.source_key, values: body.values }]);
    return result!;
  }

  async writeMany(actor: Actor, sourceRef: string, batch: IncomingRecord[]): Promise<WriteResult[]> {
    actor.require('records:write');
    assertStorable(batch);
    const seen = new Set<string>();
    for (const [i, r] of batch.entries()) {
      if (seen.has(r.key)) throw new AppError('BAD_REQUEST', `Key "${r.key}" appears twice in the batch`, [{ field: `records.${i}.key`, rule: 'unique', message: 'duplicate key in batch' }]);
      seen.add(r.key);
    }
    const { results, definition, source } = await this.database.db.transaction(async (tx) => {
      const opened = await openWrite(tx, this.sources, actor, sourceRef, [...seen]);
      const ctx = await this.writeContext(opened.source, tx, opened.schemaVersion);
      return { results: await writeRecords(tx, this.audit, actor, { ...ctx, searchTerms: 'queued' }, batch, opened), definition: ctx.definition, source: opened.source };
    });
    this.searchIndex.kick();
    // Masked with the version the records were written with (no second read of the schema's head).
    const privacy = privacyMap(definition);
    return results.map((r) => ({ outcome: r.outcome, record: toRecordView(actor, r.row, privacy, new Set(), source.name) }));
  }

  /**
   * Validation context of a source's current schema version (`schemaVersion` when the caller has just read
   * it, e.g. with openWrite), with the source's phone region applied.
   */
  async writeContext(source: SourceRow, ex?: Executor, schemaVersion?: number): Promise<WriteContext> {
    const v = schemaVersion === undefined ? await this.schemas.currentVersionOf(source.schemaId, ex) : await this.schemas.loadVersion(source.schemaId, schemaVersion, ex);
    let compiled = v.compiled;
    if (source.defaultRegion && source.defaultRegion !== v.definition.defaultRegion) {
      const key = `${v.schemaId}@${v.version}@${source.defaultRegion}`;
      compiled = this.compiledByRegion.get(key) ?? compileSchema({ ...v.definition, defaultRegion: source.defaultRegion });
      this.compiledByRegion.set(key, compiled);
    }
    return { source, schemaVersion: v.version, definition: v.definition, compiled };
  }

  async get(actor: Actor, recordId: string): Promise<RecordView> {
    const row = await this.getRow(actor, recordId);
    const views = await this.viewsOf(actor, [row], 'record', row.id);
    return views[0]!;
  }

  async getByKey(actor: Actor, sourceRef: string, key: string): Promise<RecordView> {
    actor.require('records:read');
    const source = await this.sources.resolve(actor, sourceRef);
    const [row] = await rows<StoredRecordRow>(this.database.db, sql`select * from source_records where source_id = ${source.id} and source_key = ${key}`);
    if (!row) throw AppError.notFound('Record', `${source.name}/${key}`);
    return (await this.viewsOf(actor, [row], 'record', row.id))[0]!;
  }

  async list(actor: Actor, q: RecordListQuery): Promise<{ items: RecordView[]; nextCursor: string | null }> {
    actor.require('records:read');
    const conds = [sql`true`];
    if (q.source) conds.push(sql`r.source_id = ${(await this.sources.resolve(actor, q.source)).id}`);
    if (q.status) conds.push(sql`r.status = ${q.status}`);
    if (q.customerId) conds.push(sql`r.customer_id = ${q.customerId}`);
    if (q.cursor) conds.push(sql`r.id > ${q.cursor}`);
    if (!actor.allAreas) conds.push(sql`s.business_area_id = any(${sql.param([...actor.businessAreaIds])}::text[])`);
    const list = await rows<StoredRecordRow>(
      this.database.db,
      sql`select r.* from source_records r join sources s on s.id = r.source_id
          where ${sql.join(conds, sql` and `)} order by r.id limit ${q.limit + 1}`,
    );
    const page = list.slice(0, q.limit);
    const items = await this.viewsOf(actor, page, 'record', null);
    return { items, nextCursor: list.length > q.limit ? page[page.length - 1]!.id : null };
  }

  async history(actor: Actor, recordId: string): Promise<RecordVersionView[]> {
    const row = await this.getRow(actor, recordId);
    const privacy = privacyMap((await this.schemas.loadVersion(row.schema_id, row.schema_version)).definition);
    const versions = await rows<{
      version: number;
      change_kind: string;
      status: string;
      schema_version: number;
      raw: Record<string, unknown>;
      values: Record<string, unknown> | null;
      errors: FieldError[] | null;
      changed_at: Date | string;
      changed_by: string | null;
    }>(this.database.db, sql`select * from source_record_versions where record_id = ${row.id} order by version desc`);
    const sensitive = new Set<string>();
    const out = versions.map((v) => {
      const view = toRecordView(actor, { ...row, raw: v.raw, values: v.values, extras: null, errors: v.errors, status: v.status as StoredRecordRow['status'] }, privacy, sensitive);
      return {
        version: Number(v.version),
        changeKind: v.change_kind,
        status: v.status,
        schemaVersion: Number(v.schema_version),
        raw: view.raw,
        values: view.values,
        errors: view.errors,
        changedAt: new Date(v.changed_at).toISOString(),
        changedBy: v.changed_by,
      };
    });
    await this.auditSensitiveRead(actor, 'record', row.id, sensitive);
    return out;
  }

  /** A record's standardized values, per-attribute verification and quality score (masked like its values). */
  async quality(actor: Actor, recordId: string): Promise<RecordQualityView> {
    const row = await this.getRow(actor, recordId);
    const privacy = privacyMap((await this.schemas.loadVersion(row.schema_id, Number(row.schema_version))).definition);
    const sensitive = new Set<string>();
    const view = qualityView(actor, row, privacy, sensitive);
    await this.auditSensitiveRead(actor, 'record', row.id, sensitive);
    return view;
  }

  /**
   * Steward (or customer) verification: stamps the attributes' verification with now and 'steward'
   * ('customer' for customer actors), optionally setting their status, then rescores the record. Audited.
   * Not a new record version: the values do not change.
   */
  async verify(actor: Actor, recordId: string, input: unknown): Promise<RecordQualityView> {
    actor.require('records:write');
    const body = parseOrThrow(verifyRecordBody, input, 'verification');
    const found = await this.getRow(actor, recordId);
    if (found.status !== 'valid') throw AppError.conflict(`Record ${found.id} is ${found.status}; only valid records can be verified`);
    const version = await this.schemas.loadVersion(found.schema_id, Number(found.schema_version));
    const values = found.values ?? {};
    const known = new Set(version.definition.attributes.map((a) => a.name));
    const details = body.attributes
      .map((a, i) => ({ a, i }))
      .filter(({ a }) => !known.has(a) || values[a] === null || values[a] === undefined)
      .map(({ a, i }) => ({ field: `attributes.${i}`, rule: known.has(a) ? 'empty' : 'unknown_attribute', message: known.has(a) ? `"${a}" has no value to verify` : `the schema has no attribute "${a}"` }));
    if (details.length > 0) throw AppError.validation('Cannot verify these attributes', details);
    const by: VerifiedBy = actor.type === 'customer' ? 'customer' : 'steward';
    const now = new Date();
    const at = now.toISOString();
    const row = await this.database.db.transaction(async (tx) => {
      const [locked] = await rows<StoredRecordRow>(tx, sql`select * from source_records where id = ${found.id} for update`);
      if (!locked || locked.status !== 'valid') throw AppError.conflict(`Record ${found.id} changed while verifying; try again`);
      if (locked.customer_id) await assertCustomersNotRestricted(tx, [locked.customer_id], 'Verification refused');
      const verification: VerificationMap = { ...(locked.verification ?? {}) };
      const before: Record<string, StoredVerification | null> = {};
      for (const attr of new Set(body.attributes)) {
        const prev = verification[attr];
        before[attr] = prev ?? null;
        const status = body.status ?? prev?.status ?? 'valid';
        const changed = body.status !== undefined && body.status !== prev?.status;
        const reasons = !changed ? (prev?.reasons ?? []) : status === 'valid' ? [] : [{ code: 'steward', message: body.note ?? `Marked ${status} by a steward` }];
        const entry: StoredVerification = { status, reasons, verifiedAt: at, verifiedBy: by };
        // A suggestion is kept only while the value is still in doubt.
        if (prev?.suggestion !== undefined && status !== 'valid') entry.suggestion = prev.suggestion;
        verification[attr] = entry;
      }
      const rules = await loadRules(tx, locked.schema_id, version.definition);
      const scored = scoreRecord(rules, locked.values ?? {}, verification, now);
      const [updated] = await rows<StoredRecordRow>(
        tx,
        sql`update source_records set verification = ${JSON.stringify(verification)}::jsonb, quality_score = ${scored.score},
              quality_issues = ${scored.issues.length > 0 ? sql`${sql.param(scored.issues)}::text[]` : sql`null`}, quality_computed_at = ${at}::timestamptz
            where id = ${locked.id} returning *`,
      );
      if (locked.customer_id) await this.customerRecordsChanged(tx, locked.source_id, locked.customer_id);
      await this.audit.append(tx, actor, {
        action: 'record.verify',
        entityType: 'record',
        entityId: locked.id,
        payload: { attributes: [...new Set(body.attributes)], status: body.status ?? null, note: body.note ?? null, verifiedBy: by, before, after: Object.fromEntries(Object.keys(before).map((a) => [a, verification[a]])) },
      });
      return updated!;
    });
    const sensitive = new Set<string>();
    const view = qualityView(actor, row, privacyMap(version.definition), sensitive);
    await this.auditSensitiveRead(actor, 'record', row.id, sensitive);
    return view;
  }

  /** Soft-deletes a record: it leaves search and its customer, its history stays. */
  async delete(actor: Actor, recordId: string): Promise<RecordView> {
    actor.require('records:write');
    const row = await this.getRow(actor, recordId);
    if (row.status === 'deleted') return (await this.viewsOf(actor, [row], 'record', null))[0]!;
    const by = actor.id ?? actor.name;
    await this.database.db.transaction(async (tx) => {
      // The customer as it is now (a merge may have moved the record since it was read).
      const [deleted] = await rows<{ customer_id: string | null }>(
        tx,
        sql`update source_records set status = 'deleted', version = version + 1, updated_at = now(), updated_by = ${by} where id = ${row.id} returning customer_id`,
      );
      const customerId = deleted?.customer_id ?? null;
      await tx.execute(sql`
        insert into source_record_versions (record_id, version, change_kind, status, schema_version, raw, "values", errors, changed_by)
        select id, version, 'delete', 'deleted', schema_version, raw, "values", errors, ${by} from source_records where id = ${row.id}`);
      await tx.execute(sql`delete from customer_search_terms where record_id = ${row.id}`);
      await tx.execute(sql`delete from record_unique_values where record_id = ${row.id}`);
      const events = [{ type: 'record.deleted', aggregateType: 'record', aggregateId: row.id, payload: { sourceId: row.source_id, sourceKey: row.source_key }, actorId: by }];
      if (customerId) {
        const left = await rows<{ n: number }>(tx, sql`select count(*)::int as n from source_records where customer_id = ${customerId} and status <> 'deleted'`);
        if (Number(left[0]?.n) === 0) {
          await tx.execute(sql`update customers set status = 'deleted', updated_at = now(), version = version + 1 where id = ${customerId}`);
          events.push({ type: 'customer.deleted', aggregateType: 'customer', aggregateId: customerId, payload: { sourceId: row.source_id, sourceKey: row.source_key }, actorId: by });
        } else {
          await this.customerRecordsChanged(tx, row.source_id, customerId);
        }
      }
      await this.audit.append(tx, actor, { action: 'record.delete', entityType: 'record', entityId: row.id, payload: { before: { status: row.status, version: row.version } } });
      await emitEvents(tx, events);
    });
    return this.get(actor, row.id);
  }

  /**
   * Records of a schema validated with an older version that would fail the given version.
   * Scans in id order from the cursor; returns at most `limit` failures and where to continue.
   */
  async failingForVersion(actor: Actor, schemaRef: string, version: number, cursor: string | undefined, limit: number): Promise<{ items: SchemaFailure[]; scanned: number; nextCursor: string | null }> {
    actor.require('records:read');
    const schema = await this.schemas.resolveId(actor, schemaRef);
    const target = await this.schemas.loadVersion(schema.id, version);
    const items: SchemaFailure[] = [];
    let scanned = 0;
    let after = cursor ?? '';
    const privacy = privacyMap(target.definition);
    // A scoped steward sees failures only of sources in their business areas.
    const areaScope = actor.allAreas
      ? sql`true`
      : sql`exists (select 1 from sources s where s.id = r.source_id and s.business_area_id = any(${sql.param([...actor.businessAreaIds])}::text[]))`;
    for (;;) {
      const page = await rows<StoredRecordRow>(
        this.database.db,
        sql`select r.id, r.source_id, r.source_key, r.schema_version, r.raw from source_records r
            where r.schema_id = ${schema.id} and r.status = 'valid' and r.schema_version <> ${version} and r.id > ${after}
              and ${areaScope}
            order by r.id limit 500`,
      );
      for (const r of page) {
        scanned += 1;
        after = r.id;
        const v = validateCompiled(target.compiled, r.raw);
        if (!v.ok) {
          const view = toRecordView(actor, { ...r, values: null, extras: null, errors: v.errors, created_at: new Date(), updated_at: new Date() } as StoredRecordRow, privacy, new Set());
          items.push({ recordId: r.id, sourceId: r.source_id, sourceKey: r.source_key, schemaVersion: Number(r.schema_version), errors: view.errors as FieldError[] });
          if (items.length >= limit) return { items, scanned, nextCursor: r.id };
        }
      }
      if (page.length < 500) return { items, scanned, nextCursor: null };
    }
  }

  /** Record views with masking; audits reads of unmasked sensitive values. */
  async viewsOf(actor: Actor, list: StoredRecordRow[], entityType: string, entityId: string | null, sourceNames?: ReadonlyMap<string, string>): Promise<RecordView[]> {
    // Callers that already joined the sources pass their names and save a query.
    const names = sourceNames ?? new Map([...(await this.sources.byIds([...new Set(list.map((r) => r.source_id))]))].map(([id, s]) => [id, s.name]));
    const privacyCache = new Map<string, Map<string, PrivacyLevel>>();
    const sensitive = new Set<string>();
    const out: RecordView[] = [];
    for (const r of list) {
      const key = `${r.schema_id}@${r.schema_version}`;
      let privacy = privacyCache.get(key);
      if (!privacy) {
        privacy = privacyMap((await this.schemas.loadVersion(r.schema_id, Number(r.schema_version))).definition);
        privacyCache.set(key, privacy);
      }
      out.push(toRecordView(actor, r, privacy, sensitive, names.get(r.source_id)));
    }
    await this.auditSensitiveRead(actor, entityType, entityId ?? (list.length === 1 ? list[0]!.id : null), sensitive, list.map((r) => r.id));
    return out;
  }

  /**
   * A record of this customer changed outside a records write (deleted, verified by a steward or the customer), in
   * `tx`, after the change: the customer's version moves, as with every change of its records (golden records
   * computed ahead of a write are stored only while it has not: docs/golden.md), and its golden record is recomputed
   * by the write context's assigner, if any. Like a write, this locks the record before its customer.
   */
  async customerRecordsChanged(tx: Tx, sourceId: string, customerId: string): Promise<void> {
    await tx.execute(sql`update customers set version = version + 1, updated_at = now() where id = ${customerId}`);
    const source = (await this.sources.byIds([sourceId], tx)).get(sourceId);
    const assigner = source ? (await this.writeContext(source, tx)).customerAssigner : undefined;
    await assigner?.recordsChanged?.(tx, [customerId]);
  }

  async auditSensitiveRead(actor: Actor, entityType: string, entityId: string | null, fields: Set<string>, recordIds?: string[]): Promise<void> {
    if (fields.size === 0) return;
    await this.audit.append(this.database.db, actor, {
      action: 'sensitive.read',
      entityType,
      entityId,
      payload: { fields: [...fields].sort(), recordIds: recordIds?.slice(0, 1000) },
    });
  }

  async getRow(actor: Actor, recordId: string): Promise<StoredRecordRow> {
    actor.require('records:read');
    const [row] = await rows<StoredRecordRow & { business_area_id: string }>(
      this.database.db,
      sql`select r.*, s.business_area_id from source_records r join sources s on s.id = r.source_id where r.id = ${recordId}`,
    );
    if (!row || !actor.inArea(row.business_area_id)) throw AppError.notFound('Record', recordId);
    return row;
  }

  /** Records of customers, for the customers module. */
  async rowsOfCustomers(customerIds: string[]): Promise<StoredRecordRow[]> {
    return rows<StoredRecordRow>(this.database.db, sql`select * from source_records where customer_id = any(${sql.param(customerIds)}::text[]) and status <> 'deleted' order by id`);
  }
}

function qualityView(actor: Actor, row: StoredRecordRow, privacy: Map<string, PrivacyLevel>, sensitive: Set<string>): RecordQualityView {
  const masked = new Set<string>();
  const verification: Record<string, StoredVerification> = {};
  for (const [attr, v] of Object.entries(row.verification ?? {})) {
    // A suggestion is a value (e.g. a corrected e-mail address), so it is masked like one.
    verification[attr] = v.suggestion === undefined || canSee(actor, privacy.get(attr) ?? 'personal') ? v : { ...v, suggestion: maskValue(v.suggestion) as string };
  }
  return {
    recordId: row.id,
    score: row.quality_score === null || row.quality_score === undefined ? null : Number(row.quality_score),
    computedAt: row.quality_computed_at ? new Date(row.quality_computed_at).toISOString() : null,
    issues: row.quality_issues ?? [],
    standardized: maskObject(actor, privacy, row.standardized ?? null, masked, sensitive),
    verification,
    masked: [...masked].sort(),
  };
}

// PostgreSQL text and jsonb cannot hold NUL characters; say so instead of failing with a 500.
function assertStorable(batch: IncomingRecord[]): void {
  for (const [i, r] of batch.entries()) {
    if (r.key.includes('\u0000')) {
      throw new AppError('BAD_REQUEST', 'Keys cannot contain NUL (\\u0000) characters', [
        { field: batch.length > 1 ? `records.${i}.key` : 'key', rule: 'no_nul', message: 'contains a NUL character' },
      ]);
    }
    const bad = findNul(r.values, '');
    if (bad !== null) {
      throw new AppError('BAD_REQUEST', 'Values cannot contain NUL (\\u0000) characters', [
        { field: batch.length > 1 ? `records.${i}.values.${bad}` : `values.${bad}`, rule: 'no_nul', message: 'contains a NUL character' },
      ]);
    }
  }
}

function findNul(v: unknown, path: string): string | null {
  if (typeof v === 'string') return v.includes('\u0000') ? path : null;
  if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      if (k.includes('\u0000')) return path ? `${path}.${k}` : k;
      const p = findNul(x, path ? `${path}.${k}` : k);
      if (p !== null) return p;
    }
  }
  return null;
}
