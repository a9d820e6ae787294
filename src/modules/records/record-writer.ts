import { sql } from 'drizzle-orm';
import type { Actor } from '../../platform/auth/actor.js';
import { canonicalJson } from '../../platform/canonical-json.js';
import type { Tx } from '../../platform/db/database.js';
import { rows } from '../../platform/db/database.js';
import type { DomainEvent } from '../../platform/events/outbox.js';
import { emitEvents } from '../../platform/events/outbox.js';
import { newId } from '../../platform/ids.js';
import type { AuditInput, AuditService } from '../audit/index.js';
import type { Assessment } from '../quality/assess.js';
import { assessRecord } from '../quality/assess.js';
import { loadRules } from '../quality/rules.js';
import type { VerificationMap, VerifiedBy } from '../quality/verification.js';
import type { CompiledSchema, FieldError, SchemaDefinition } from '../schemas/index.js';
import { validateCompiled } from '../schemas/index.js';
import type { SourceRow } from '../sources/index.js';
import { displayNameOf, searchTermsOf } from './search-terms.js';
import type { WriteOutcome } from './records.schemas.js';

export type IncomingRecord = { key: string; values: Record<string, unknown> };

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
};

/** A new valid record the assigner is asked about, and a written record it is told about. */
/** `customerId` is the new customer the record gets unless the assigner names an existing one. */
export type AssignableRecord = { id: string; key: string; version: number; values: Record<string, unknown>; customerId: string };
export type WrittenRecord = { id: string; key: string; version: number; values: Record<string, unknown>; customerId: string; created: boolean; newCustomer: boolean };

/**
 * Strategy the golden module plugs into the writer, inside the write transaction:
 * `assign` returns record id → existing customer id for the new records that match one (others get a new customer);
 * `afterWrite` runs once the batch's rows exist (review tasks, golden values) and may return more events.
 */
export type CustomerAssigner = {
  assign(tx: Tx, ctx: WriteContext, records: AssignableRecord[]): Promise<Map<string, string>>;
  afterWrite(tx: Tx, ctx: WriteContext, written: WrittenRecord[]): Promise<DomainEvent[]>;
};

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

const RECORD_COLUMNS = sql.raw(
  'id, source_id, source_key, customer_id, schema_id, schema_version, status, raw, "values", extras, errors, version, created_at, updated_at, created_by, updated_by, ' +
    'standardized, verification, quality_score, quality_computed_at, quality_issues',
);

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
): Promise<{ outcome: WriteOutcome; row: StoredRecordRow }[]> {
  const by = actor.id ?? actor.name;
  const keys = batch.map((r) => r.key);
  const existingRows = await rows<StoredRecordRow>(
    tx,
    sql`select ${RECORD_COLUMNS} from source_records where source_id = ${ctx.source.id} and source_key = any(${sql.param(keys)}::text[]) for update`,
  );
  const existing = new Map(existingRows.map((r) => [r.source_key, r]));

  const planned: Planned[] = batch.map((incoming) => {
    const prev = existing.get(incoming.key);
    const v = validateCompiled(ctx.compiled, incoming.values);
    return {
      incoming,
      existing: prev,
      id: prev?.id ?? newId('record'),
      outcome: 'created',
      status: v.ok ? 'valid' : 'rejected',
      values: v.ok ? v.values : null,
      extras: v.extras,
      errors: v.errors,
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
    const joins = asked.length > 0 ? await ctx.customerAssigner.assign(tx, ctx, asked.map((p) => ({ id: p.id, key: p.incoming.key, version: p.version, values: p.values!, customerId: p.customerId! }))) : new Map<string, string>();
    for (const p of asked) {
      const existingCustomer = joins.get(p.id);
      if (existingCustomer) {
        p.customerId = existingCustomer;
        p.newCustomer = false;
      }
    }
  }

  const changed = planned.filter((p) => p.outcome !== 'unchanged');
  await assessQuality(tx, actor, ctx, changed);
  if (changed.length > 0) {
    const newCustomers = changed.filter((p) => p.newCustomer);
    if (newCustomers.length > 0) {
      await tx.execute(sql`
        insert into customers (id, display_name)
        select * from unnest(${sql.param(newCustomers.map((p) => p.customerId))}::text[],
                             ${sql.param(newCustomers.map((p) => (p.values ? displayNameOf(ctx.definition, p.values) : null)))}::text[])`);
    }
    const ids = changed.map((p) => p.id);
    await tx.execute(sql`
      insert into source_records (id, source_id, source_key, customer_id, schema_id, schema_version, status, raw, "values", extras, errors, version, created_by, updated_by,
                                  standardized, verification, quality_score, quality_computed_at, quality_issues)
      select u.id, ${ctx.source.id}, u.key, u.customer_id, ${ctx.source.schemaId}, ${ctx.schemaVersion}, u.status, u.raw::jsonb, u.vals::jsonb,
             u.extras::jsonb, u.errors::jsonb, u.version, ${by}, ${by},
             u.std::jsonb, u.ver::jsonb, u.score::smallint, case when u.score is null then null else now() end, string_to_array(u.issues, ',')
      from unnest(${sql.param(ids)}::text[], ${sql.param(changed.map((p) => p.incoming.key))}::text[], ${sql.param(changed.map((p) => p.customerId))}::text[],
                  ${sql.param(changed.map((p) => p.status))}::text[], ${sql.param(changed.map((p) => JSON.stringify(p.incoming.values)))}::text[],
                  ${sql.param(changed.map((p) => (p.values ? JSON.stringify(p.values) : null)))}::text[],
                  ${sql.param(changed.map((p) => JSON.stringify(p.extras)))}::text[], ${sql.param(changed.map((p) => JSON.stringify(p.errors)))}::text[],
                  ${sql.param(changed.map((p) => p.version))}::int[],
                  ${sql.param(changed.map((p) => (p.quality ? JSON.stringify(p.quality.standardized) : null)))}::text[],
                  ${sql.param(changed.map((p) => (p.quality ? JSON.stringify(p.quality.verification) : null)))}::text[],
                  ${sql.param(changed.map((p) => p.quality?.score ?? null))}::int[],
                  ${sql.param(changed.map((p) => (p.quality && p.quality.issues.length > 0 ? p.quality.issues.join(',') : null)))}::text[])
           as u(id, key, customer_id, status, raw, vals, extras, errors, version, std, ver, score, issues)
      on conflict (source_id, source_key) do update set
        customer_id = excluded.customer_id, schema_version = excluded.schema_version, status = excluded.status,
        raw = excluded.raw, "values" = excluded."values", extras = excluded.extras, errors = excluded.errors,
        version = excluded.version, updated_at = now(), updated_by = excluded.updated_by,
        -- A rejected update keeps the last valid values, so it keeps their quality too.
        standardized = case when excluded.status = 'valid' then excluded.standardized else source_records.standardized end,
        verification = case when excluded.status = 'valid' then excluded.verification else source_records.verification end,
        quality_score = case when excluded.status = 'valid' then excluded.quality_score else source_records.quality_score end,
        quality_computed_at = case when excluded.status = 'valid' then excluded.quality_computed_at else source_records.quality_computed_at end,
        quality_issues = case when excluded.status = 'valid' then excluded.quality_issues else source_records.quality_issues end`);
    await tx.execute(sql`
      insert into source_record_versions (record_id, version, change_kind, status, schema_version, raw, "values", errors, changed_by)
      select u.id, u.version, u.kind, u.status, ${ctx.schemaVersion}, u.raw::jsonb, u.vals::jsonb, u.errors::jsonb, ${by}
      from unnest(${sql.param(ids)}::text[], ${sql.param(changed.map((p) => p.version))}::int[],
                  ${sql.param(changed.map((p) => (p.existing ? 'update' : 'create')))}::text[], ${sql.param(changed.map((p) => p.status))}::text[],
                  ${sql.param(changed.map((p) => JSON.stringify(p.incoming.values)))}::text[],
                  ${sql.param(changed.map((p) => (p.values ? JSON.stringify(p.values) : null)))}::text[],
                  ${sql.param(changed.map((p) => JSON.stringify(p.errors)))}::text[])
           as u(id, version, kind, status, raw, vals, errors)`);
    await refreshDerived(tx, ctx, changed.filter((p) => p.status === 'valid'));
    await audit.appendMany(tx, actor, changed.map((p) => auditEntry(p)));
    const written = changed.filter((p) => p.status === 'valid').map((p) => ({ id: p.id, key: p.incoming.key, version: p.version, values: p.values ?? {}, customerId: p.customerId!, created: !p.existing, newCustomer: p.newCustomer }));
    const more = ctx.customerAssigner && written.length > 0 ? await ctx.customerAssigner.afterWrite(tx, ctx, written) : [];
    await emitEvents(tx, [...changed.flatMap((p) => eventsFor(p, ctx, by)), ...more]);
  }

  const finalRows = await rows<StoredRecordRow>(
    tx,
    sql`select ${RECORD_COLUMNS} from source_records where source_id = ${ctx.source.id} and source_key = any(${sql.param(keys)}::text[])`,
  );
  const byKey = new Map(finalRows.map((r) => [r.source_key, r]));
  return planned.map((p) => ({ outcome: p.outcome, row: byKey.get(p.incoming.key)! }));
}

/** Standardizes, verifies and scores the valid records of the batch (pure JS per row; rules are one query). */
async function assessQuality(tx: Tx, actor: Actor, ctx: WriteContext, changed: Planned[]): Promise<void> {
  const valid = changed.filter((p) => p.status === 'valid' && p.values);
  if (valid.length === 0) return;
  const rules = await loadRules(tx, ctx.source.schemaId, ctx.definition);
  const verifiedBy = ctx.verifiedBy ?? (actor.type === 'customer' ? 'customer' : 'api-rule');
  const region = ctx.source.defaultRegion ?? ctx.definition.defaultRegion;
  const now = new Date();
  for (const p of valid) {
    const prev = p.existing;
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

/** Search terms, unique-value claims and customer display names follow the record's valid values. */
async function refreshDerived(tx: Tx, ctx: WriteContext, valid: Planned[]): Promise<void> {
  if (valid.length === 0) return;
  const ids = valid.map((p) => p.id);
  await tx.execute(sql`delete from customer_search_terms where record_id = any(${sql.param(ids)}::text[])`);
  const terms = valid.flatMap((p) =>
    searchTermsOf(ctx.definition, p.values!, p.incoming.key).map((t) => ({ recordId: p.id, customerId: p.customerId!, ...t })),
  );
  if (terms.length > 0) {
    await tx.execute(sql`
      insert into customer_search_terms (record_id, customer_id, kind, term)
      select * from unnest(${sql.param(terms.map((t) => t.recordId))}::text[], ${sql.param(terms.map((t) => t.customerId))}::text[],
                           ${sql.param(terms.map((t) => t.kind))}::text[], ${sql.param(terms.map((t) => t.term))}::text[])`);
  }
  const uniqueAttrs = ctx.definition.attributes.filter((a) => a.unique).map((a) => a.name);
  if (uniqueAttrs.length > 0) {
    await tx.execute(sql`delete from record_unique_values where record_id = any(${sql.param(ids)}::text[])`);
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
  const updated = valid.filter((p) => !p.newCustomer);
  if (updated.length > 0) {
    await tx.execute(sql`
      update customers c set display_name = coalesce(u.name, c.display_name), updated_at = now(), version = c.version + 1,
             -- A deleted record sent again brings its customer back (deleting its only record had deleted it).
             status = case when c.status = 'deleted' then 'active' else c.status end
      from unnest(${sql.param(updated.map((p) => p.customerId))}::text[], ${sql.param(updated.map((p) => displayNameOf(ctx.definition, p.values!)))}::text[]) as u(id, name)
      where c.id = u.id`);
  }
}

function auditEntry(p: Planned): AuditInput {
  const before = p.existing ? { status: p.existing.status, raw: p.existing.raw, values: p.existing.values, version: p.existing.version } : null;
  return {
    action: p.existing ? (p.status === 'rejected' ? 'record.update_rejected' : 'record.update') : p.status === 'rejected' ? 'record.create_rejected' : 'record.create',
    entityType: 'record',
    entityId: p.id,
    payload: { before, after: { status: p.status, raw: p.incoming.values, values: p.values, errors: p.errors, version: p.version } },
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
