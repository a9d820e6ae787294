import { sql } from 'drizzle-orm';
import type { Actor } from '../../platform/auth/actor.js';
import type { Executor } from '../../platform/db/database.js';
import { rows } from '../../platform/db/database.js';
import type { PrivacyLevel } from '../governance/index.js';
import { canSee, maskAttributeValues, maskValue } from '../governance/index.js';
import type { FeedEvent } from './event-feed.js';

// Events are read by polling consumers (their actor) and webhook subscriptions (the roles and business
// areas they were created for). Both see only events about records of their areas, with attribute
// values masked like record values: personal needs pii:read, sensitive needs sensitive:read.

type Refs = { records: string[]; customers: string[]; sources: string[] };

const str = (v: unknown): string[] => (typeof v === 'string' && v ? [v] : Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string' && x.length > 0) : []);

/** The records, customers and sources an event is about (its aggregate and the ids in its payload). */
function refsOf(e: FeedEvent): Refs {
  const p = e.payload ?? {};
  return {
    records: [...(e.aggregateType === 'record' ? [e.aggregateId] : []), ...str(p.recordId), ...str(p.recordIds), ...str(p.candidateRecordId)],
    customers: [
      ...(e.aggregateType === 'customer' ? [e.aggregateId] : []),
      ...str(p.customerId), ...str(p.customer), ...str(p.into), ...str(p.from), ...str(p.restored), ...str(p.newCustomerId), ...str(p.splitFrom),
    ],
    sources: str(p.sourceId),
  };
}

/** Business areas each event concerns (by seq); an event about nothing area-bound gets an empty set. */
export async function eventAreas(ex: Executor, events: FeedEvent[]): Promise<Map<number, Set<string>>> {
  const refs = events.map(refsOf);
  const recordIds = [...new Set(refs.flatMap((r) => r.records))];
  const customerIds = [...new Set(refs.flatMap((r) => r.customers))];
  const sourceIds = [...new Set(refs.flatMap((r) => r.sources))];
  const taskIds = events.filter((e) => e.aggregateType === 'review_task').map((e) => e.aggregateId);
  const found = events.length === 0 ? [] : await rows<{ k: string; id: string; area: string }>(
    ex,
    sql`select 'r' as k, r.id, s.business_area_id as area from source_records r join sources s on s.id = r.source_id where r.id = any(${sql.param(recordIds)}::text[])
        union all
        select 'c', r.customer_id, s.business_area_id from source_records r join sources s on s.id = r.source_id where r.customer_id = any(${sql.param(customerIds)}::text[])
        union all
        select 's', s.id, s.business_area_id from sources s where s.id = any(${sql.param(sourceIds)}::text[])
        union all
        select 't', t.id, s.business_area_id from review_tasks t join sources s on s.id in (t.source_id, t.candidate_source_id) where t.id = any(${sql.param(taskIds)}::text[])`,
  );
  const areasOf = new Map<string, Set<string>>();
  for (const f of found) {
    const k = `${f.k}:${f.id}`;
    const set = areasOf.get(k) ?? new Set<string>();
    set.add(f.area);
    areasOf.set(k, set);
  }
  const out = new Map<number, Set<string>>();
  events.forEach((e, i) => {
    const r = refs[i]!;
    const keys = [...r.records.map((x) => `r:${x}`), ...r.customers.map((x) => `c:${x}`), ...r.sources.map((x) => `s:${x}`), ...(e.aggregateType === 'review_task' ? [`t:${e.aggregateId}`] : [])];
    out.set(e.seq, new Set(keys.flatMap((k) => [...(areasOf.get(k) ?? [])])));
  });
  return out;
}

/** Whether an audience may see an event: every area it touches must be theirs, and it must touch at least one (unless they see all areas). */
export function eventVisible(audience: Actor, areas: Set<string> | undefined): boolean {
  if (audience.allAreas) return true;
  if (!areas || areas.size === 0) return false;
  return [...areas].every((a) => audience.inArea(a));
}

/** Attribute privacy by source (the current version of its schema), for masking event values. */
export async function privacyBySource(ex: Executor, sourceIds: string[]): Promise<Map<string, Map<string, PrivacyLevel>>> {
  const out = new Map<string, Map<string, PrivacyLevel>>();
  if (sourceIds.length === 0) return out;
  const list = await rows<{ id: string; definition: { attributes: { name: string; privacy?: PrivacyLevel }[] } }>(
    ex,
    sql`select s.id, v.definition from sources s join schemas sc on sc.id = s.schema_id join schema_versions v on v.schema_id = sc.id and v.version = sc.current_version
        where s.id = any(${sql.param(sourceIds)}::text[])`,
  );
  for (const r of list) out.set(r.id, new Map(r.definition.attributes.map((a) => [a.name, a.privacy ?? 'personal'])));
  return out;
}

/** Whether an event carries attribute values that masking may change (field errors or a values object). */
export function carriesValues(e: Pick<FeedEvent, 'payload'>): boolean {
  const p = e.payload ?? {};
  return Array.isArray(p.errors) || (typeof p.values === 'object' && p.values !== null);
}

/** The source whose schema decides the privacy of an event's values. */
export function valueSourceOf(e: Pick<FeedEvent, 'payload'>): string | null {
  return typeof e.payload?.sourceId === 'string' ? e.payload.sourceId : null;
}

/**
 * An event's payload masked for the audience: field errors' `value` and a `values` object are masked
 * by the attribute's privacy in the source's schema (unknown attributes and sources count as personal).
 */
export function maskEvent<T extends Pick<FeedEvent, 'payload'>>(audience: Actor, e: T, privacy: ReadonlyMap<string, PrivacyLevel> | undefined): T {
  if (!carriesValues(e) || (audience.can('pii:read') && audience.can('sensitive:read'))) return e;
  const map = privacy ?? new Map<string, PrivacyLevel>();
  const p = { ...e.payload };
  if (Array.isArray(p.errors)) {
    p.errors = p.errors.map((err: unknown) => {
      if (typeof err !== 'object' || err === null || !('value' in err)) return err;
      const field = String((err as { field?: unknown }).field ?? '').split('.')[0]!;
      return canSee(audience, map.get(field) ?? 'personal') ? err : { ...err, value: maskValue((err as { value: unknown }).value) };
    });
  }
  if (typeof p.values === 'object' && p.values !== null && !Array.isArray(p.values)) p.values = maskAttributeValues(audience, p.values as Record<string, unknown>, map);
  return { ...e, payload: p };
}

/** Events filtered to the audience's business areas and masked for its roles (one area query, one privacy query). */
export async function eventsFor(ex: Executor, audience: Actor, events: FeedEvent[]): Promise<FeedEvent[]> {
  const areas = audience.allAreas ? null : await eventAreas(ex, events);
  const visible = areas ? events.filter((e) => eventVisible(audience, areas.get(e.seq))) : events;
  const needMask = visible.filter(carriesValues);
  if (needMask.length === 0 || (audience.can('pii:read') && audience.can('sensitive:read'))) return visible;
  const privacy = await privacyBySource(ex, [...new Set(needMask.map(valueSourceOf).filter((s): s is string => s !== null))]);
  return visible.map((e) => maskEvent(audience, e, privacy.get(valueSourceOf(e) ?? '')));
}
