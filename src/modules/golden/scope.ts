import { type SQL, sql } from 'drizzle-orm';
import type { Actor } from '../../platform/auth/actor.js';
import type { Executor } from '../../platform/db/database.js';
import { rows } from '../../platform/db/database.js';
import { AppError } from '../../platform/errors/app-error.js';

// Business-area scope for golden records, merges, review tasks and not-duplicate pairs: an actor limited
// to some areas sees and changes only what involves records of sources in those areas, never a mix.

/** SQL condition: the source id expression belongs to a source in the actor's areas (`true` for all areas). */
export function sourceInScope(actor: Actor, sourceId: SQL): SQL {
  if (actor.allAreas) return sql`true`;
  return sql`${sourceId} in (select id from sources where business_area_id = any(${sql.param([...actor.businessAreaIds])}::text[]))`;
}

type Involved = { recordIds?: string[]; customerIds?: string[] };

/** Business areas of the given records and of every record of the given customers (deleted ones included). */
export async function areasInvolved(ex: Executor, what: Involved): Promise<{ recordId: string; customerId: string | null; areaId: string }[]> {
  const recordIds = what.recordIds ?? [];
  const customerIds = what.customerIds ?? [];
  if (recordIds.length === 0 && customerIds.length === 0) return [];
  const list = await rows<{ id: string; customer_id: string | null; business_area_id: string }>(
    ex,
    sql`select r.id, r.customer_id, s.business_area_id from source_records r join sources s on s.id = r.source_id
        where r.id = any(${sql.param(recordIds)}::text[]) or r.customer_id = any(${sql.param(customerIds)}::text[])`,
  );
  return list.map((r) => ({ recordId: r.id, customerId: r.customer_id, areaId: r.business_area_id }));
}

/** Whether everything involved lies in the actor's areas (always, for actors of every area). */
export async function allInScope(ex: Executor, actor: Actor, what: Involved): Promise<boolean> {
  if (actor.allAreas) return true;
  return (await areasInvolved(ex, what)).every((r) => actor.inArea(r.areaId));
}

/**
 * Refuses a change that involves records outside the actor's areas. `hidden` names what to report as
 * not found when none of it is visible to the actor (so ids of other areas are not confirmed).
 */
export async function requireInScope(ex: Executor, actor: Actor, what: Involved, hidden: { entity: string; id: string }): Promise<void> {
  if (actor.allAreas) return;
  const involved = await areasInvolved(ex, what);
  if (involved.length > 0 && !involved.some((r) => actor.inArea(r.areaId))) throw AppError.notFound(hidden.entity, hidden.id);
  if (!involved.every((r) => actor.inArea(r.areaId))) {
    throw AppError.forbidden('This involves records of a business area outside your scope');
  }
}
