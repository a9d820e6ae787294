import { sql } from 'drizzle-orm';
import type { Actor } from '../../platform/auth/actor.js';
import type { Tx } from '../../platform/db/database.js';
import { rows } from '../../platform/db/database.js';
import { AppError } from '../../platform/errors/app-error.js';
import type { DomainEvent } from '../../platform/events/outbox.js';
import { emitEvents } from '../../platform/events/outbox.js';
import { newId } from '../../platform/ids.js';
import type { AuditService } from '../audit/index.js';
import { assertCustomersNotRestricted } from '../dsr/restriction-guard.js';
import type { SchemaDefinition } from '../schemas/index.js';
import { displayNameOf } from '../records/index.js';
import { recomputeGolden } from './golden-store.js';
import { requireInScope } from './scope.js';
import type { GoldenRecord } from './survivorship.js';

type CustomerState = { id: string; status: string; mergedInto: string | null; displayName: string | null };
/** What unmerge needs to put back: the customers as they were and where each moved record was. */
export type MergeBefore = { customers: CustomerState[]; records: { id: string; customerId: string }[] };

export type MergeInput = { customerIds: string[]; into?: string; reason: string | null; evidence?: unknown; automatic?: boolean };
export type MergeResult = { mergeId: string; into: string; from: string[]; recordsMoved: number };

type Deps = { audit: AuditService; actor: Actor };

async function lockCustomers(tx: Tx, ids: string[]): Promise<CustomerState[]> {
  // Always lock in id order so concurrent merges cannot deadlock.
  const list = await rows<{ id: string; status: string; merged_into: string | null; display_name: string | null }>(
    tx,
    sql`select id, status, merged_into, display_name from customers where id = any(${sql.param(ids)}::text[]) order by id for update`,
  );
  return list.map((c) => ({ id: c.id, status: c.status, mergedInto: c.merged_into, displayName: c.display_name }));
}

/** The first not-duplicate pair between records of different customers in the set, if any. */
export async function notDuplicateConflict(tx: Tx, customerIds: string[]): Promise<{ recordA: string; recordB: string } | null> {
  const [hit] = await rows<{ record_a: string; record_b: string }>(
    tx,
    sql`select n.record_a, n.record_b from not_duplicate_pairs n
        join source_records a on a.id = n.record_a join source_records b on b.id = n.record_b
        where a.customer_id = any(${sql.param(customerIds)}::text[]) and b.customer_id = any(${sql.param(customerIds)}::text[])
          and a.customer_id <> b.customer_id limit 1`,
  );
  return hit ? { recordA: hit.record_a, recordB: hit.record_b } : null;
}

/**
 * Points records (and their search terms) at another customer. The customers they leave and join move to a new
 * version, as with every change of a customer's records (a golden record computed ahead of a write is stored only
 * while its customer's version has not moved: docs/golden.md). The callers hold these customers locked.
 */
async function moveRecords(tx: Tx, moves: { id: string; customerId: string }[]): Promise<void> {
  if (moves.length === 0) return;
  const ids = sql.param(moves.map((m) => m.id));
  const to = sql.param(moves.map((m) => m.customerId));
  // One set (no `or`), so both lookups stay index scans on a large customers table.
  await tx.execute(sql`update customers set version = version + 1, updated_at = now()
      where id in (select unnest(${to}::text[]) union select customer_id from source_records where id = any(${ids}::text[]))`);
  await tx.execute(sql`update source_records r set customer_id = u.cid from unnest(${ids}::text[], ${to}::text[]) as u(id, cid) where r.id = u.id`);
  await tx.execute(sql`update customer_search_terms t set customer_id = u.cid from unnest(${ids}::text[], ${to}::text[]) as u(id, cid) where t.record_id = u.id`);
}

/**
 * Merges customers into one (the given `into`, else the oldest): their records move to it, the others
 * become `merged` (never deleted), the golden record is recomputed, and the merge is stored with the
 * state before it. Refuses customers that hold a confirmed not-duplicate pair.
 */
export async function mergeCustomers(tx: Tx, deps: Deps, input: MergeInput): Promise<MergeResult> {
  const ids = [...new Set(input.customerIds)].sort();
  if (ids.length < 2) throw new AppError('BAD_REQUEST', 'A merge needs at least two different customers');
  if (input.into && !ids.includes(input.into)) throw new AppError('BAD_REQUEST', `into (${input.into}) must be one of the merged customers`);
  const locked = await lockCustomers(tx, ids);
  for (const id of ids) {
    const c = locked.find((x) => x.id === id);
    if (!c) throw AppError.notFound('Customer', id);
    if (c.status !== 'active') throw AppError.conflict(`Customer ${id} is ${c.status}${c.mergedInto ? ` (into ${c.mergedInto})` : ''}; only active customers can be merged`);
  }
  // A steward of some business areas merges only customers whose records all lie in them.
  await requireInScope(tx, deps.actor, { customerIds: ids }, { entity: 'Customer', id: ids[0]! });
  await assertCustomersNotRestricted(tx, ids, 'Merge refused');
  const conflict = await notDuplicateConflict(tx, ids);
  if (conflict) throw AppError.conflict(`Records ${conflict.recordA} and ${conflict.recordB} are confirmed not duplicates; remove that decision first`);
  const into = input.into ?? ids[0]!;
  const from = ids.filter((id) => id !== into);
  const moved = await rows<{ id: string; customer_id: string }>(
    tx,
    sql`select id, customer_id from source_records where customer_id = any(${sql.param(from)}::text[]) order by id for update`,
  );
  const before: MergeBefore = { customers: locked, records: moved.map((r) => ({ id: r.id, customerId: r.customer_id })) };
  await moveRecords(tx, moved.map((r) => ({ id: r.id, customerId: into })));
  await tx.execute(sql`update customers set status = 'merged', merged_into = ${into}, updated_at = now(), version = version + 1 where id = any(${sql.param(from)}::text[])`);
  const mergeId = newId('merge');
  const by = deps.actor.id ?? deps.actor.name;
  await tx.execute(sql`
    insert into customer_merges (id, kind, into_customer_id, from_customer_ids, before, evidence, reason, automatic, actor_id)
    values (${mergeId}, 'merge', ${into}, ${sql.param(from)}::text[], ${JSON.stringify(before)}::jsonb,
            ${input.evidence === undefined ? null : JSON.stringify(input.evidence)}::jsonb, ${input.reason}, ${input.automatic ?? false}, ${by})`);
  await recomputeGolden(tx, [into]);
  const payload = { mergeId, into, from, reason: input.reason, automatic: input.automatic ?? false, recordIds: moved.map((r) => r.id) };
  // The sealed audit chain gets no personal data: the before-state without display names (customer_merges keeps them).
  const auditBefore = { customers: before.customers.map((c) => ({ id: c.id, status: c.status, mergedInto: c.mergedInto })), records: before.records };
  await deps.audit.append(tx, deps.actor, { action: 'customer.merge', entityType: 'customer', entityId: into, payload: { ...payload, before: auditBefore, evidence: input.evidence ?? null } });
  const events: DomainEvent[] = [into, ...from].map((id) => ({ type: 'customer.merged', aggregateType: 'customer', aggregateId: id, payload: { ...payload, role: id === into ? 'survivor' : 'absorbed' }, actorId: by }));
  await emitEvents(tx, events);
  return { mergeId, into, from, recordsMoved: moved.length };
}

type MergeRow = { id: string; kind: string; into_customer_id: string; from_customer_ids: string[]; before: MergeBefore; undone_at: Date | null };

/**
 * Undoes a merge or split: records it moved that are still where it put them go back to their
 * customer, the customers get their status back, golden records are recomputed. Records added or
 * moved since stay where they are (later edits are kept).
 */
export async function unmergeCustomers(tx: Tx, deps: Deps, mergeId: string, reason: string | null): Promise<{ mergeId: string; restored: string[]; recordsMoved: number }> {
  const [m] = await rows<MergeRow>(tx, sql`select * from customer_merges where id = ${mergeId} for update`);
  if (!m) throw AppError.notFound('Merge', mergeId);
  if (m.undone_at) throw AppError.conflict(`${m.kind === 'split' ? 'Split' : 'Merge'} ${mergeId} was already undone`);
  const into = m.into_customer_id;
  const restoredIds = m.kind === 'split' ? [m.from_customer_ids[0]!] : m.from_customer_ids;
  await requireInScope(tx, deps.actor, { customerIds: [into, ...restoredIds], recordIds: m.before.records.map((r) => r.id) }, { entity: 'Merge', id: mergeId });
  const locked = await lockCustomers(tx, [into, ...restoredIds]);
  await assertCustomersNotRestricted(tx, [into, ...restoredIds], 'Unmerge refused');
  const target = locked.find((c) => c.id === into);
  if (!target || target.status !== 'active') {
    const [later] = await rows<{ id: string }>(tx, sql`select id from customer_merges where ${into} = any(from_customer_ids) and undone_at is null order by created_at desc limit 1`);
    throw AppError.conflict(`Customer ${into} is no longer active${later ? `; undo ${later.id} first` : ''}`);
  }
  const current = await rows<{ id: string; customer_id: string }>(
    tx,
    sql`select id, customer_id from source_records where id = any(${sql.param(m.before.records.map((r) => r.id))}::text[]) for update`,
  );
  const where = new Map(current.map((r) => [r.id, r.customer_id]));
  const back = m.before.records.filter((r) => where.get(r.id) === into);
  await moveRecords(tx, back);
  if (m.kind === 'split') {
    // The split-off customer goes away the way merged customers do: kept, pointing at the original.
    await tx.execute(sql`update customers set status = 'merged', merged_into = ${restoredIds[0]!}, updated_at = now(), version = version + 1 where id = ${into}`);
  } else {
    const states = m.before.customers.filter((c) => restoredIds.includes(c.id));
    await tx.execute(sql`
      update customers c set status = u.status, merged_into = u.merged_into, updated_at = now(), version = c.version + 1
      from unnest(${sql.param(states.map((s) => s.id))}::text[], ${sql.param(states.map((s) => s.status))}::text[], ${sql.param(states.map((s) => s.mergedInto))}::text[])
           as u(id, status, merged_into)
      where c.id = u.id`);
  }
  const by = deps.actor.id ?? deps.actor.name;
  await tx.execute(sql`update customer_merges set undone_at = now(), undone_by = ${by}, undo_reason = ${reason} where id = ${mergeId}`);
  await recomputeGolden(tx, [into, ...restoredIds]);
  const payload = { mergeId, kind: m.kind, customer: into, restored: restoredIds, reason, recordIds: back.map((r) => r.id) };
  await deps.audit.append(tx, deps.actor, { action: m.kind === 'split' ? 'customer.unsplit' : 'customer.unmerge', entityType: 'customer', entityId: into, payload });
  await emitEvents(tx, [into, ...restoredIds].map((id) => ({ type: 'customer.unmerged', aggregateType: 'customer', aggregateId: id, payload, actorId: by })));
  return { mergeId, restored: restoredIds, recordsMoved: back.length };
}

/** Moves chosen records out of a customer into a new one (recorded like a merge, so it can be undone). */
export async function splitCustomer(tx: Tx, deps: Deps, customerId: string, recordIds: string[], reason: string | null): Promise<{ mergeId: string; newCustomerId: string }> {
  const ids = [...new Set(recordIds)].sort();
  if (ids.length === 0) throw new AppError('BAD_REQUEST', 'Choose at least one record to split off');
  const [c] = await lockCustomers(tx, [customerId]);
  if (!c) throw AppError.notFound('Customer', customerId);
  if (c.status !== 'active') throw AppError.conflict(`Customer ${customerId} is ${c.status}; only active customers can be split`);
  await assertCustomersNotRestricted(tx, [customerId], 'Split refused');
  await requireInScope(tx, deps.actor, { customerIds: [customerId] }, { entity: 'Customer', id: customerId });
  const owned = await rows<{ id: string; status: string; values: Record<string, unknown> | null }>(
    tx,
    sql`select id, status, "values" from source_records where customer_id = ${customerId} order by id for update`,
  );
  const owns = new Set(owned.map((r) => r.id));
  const foreign = ids.filter((id) => !owns.has(id));
  if (foreign.length > 0) throw new AppError('VALIDATION_FAILED', `Records ${foreign.join(', ')} do not belong to customer ${customerId}`, foreign.map((id) => ({ field: 'recordIds', rule: 'not_owned', message: `${id} is not a record of this customer` })));
  const staying = owned.filter((r) => !ids.includes(r.id) && r.status !== 'deleted');
  if (staying.length === 0) throw AppError.conflict('A split must leave at least one record with the customer');
  const newCustomerId = newId('customer');
  const first = owned.find((r) => ids.includes(r.id) && r.values);
  const name = first?.values ? displayNameOf({ attributes: Object.keys(first.values).map((n) => ({ name: n })) } as unknown as SchemaDefinition, first.values) : null;
  await tx.execute(sql`insert into customers (id, display_name) values (${newCustomerId}, ${name})`);
  const before: MergeBefore = { customers: [c], records: ids.map((id) => ({ id, customerId })) };
  await moveRecords(tx, ids.map((id) => ({ id, customerId: newCustomerId })));
  const mergeId = newId('merge');
  const by = deps.actor.id ?? deps.actor.name;
  await tx.execute(sql`
    insert into customer_merges (id, kind, into_customer_id, from_customer_ids, before, reason, actor_id)
    values (${mergeId}, 'split', ${newCustomerId}, ${sql.param([customerId])}::text[], ${JSON.stringify(before)}::jsonb, ${reason}, ${by})`);
  await recomputeGolden(tx, [customerId, newCustomerId]);
  const payload = { mergeId, customer: customerId, newCustomerId, recordIds: ids, reason };
  await deps.audit.append(tx, deps.actor, { action: 'customer.split', entityType: 'customer', entityId: customerId, payload });
  await emitEvents(tx, [
    { type: 'customer.split', aggregateType: 'customer', aggregateId: customerId, payload, actorId: by },
    { type: 'customer.created', aggregateType: 'customer', aggregateId: newCustomerId, payload: { splitFrom: customerId, mergeId, recordIds: ids }, actorId: by },
  ]);
  return { mergeId, newCustomerId };
}

/** Golden record of a customer as stored (for callers that already hold a transaction). */
export async function storedGolden(tx: Tx, customerId: string): Promise<GoldenRecord> {
  const [r] = await rows<{ golden: GoldenRecord }>(tx, sql`select golden from customers where id = ${customerId}`);
  return r?.golden ?? {};
}
