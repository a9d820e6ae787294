import { sql } from 'drizzle-orm';
import type { Database } from '../../platform/db/database.js';
import { rows } from '../../platform/db/database.js';
import { freshnessCutoff } from './freshness.js';
import { readInOneSnapshot } from './shared-snapshot.js';
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
 * KPIs of the valid records of the given sources, per source and overall, from two statements that see
 * one snapshot (on PostgreSQL they run on two connections at once). The counts: one row per filled value
 * (no per-record subquery: a per-record aggregate builds its join tables once per record). The duplicates:
 * the keys type:lower(standardized value) shared within a source and over all given sources.
 */
export async function computeKpiRows(database: Database, sourceIds: string[], schemas: SchemaRules[], now: Date): Promise<KpiRow[]> {
  if (sourceIds.length === 0) return [empty(null)];
  const a = attrArrays(schemas, now);
  const attrs = sql`(select * from unnest(${sql.param(a.schema)}::text[], ${sql.param(a.name)}::text[], ${sql.param(a.counted)}::bool[],
                    ${sql.param(a.cutoff)}::timestamptz[], ${sql.param(a.dup)}::text[]) as t(schema_id, name, counted, cutoff, dup))`;
  const ids = sql`${sql.param(sourceIds)}::text[]`;
  const [counts, dups] = await readInOneSnapshot(
    database,
    async (tx) => {
      // The planner cannot estimate rows from jsonb and plans for a few thousand: without this the duplicate
      // keys (two per record) spill to disk. JIT compiles for seconds and gains less than that here.
      await tx.execute(sql.raw(`set local work_mem = '${database.kind === 'postgres' ? '1GB' : '256MB'}'`));
      await tx.execute(sql`set local jit = off`);
    },
    async (tx, fork) => {
      const dupRows = fork((other) =>
        rows<{ source_id: string | null; dups: number }>(
          other,
          sql`
          with keys as (
            select r.id, r.source_id, a.dup || ':' || lower(r.standardized->>a.name) k
            from source_records r join ${attrs} a on a.schema_id = r.schema_id and a.dup is not null
            where r.status = 'valid' and r.source_id = any(${ids}) and coalesce(r.standardized->>a.name, '') <> ''
          ),
          -- A key is shared when two different records have it (a record may have it twice, in two attributes);
          -- min <> max finds those in one hash aggregate, where a count of distinct records would sort.
          shared_src as (select source_id, k from keys group by 1, 2 having min(id collate "C") <> max(id collate "C")),
          shared_all as (select k from keys group by 1 having min(id collate "C") <> max(id collate "C"))
          select source_id, count(*)::int dups from (select distinct source_id, id from keys join shared_src using (source_id, k)) t group by source_id
          union all select null, count(*)::int from (select distinct id from keys join shared_all using (k)) t`,
        ),
      );
      const countRows = await rows<Omit<Raw, 'dups'>>(
        tx,
        sql`
        with attrs as ${attrs},
        recs as (
          select source_id, schema_id, count(*)::int n from source_records
          where status = 'valid' and source_id = any(${ids}) group by 1, 2
        ),
        -- Filled values with their verification. The verification document is stored compressed: it is
        -- decompressed once per record (the OFFSET 0 subquery), not once per attribute.
        vals as (
          select r.source_id, a.counted, a.cutoff, x.e, x.e->>'status' st
          from (select source_id, schema_id, "values" vals, verification || '{}'::jsonb ver from source_records
                where status = 'valid' and source_id = any(${ids}) offset 0) r
          join attrs a on a.schema_id = r.schema_id
          cross join lateral (select r.ver -> a.name e) x
          where jsonb_typeof(r.vals -> a.name) <> 'null'
          offset 0
        ),
        filled as (
          select source_id, count(*) filter (where counted)::int slots_filled, count(e)::int assessed,
                 count(*) filter (where st = 'valid')::int valid, count(*) filter (where st = 'suspect')::int suspect,
                 count(*) filter (where st = 'invalid')::int invalid,
                 count(*) filter (where e->>'verifiedBy' in ('steward', 'customer'))::int verified,
                 count(e) filter (where cutoff is not null)::int aging,
                 count(*) filter (where cutoff is not null and (e->>'verifiedAt')::timestamptz < cutoff)::int stale,
                 grouping(source_id) g
          from vals group by grouping sets ((source_id), ())
        ),
        counted as (
          select source_id, coalesce(sum(recs.n), 0)::int records, coalesce(sum(recs.n * sl.n), 0)::int slots, grouping(source_id) g
          from recs join (select schema_id, count(*) filter (where counted) n from attrs group by schema_id) sl using (schema_id)
          group by grouping sets ((source_id), ())
        )
        select c.source_id, c.records, c.slots, coalesce(f.slots_filled, 0) slots_filled, coalesce(f.assessed, 0) assessed,
               coalesce(f.valid, 0) valid, coalesce(f.suspect, 0) suspect, coalesce(f.invalid, 0) invalid, coalesce(f.verified, 0) verified,
               coalesce(f.aging, 0) aging, coalesce(f.stale, 0) stale
        from counted c left join filled f on f.g = c.g and f.source_id is not distinct from c.source_id`,
      );
      return [countRows, await dupRows] as const;
    },
  );
  const dupsOf = new Map(dups.map((d) => [d.source_id, Number(d.dups)]));
  const withDups = counts.map((r) => ({ ...r, dups: dupsOf.get(r.source_id) ?? 0 }));
  const bySource = new Map(withDups.filter((r) => r.source_id !== null).map((r) => [r.source_id!, toKpi(r)]));
  const overall = withDups.find((r) => r.source_id === null);
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
