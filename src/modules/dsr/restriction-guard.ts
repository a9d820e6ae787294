import { sql } from 'drizzle-orm';
import type { Executor } from '../../platform/db/database.js';
import { rows } from '../../platform/db/database.js';
import { AppError } from '../../platform/errors/app-error.js';

// Restriction checks other modules call without depending on DsrService (records, ingest, golden sit below dsr).

/** The rule name every refusal carries in its error details, so clients can tell it from other conflicts. */
export const RESTRICTED_RULE = 'customer_restricted';

/** Keys of the batch whose existing record belongs to a restricted customer: key → customer id. */
export async function restrictedKeys(ex: Executor, sourceId: string, keys: readonly string[]): Promise<Map<string, string>> {
  if (keys.length === 0) return new Map();
  const hit = await rows<{ source_key: string; customer_id: string }>(
    ex,
    sql`select r.source_key, r.customer_id from source_records r join dsr_restrictions d on d.customer_id = r.customer_id
        where r.source_id = ${sourceId} and r.source_key = any(${sql.param([...keys])}::text[])`,
  );
  return new Map(hit.map((h) => [h.source_key, h.customer_id]));
}

/** Which of the customers are restricted. */
export async function restrictedCustomers(ex: Executor, customerIds: readonly string[]): Promise<Set<string>> {
  if (customerIds.length === 0) return new Set();
  const hit = await rows<{ customer_id: string }>(ex, sql`select customer_id from dsr_restrictions where customer_id = any(${sql.param([...customerIds])}::text[])`);
  return new Set(hit.map((h) => h.customer_id));
}

/** The 409 a refused write or merge gets; `details` name the field (record key or customer) and the rule. */
export function restrictedError(what: string, details: { field: string; customerId: string }[]): AppError {
  return AppError.conflict(
    `${what}: the customer is restricted (no processing until the restriction is lifted)`,
    details.map((d) => ({ field: d.field, rule: RESTRICTED_RULE, message: `customer ${d.customerId} is restricted` })),
  );
}

/**
 * Refuses a batch write when any of its keys belongs to a restricted customer (409, rule customer_restricted);
 * `hit` is what restrictedKeys answers (key → customer id), or the caller's own read of it.
 */
export function refuseRestrictedKeys(keys: readonly string[], hit: ReadonlyMap<string, string>): void {
  if (hit.size === 0) return;
  const details = keys.flatMap((k, i) => (hit.has(k) ? [{ field: keys.length === 1 ? 'key' : `records.${i}.key`, customerId: hit.get(k)! }] : []));
  throw restrictedError('Record write refused', details);
}

/** Refuses processing of any restricted customer among the ids (409, rule customer_restricted). */
export async function assertCustomersNotRestricted(ex: Executor, customerIds: readonly string[], what: string): Promise<void> {
  const hit = await restrictedCustomers(ex, customerIds);
  if (hit.size === 0) return;
  throw restrictedError(what, [...hit].sort().map((id) => ({ field: 'customer', customerId: id })));
}
