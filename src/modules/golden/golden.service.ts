import { sql } from 'drizzle-orm';
import type { Actor } from '../../platform/auth/actor.js';
import type { Database, Executor, Tx } from '../../platform/db/database.js';
import { rows } from '../../platform/db/database.js';
import { AppError } from '../../platform/errors/app-error.js';
import { parseOrThrow } from '../../platform/errors/zod-details.js';
import { emitEvents } from '../../platform/events/outbox.js';
import type { AuditService } from '../audit/index.js';
import type { SchemasService } from '../schemas/index.js';
import type { SourcesService } from '../sources/index.js';
import type { GoldenSettings } from './golden-store.js';
import { forgetSettings, loadSettings, recomputeGolden } from './golden-store.js';
import { maskGolden, privacyOfSchemas } from './golden-view.js';
import type { MergeInput, MergeResult } from './merge-ops.js';
import { mergeCustomers, splitCustomer, unmergeCustomers } from './merge-ops.js';
import { areasInvolved, requireInScope, sourceInScope } from './scope.js';
import type { MergeView } from './golden.schemas.js';
import { mergeBody, notDuplicateBody, pinBody, settingsBody, splitBody, unmergeBody } from './golden.schemas.js';
import type { GoldenRecord } from './survivorship.js';

export type MergeRow = {
  id: string;
  kind: 'merge' | 'split';
  into_customer_id: string;
  from_customer_ids: string[];
  before: { records: { id: string }[] };
  evidence: unknown;
  reason: string | null;
  automatic: boolean;
  actor_id: string | null;
  created_at: Date | string;
  undone_at: Date | string | null;
  undone_by: string | null;
  undo_reason: string | null;
};

const iso = (d: Date | string | null): string | null => (d === null ? null : new Date(d).toISOString());

/** Ordered record pair key (a < b), as stored for not-duplicate pairs and labels. */
export function orderedPair(a: string, b: string): [string, string] {
  return a < b ? [a, b] : [b, a];
}

/**
 * Golden records: survivorship settings, golden values with lineage, pins, merge / unmerge / split,
 * confirmed not-duplicate pairs and the cross-reference (source, key) ↔ customer.
 */
export class GoldenService {
  constructor(
    private readonly database: Database,
    private readonly audit: AuditService,
    private readonly schemas: SchemasService,
    private readonly sources: SourcesService,
  ) {}

  /** A schema's thresholds and survivorship rules. */
  async settings(actor: Actor, schemaRef: string): Promise<GoldenSettings> {
    actor.require('customers:read');
    const schema = await this.schemas.resolveId(actor, schemaRef);
    return loadSettings(this.database.db, schema.id);
  }

  /** Changes a schema's thresholds or survivorship rules; golden records follow on their next recompute (or a re-match). */
  async updateSettings(actor: Actor, schemaRef: string, input: unknown): Promise<GoldenSettings> {
    actor.require('golden:configure');
    const body = parseOrThrow(settingsBody, input, 'golden settings');
    const schema = await this.schemas.resolveId(actor, schemaRef);
    const saved = await this.database.db.transaction(async (tx) => {
      const cur = await loadSettings(tx, schema.id);
      const next = { upper: body.upperThreshold ?? cur.upper, lower: body.lowerThreshold ?? cur.lower, survivorship: body.survivorship ?? cur.survivorship };
      if (next.lower > next.upper) {
        throw AppError.validation('Invalid thresholds', [{ field: 'lowerThreshold', rule: 'order', message: 'must not be above upperThreshold' }]);
      }
      const by = actor.id ?? actor.name;
      await tx.execute(sql`
        insert into golden_settings (schema_id, upper_threshold, lower_threshold, survivorship, updated_by)
        values (${schema.id}, ${next.upper}, ${next.lower}, ${JSON.stringify(next.survivorship)}::jsonb, ${by})
        on conflict (schema_id) do update set upper_threshold = excluded.upper_threshold, lower_threshold = excluded.lower_threshold,
          survivorship = excluded.survivorship, updated_at = now(), updated_by = excluded.updated_by`);
      await this.audit.append(tx, actor, { action: 'golden.settings', entityType: 'schema', entityId: schema.id, payload: { before: cur, after: next } });
      return loadSettings(tx, schema.id);
    });
    forgetSettings(schema.id);
    return saved;
  }

  /** Recomputes golden records (all active customers of a schema when no ids are given); returns how many changed. */
  async recompute(actor: Actor, customerIds: string[]): Promise<number> {
    actor.require('golden:configure');
    await requireInScope(this.database.db, actor, { customerIds }, { entity: 'Customer', id: customerIds[0] ?? '' });
    let changed = 0;
    for (let i = 0; i < customerIds.length; i += 500) {
      const chunk = customerIds.slice(i, i + 500);
      changed += (await this.database.db.transaction((tx) => recomputeGolden(tx, chunk))).length;
    }
    return changed;
  }

  /** The masked golden record of a customer (values + lineage), for views that already authorised the read. */
  async goldenFor(ex: Executor, actor: Actor, customerId: string, golden: GoldenRecord): Promise<GoldenRecord> {
    const schemaIds = await rows<{ schema_id: string }>(ex, sql`select distinct schema_id from source_records where customer_id = ${customerId}`);
    return maskGolden(actor, golden, await privacyOfSchemas(ex, schemaIds.map((s) => s.schema_id)));
  }

  /** Merges customers (steward or automatic), in one transaction; events are emitted only on commit. */
  async merge(actor: Actor, input: unknown): Promise<MergeResult> {
    actor.require('golden:merge');
    const body = parseOrThrow(mergeBody, input, 'merge');
    return this.database.db.transaction((tx) => this.mergeInTx(tx, actor, { ...body, reason: body.reason }));
  }

  /** Merge inside the caller's transaction (stewardship decisions, re-match). */
  async mergeInTx(tx: Tx, actor: Actor, input: MergeInput): Promise<MergeResult> {
    return mergeCustomers(tx, { audit: this.audit, actor }, input);
  }

  /** Undoes a merge (or split) exactly: see `unmergeCustomers`. */
  async unmerge(actor: Actor, mergeId: string, input: unknown = {}): Promise<{ mergeId: string; restored: string[]; recordsMoved: number }> {
    actor.require('golden:merge');
    const body = parseOrThrow(unmergeBody, input ?? {}, 'unmerge');
    return this.database.db.transaction((tx) => unmergeCustomers(tx, { audit: this.audit, actor }, mergeId, body.reason ?? null));
  }

  /** Moves chosen source records of a customer into a new customer. */
  async split(actor: Actor, customerId: string, input: unknown): Promise<{ mergeId: string; newCustomerId: string }> {
    actor.require('golden:merge');
    const body = parseOrThrow(splitBody, input, 'split');
    return this.database.db.transaction((tx) => splitCustomer(tx, { audit: this.audit, actor }, customerId, body.recordIds, body.reason));
  }

  /** Split inside the caller's transaction (a "not a match" decision on records that already share a customer). */
  async splitInTx(tx: Tx, actor: Actor, customerId: string, recordIds: string[], reason: string | null): Promise<{ mergeId: string; newCustomerId: string }> {
    return splitCustomer(tx, { audit: this.audit, actor }, customerId, recordIds, reason);
  }

  /** Merges and splits that involve a customer, newest first. */
  async history(actor: Actor, customerId: string): Promise<MergeView[]> {
    actor.require('customers:read');
    const list = await rows<MergeRow>(
      this.database.db,
      sql`select * from customer_merges where into_customer_id = ${customerId} or ${customerId} = any(from_customer_ids) order by created_at desc, id desc limit 500`,
    );
    return (await this.mergesInScope(actor, list)).map(mergeRowView);
  }

  async getMerge(actor: Actor, mergeId: string): Promise<MergeView> {
    actor.require('customers:read');
    const [m] = await rows<MergeRow>(this.database.db, sql`select * from customer_merges where id = ${mergeId}`);
    if (!m || (await this.mergesInScope(actor, [m])).length === 0) throw AppError.notFound('Merge', mergeId);
    return mergeRowView(m);
  }

  /** The merges whose customers and moved records all lie in the actor's business areas (one query). */
  async mergesInScope<T extends Pick<MergeRow, 'into_customer_id' | 'from_customer_ids' | 'before'>>(actor: Actor, list: T[]): Promise<T[]> {
    if (actor.allAreas || list.length === 0) return list;
    const involved = await areasInvolved(this.database.db, {
      customerIds: [...new Set(list.flatMap((m) => [m.into_customer_id, ...m.from_customer_ids]))],
      recordIds: [...new Set(list.flatMap((m) => (m.before?.records ?? []).map((r) => r.id)))],
    });
    const outside = new Set<string>();
    for (const r of involved) {
      if (actor.inArea(r.areaId)) continue;
      outside.add(`r:${r.recordId}`);
      if (r.customerId) outside.add(`c:${r.customerId}`);
    }
    return list.filter((m) => ![m.into_customer_id, ...m.from_customer_ids].some((c) => outside.has(`c:${c}`)) && !(m.before?.records ?? []).some((r) => outside.has(`r:${r.id}`)));
  }

  /** Pins a golden value: it wins over every rule until unpinned. */
  async pin(actor: Actor, customerId: string, attribute: string, input: unknown): Promise<GoldenRecord> {
    actor.require('golden:merge');
    const body = parseOrThrow(pinBody, input, 'pin');
    return this.changePin(actor, customerId, attribute, { value: body.value ?? null, reason: body.reason ?? null });
  }

  async unpin(actor: Actor, customerId: string, attribute: string): Promise<GoldenRecord> {
    actor.require('golden:merge');
    return this.changePin(actor, customerId, attribute, null);
  }

  private async changePin(actor: Actor, customerId: string, attribute: string, pin: { value: unknown; reason: string | null } | null): Promise<GoldenRecord> {
    const by = actor.id ?? actor.name;
    return this.database.db.transaction(async (tx) => {
      const [c] = await rows<{ status: string }>(tx, sql`select status from customers where id = ${customerId} for update`);
      if (!c) throw AppError.notFound('Customer', customerId);
      if (c.status !== 'active') throw AppError.conflict(`Customer ${customerId} is ${c.status}`);
      await requireInScope(tx, actor, { customerIds: [customerId] }, { entity: 'Customer', id: customerId });
      if (pin) {
        await tx.execute(sql`
          insert into golden_pins (customer_id, attribute, value, reason, pinned_by) values (${customerId}, ${attribute}, ${JSON.stringify(pin.value)}::jsonb, ${pin.reason}, ${by})
          on conflict (customer_id, attribute) do update set value = excluded.value, reason = excluded.reason, pinned_by = excluded.pinned_by, pinned_at = now()`);
      } else {
        await tx.execute(sql`delete from golden_pins where customer_id = ${customerId} and attribute = ${attribute}`);
      }
      await recomputeGolden(tx, [customerId]);
      await this.audit.append(tx, actor, { action: pin ? 'golden.pin' : 'golden.unpin', entityType: 'customer', entityId: customerId, payload: { attribute, pinned: pin !== null, reason: pin?.reason ?? null } }); // no value: the audit chain holds no personal data
      await emitEvents(tx, [{ type: 'customer.updated', aggregateType: 'customer', aggregateId: customerId, payload: { pinned: pin ? attribute : null, unpinned: pin ? null : attribute }, actorId: by }]);
      const [g] = await rows<{ golden: GoldenRecord }>(tx, sql`select golden from customers where id = ${customerId}`);
      return this.goldenFor(tx, actor, customerId, g!.golden);
    });
  }

  /** Remembers that two records are different people: never suggested or auto-merged again. */
  async markNotDuplicate(actor: Actor, input: unknown): Promise<{ recordA: string; recordB: string }> {
    actor.require('stewardship:review');
    const body = parseOrThrow(notDuplicateBody, input, 'not-duplicate pair');
    return this.database.db.transaction((tx) => this.markNotDuplicateInTx(tx, actor, body.recordIds[0], body.recordIds[1], body.reason ?? null));
  }

  async markNotDuplicateInTx(tx: Tx, actor: Actor, recordA: string, recordB: string, reason: string | null): Promise<{ recordA: string; recordB: string }> {
    if (recordA === recordB) throw new AppError('BAD_REQUEST', 'A record is always a duplicate of itself');
    const [a, b] = orderedPair(recordA, recordB);
    const found = await rows<{ id: string; customer_id: string | null }>(tx, sql`select id, customer_id from source_records where id in (${a}, ${b})`);
    if (found.length < 2) throw AppError.notFound('Record', found.some((r) => r.id === a) ? b : a);
    await requireInScope(tx, actor, { recordIds: [a, b] }, { entity: 'Record', id: a });
    if (found[0]!.customer_id && found[0]!.customer_id === found[1]!.customer_id) {
      throw AppError.conflict(`Both records belong to customer ${found[0]!.customer_id}; split one of them off first`);
    }
    await tx.execute(sql`insert into not_duplicate_pairs (record_a, record_b, reason, created_by) values (${a}, ${b}, ${reason}, ${actor.id ?? actor.name}) on conflict do nothing`);
    await this.audit.append(tx, actor, { action: 'golden.not_duplicate', entityType: 'record', entityId: a, payload: { recordA: a, recordB: b, reason } });
    return { recordA: a, recordB: b };
  }

  async removeNotDuplicate(actor: Actor, recordA: string, recordB: string): Promise<void> {
    actor.require('stewardship:review');
    const [a, b] = orderedPair(recordA, recordB);
    await this.database.db.transaction(async (tx) => {
      await requireInScope(tx, actor, { recordIds: [a, b] }, { entity: 'Not-duplicate pair', id: `${a}/${b}` });
      await tx.execute(sql`delete from not_duplicate_pairs where record_a = ${a} and record_b = ${b}`);
      await this.audit.append(tx, actor, { action: 'golden.not_duplicate_removed', entityType: 'record', entityId: a, payload: { recordA: a, recordB: b } });
    });
  }

  async listNotDuplicates(actor: Actor, recordId?: string): Promise<{ recordA: string; recordB: string; reason: string | null; createdBy: string | null; createdAt: string }[]> {
    actor.require('customers:read');
    // Both records of a pair must lie in the actor's business areas.
    const scope = actor.allAreas
      ? sql`true`
      : sql`${sourceInScope(actor, sql`(select source_id from source_records where id = n.record_a)`)} and ${sourceInScope(actor, sql`(select source_id from source_records where id = n.record_b)`)}`;
    const list = await rows<{ record_a: string; record_b: string; reason: string | null; created_by: string | null; created_at: Date }>(
      this.database.db,
      recordId
        ? sql`select n.* from not_duplicate_pairs n where (n.record_a = ${recordId} or n.record_b = ${recordId}) and ${scope} order by n.created_at desc limit 1000`
        : sql`select n.* from not_duplicate_pairs n where ${scope} order by n.created_at desc limit 1000`,
    );
    return list.map((r) => ({ recordA: r.record_a, recordB: r.record_b, reason: r.reason, createdBy: r.created_by, createdAt: iso(r.created_at)! }));
  }

  /** Cross-reference: the customer that holds (source, key). */
  async xref(actor: Actor, sourceRef: string, key: string): Promise<{ customerId: string; customerStatus: string; recordId: string; sourceId: string; sourceName: string; sourceKey: string }> {
    actor.require('customers:read');
    const source = await this.sources.resolve(actor, sourceRef);
    const [r] = await rows<{ id: string; customer_id: string | null; status: string; customer_status: string | null }>(
      this.database.db,
      sql`select r.id, r.customer_id, r.status, c.status as customer_status from source_records r left join customers c on c.id = r.customer_id
          where r.source_id = ${source.id} and r.source_key = ${key}`,
    );
    if (!r || !r.customer_id || r.status === 'deleted') throw AppError.notFound('Customer for', `${source.name}/${key}`);
    return { customerId: r.customer_id, customerStatus: r.customer_status ?? 'unknown', recordId: r.id, sourceId: source.id, sourceName: source.name, sourceKey: key };
  }

  /** Every (source, key) of a customer. */
  async keys(actor: Actor, customerId: string): Promise<{ recordId: string; sourceId: string; sourceName: string; sourceKey: string; status: string }[]> {
    actor.require('customers:read');
    const [c] = await rows<{ id: string }>(this.database.db, sql`select id from customers where id = ${customerId}`);
    if (!c) throw AppError.notFound('Customer', customerId);
    const list = await rows<{ id: string; source_id: string; name: string; source_key: string; status: string; business_area_id: string }>(
      this.database.db,
      sql`select r.id, r.source_id, s.name, r.source_key, r.status, s.business_area_id from source_records r join sources s on s.id = r.source_id
          where r.customer_id = ${customerId} and r.status <> 'deleted' order by s.name, r.source_key`,
    );
    return list.filter((r) => actor.inArea(r.business_area_id)).map((r) => ({ recordId: r.id, sourceId: r.source_id, sourceName: r.name, sourceKey: r.source_key, status: r.status }));
  }
}

export function mergeRowView(m: MergeRow): MergeView {
  return {
    id: m.id,
    kind: m.kind,
    intoCustomerId: m.into_customer_id,
    fromCustomerIds: m.from_customer_ids,
    recordIds: (m.before?.records ?? []).map((r) => r.id),
    reason: m.reason,
    evidence: m.evidence ?? null,
    automatic: m.automatic,
    actorId: m.actor_id,
    createdAt: iso(m.created_at)!,
    undoneAt: iso(m.undone_at),
    undoneBy: m.undone_by,
    undoReason: m.undo_reason,
  };
}
