import { sql } from 'drizzle-orm';
import type { Executor } from '../../platform/db/database.js';
import { rows } from '../../platform/db/database.js';
import { freshnessCutoff } from './freshness.js';
import type { ResolvedRules } from './rules.js';

/** KPI figures of one source, or overall (sourceId null). Shares are in [0, 1], null when undefined (0/0). */
export type KpiRow = {
  sourceId: string | null;
  records: number;
  completeness: number | null;
  validity: number | null;
  accuracy: number | null;
  uniqueness: number | null;
  freshness: number | null;
  counts: KpiCounts;
};

export type KpiCounts = {
  /** Required + important attribute slots over all valid records, and how many are filled. */
  slots: number;
  slotsFilled: number;
  /** Filled values with a verification. */
  assessed: number;
  valid: number;
  suspect: number;
  invalid: number;
  /** Assessed values last verified by a steward or the customer. */
  humanVerified: number;
  /** Assessed values with a freshness period, and how many of them are stale. */
  aging: number;
  stale: number;
  /** Valid records sharing a standardized e-mail or phone with another valid record in the scope. */
  duplicates: number;
};

/** Per-schema attribute rules, as the KPI and stale queries take them. */
export type SchemaRules = { schemaId: string; rules: ResolvedRules };

type Raw = { source_id: string | null; records: number; slots: number; slots_filled: number; assessed: number; valid: number; suspect: number; invalid: number; verified: number; aging: number; stale: number; dups: number };

function attrArrays(schemas: SchemaRules[], now: Date) {
  const a = { schema: [] as string[], name: [] as string[], counted: [] as boolean[], cutoff: [] as (string | null)[], dup: [] as (string | null)[] };
  for (const s of schemas) {
    for (const r of s.rules.attributes) {
      a.schema.push(s.schemaId);
      a.name.push(r.name);
      a.counted.push(r.required || r.important);
      a.cutoff.push(r.freshnessMonths === null ? null : freshnessCutoff(now, r.freshnessMonths).toISOString());
      a.dup.push(r.type === 'email' || r.type === 'phone' ? r.type : null);
    }
  }
  return a;
}

/**
 * KPIs of the valid records of the given sources, per source and overall, in one statement.
 * Each record's attributes are evaluated in a lateral subquery (no per-record grouping), and the
 * duplicate keys (type:lower(standardized value)) are counted per source and over all given sources.
 */
export async function computeKpiRows(ex: Executor, sourceIds: string[], schemas: SchemaRules[], now: Date): Promise<KpiRow[]> {
  if (sourceIds.length === 0) return [empty(null)];
  const a = attrArrays(schemas, now);
  const raw = await rows<Raw>(
    ex,
    sql`
    with attrs as (
      select * from unnest(${sql.param(a.schema)}::text[], ${sql.param(a.name)}::text[], ${sql.param(a.counted)}::bool[],
                           ${sql.param(a.cutoff)}::timestamptz[], ${sql.param(a.dup)}::text[]) as t(schema_id, name, counted, cutoff, dup)
    ),
    recs as (
      select r.id, r.source_id, r.schema_id, r."values" vals, r.verification ver, r.standardized std
      from source_records r where r.status = 'valid' and r.source_id = any(${sql.param(sourceIds)}::text[])
    ),
    -- One pass per record over its filled values: jsonb_each decompresses each jsonb once (a per-attribute
    -- r.verification->name would decompress the verification document once per attribute).
    per as (
      select r.id, r.source_id, r.schema_id, x.*
      from recs r cross join lateral (
        select count(*) filter (where a.counted)::int slots_filled,
               count(e.value)::int assessed,
               count(*) filter (where e.value->>'status' = 'valid')::int valid,
               count(*) filter (where e.value->>'status' = 'suspect')::int suspect,
               count(*) filter (where e.value->>'status' = 'invalid')::int invalid,
               count(*) filter (where e.value->>'verifiedBy' in ('steward', 'customer'))::int verified,
               count(*) filter (where e.value is not null and a.cutoff is not null)::int aging,
               count(*) filter (where a.cutoff is not null and (e.value->>'verifiedAt')::timestamptz < a.cutoff)::int stale
        from jsonb_each(r.vals) v
        join attrs a on a.schema_id = r.schema_id and a.name = v.key
        left join jsonb_each(r.ver) e on e.key = v.key
        where v.value <> 'null'::jsonb
      ) x
    ),
    slots as (select schema_id, count(*) filter (where counted)::int n from attrs group by schema_id),
    keys as (
      select distinct r.id, r.source_id, a.dup || ':' || lower(r.std->>a.name) k
      from recs r join attrs a on a.schema_id = r.schema_id and a.dup is not null
      where coalesce(r.std->>a.name, '') <> ''
    ),
    dup_src as (
      select source_id, count(distinct id)::int n
      from (select id, source_id, count(*) over (partition by source_id, k) c from keys) t where c > 1 group by source_id
    ),
    dup_all as (
      select count(distinct id)::int n from (select id, count(*) over (partition by k) c from keys) t where c > 1
    ),
    agg as (
      select source_id, count(*)::int records, coalesce(sum(sl.n), 0)::int slots, coalesce(sum(slots_filled), 0)::int slots_filled,
             coalesce(sum(assessed), 0)::int assessed, coalesce(sum(valid), 0)::int valid, coalesce(sum(suspect), 0)::int suspect,
             coalesce(sum(invalid), 0)::int invalid, coalesce(sum(verified), 0)::int verified, coalesce(sum(aging), 0)::int aging,
             coalesce(sum(stale), 0)::int stale, grouping(source_id) g
      from per join slots sl using (schema_id) group by grouping sets ((source_id), ())
    )
    select agg.source_id, agg.records, agg.slots, agg.slots_filled, agg.assessed, agg.valid, agg.suspect, agg.invalid, agg.verified, agg.aging, agg.stale,
           case when agg.g = 1 then coalesce((select n from dup_all), 0) else coalesce(ds.n, 0) end dups
    from agg left join dup_src ds on agg.g = 0 and ds.source_id = agg.source_id`,
  );
  const bySource = new Map(raw.filter((r) => r.source_id !== null).map((r) => [r.source_id!, toKpi(r)]));
  const overall = raw.find((r) => r.source_id === null);
  return [...sourceIds.map((id) => bySource.get(id) ?? empty(id)), overall ? toKpi(overall) : empty(null)];
}

function share(n: number, d: number): number | null {
  return d === 0 ? null : n / d;
}

function toKpi(r: Raw): KpiRow {
  const c: KpiCounts = {
    slots: Number(r.slots),
    slotsFilled: Number(r.slots_filled),
    assessed: Number(r.assessed),
    valid: Number(r.valid),
    suspect: Number(r.suspect),
    invalid: Number(r.invalid),
    humanVerified: Number(r.verified),
    aging: Number(r.aging),
    stale: Number(r.stale),
    duplicates: Number(r.dups),
  };
  const records = Number(r.records);
  return {
    sourceId: r.source_id,
    records,
    completeness: share(c.slotsFilled, c.slots),
    validity: share(c.valid, c.assessed),
    accuracy: share(c.humanVerified, c.assessed),
    uniqueness: records === 0 ? null : 1 - c.duplicates / records,
    freshness: share(c.aging - c.stale, c.aging),
    counts: c,
  };
}

function empty(sourceId: string | null): KpiRow {
  return toKpi({ source_id: sourceId, records: 0, slots: 0, slots_filled: 0, assessed: 0, valid: 0, suspect: 0, invalid: 0, verified: 0, aging: 0, stale: 0, dups: 0 });
}
