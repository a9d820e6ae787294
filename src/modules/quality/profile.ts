import { sql } from 'drizzle-orm';
import type { Database } from '../../platform/db/database.js';
import { rows } from '../../platform/db/database.js';
import type { AttributeType, SchemaDefinition } from '../schemas/index.js';
import { PATTERN_FROM, PATTERN_MAX_LENGTH, PATTERN_TO } from './patterns.js';

export type ValueCount = { value: string; count: number };
export type AttributeProfile = {
  attribute: string;
  type: AttributeType;
  /** Records (valid + rejected) of the source. */
  records: number;
  filled: number;
  fillRate: number;
  distinct: number;
  topValues: ValueCount[];
  patterns: { pattern: string; count: number }[];
  /** Lexical for text, numeric for integer/decimal/currency amounts given as plain numbers. */
  min: string | null;
  max: string | null;
  length: { min: number | null; max: number | null; mean: number | null; p50: number | null; p95: number | null; histogram: { length: number; count: number }[] };
  /** Counts over filled values; unassessed = filled values of rejected records that did not fail. */
  status: { valid: number; suspect: number; invalid: number; unassessed: number };
  shares: { valid: number | null; suspect: number | null; invalid: number | null };
};

const NUMERIC: ReadonlySet<AttributeType> = new Set(['integer', 'decimal', 'currency']);

type Row = {
  a: string;
  filled: number;
  distinct_count: number;
  nv: number;
  ns: number;
  ni: number;
  min_text: string | null;
  max_text: string | null;
  min_num: string | null;
  max_num: string | null;
  top: ValueCount[] | null;
  pats: { pattern: string; count: number }[] | null;
  lens: { length: number; count: number }[] | null;
};

/**
 * Profiles the raw values of a source's valid and rejected records in one scan: each record yields one
 * row per attribute, grouped by (attribute, value), and everything else is computed from those groups. Statuses come from quality_issues (valid records) and validation
 * errors (rejected records), which are small, rather than from the verification documents.
 */
export async function profileSource(database: Database, sourceId: string, definition: SchemaDefinition, topN: number): Promise<{ records: number; attributes: AttributeProfile[] }> {
  const names = definition.attributes.map((a) => a.name);
  const numeric = definition.attributes.filter((a) => NUMERIC.has(a.type)).map((a) => a.name);
  return database.db.transaction(async (tx) => {
    // The (attribute, value) hash aggregate of a million-record source needs a few hundred MB; without it, it spills to disk.
    await tx.execute(sql`set local work_mem = '512MB'`);
    const [count] = await rows<{ n: number }>(tx, sql`select count(*)::int n from source_records where source_id = ${sourceId} and status in ('valid', 'rejected')`);
    const records = Number(count?.n ?? 0);
    // One row per (record, attribute) from a VALUES list of `raw->>'attr'` (cheaper than jsonb_each_text, which
    // builds a tuplestore per record); OFFSET 0 keeps the status CASE from being re-evaluated per aggregate.
    const cells = sql.join(names.map((n) => sql`(${n}::text, r.raw->>${n}::text)`), sql`, `);
    const result = await rows<Row>(
      tx,
      sql`
      with g as (
        select a, v, count(*)::int n, count(*) filter (where st = 'v')::int nv, count(*) filter (where st = 's')::int ns, count(*) filter (where st = 'i')::int ni
        from (
          select c.a, c.v,
                 case when r.status = 'rejected' then
                        case when exists (select 1 from jsonb_array_elements(coalesce(r.errors, '[]'::jsonb)) x where split_part(x->>'field', '.', 1) = c.a) then 'i' end
                      when r.quality_computed_at is null then null
                      when r.quality_issues is null then 'v'
                      when r.quality_issues @> array[c.a || ':invalid'] then 'i'
                      when r.quality_issues @> array[c.a || ':suspect'] then 's'
                      else 'v' end st
          from source_records r cross join lateral (values ${cells}) as c(a, v)
          where r.source_id = ${sourceId} and r.status in ('valid', 'rejected') and btrim(c.v) <> ''
          offset 0
        ) cells
        group by a, v
      ),
      stats as (
        select a, sum(n)::int filled, count(*)::int distinct_count, count(*) filter (where n = 1)::int singles,
               sum(nv)::int nv, sum(ns)::int ns, sum(ni)::int ni,
               min(v collate "C") min_text, max(v collate "C") max_text,
               min(case when a = any(${sql.param(numeric)}::text[]) and v ~ '^[-+]?[0-9]+(\.[0-9]+)?$' then v::numeric end)::text min_num,
               max(case when a = any(${sql.param(numeric)}::text[]) and v ~ '^[-+]?[0-9]+(\.[0-9]+)?$' then v::numeric end)::text max_num
        from g group by a
      ),
      -- Top values: rank only values seen more than once (few), then fill short lists with singletons,
      -- which are all tied at 1 (any of them is as frequent as another; shown sorted).
      multi as (
        select a, v, n from (select a, v, n, row_number() over (partition by a order by n desc, v collate "C") rn from g where n > 1) t where rn <= ${topN}
      ),
      fill as (
        select s.a, f.v, 1 n
        from (select stats.a, ${topN} - coalesce(m.k, 0) need from stats left join (select a, count(*)::int k from multi group by a) m using (a)
              where stats.singles > 0 and coalesce(m.k, 0) < ${topN}) s
        cross join lateral (select g.v from g where g.a = s.a and g.n = 1 limit s.need) f
      ),
      top as (
        select a, json_agg(json_build_object('value', v, 'count', n) order by n desc, v collate "C") top
        from (select * from multi union all select * from fill) t group by a
      ),
      pat as (
        select a, json_agg(json_build_object('pattern', p, 'count', n) order by n desc, p collate "C") pats
        from (select a, p, n, row_number() over (partition by a order by n desc, p collate "C") rn
              from (select a, left(translate(v, ${PATTERN_FROM}, ${PATTERN_TO}), ${PATTERN_MAX_LENGTH}) p, sum(n)::int n from g group by 1, 2) p0) t
        where rn <= ${topN} group by a
      ),
      len as (
        select a, json_agg(json_build_object('length', l, 'count', n) order by l) lens
        from (select a, char_length(v) l, sum(n)::int n from g group by 1, 2) t group by a
      )
      select stats.*, top.top, pat.pats, len.lens from stats left join top using (a) left join pat using (a) left join len using (a)`,
    );
    const byAttr = new Map(result.map((r) => [r.a, r]));
    const attributes = definition.attributes.map((attr) => toProfile(attr.name, attr.type, records, byAttr.get(attr.name)));
    return { records, attributes };
  });
}

function toProfile(attribute: string, type: AttributeType, records: number, r: Row | undefined): AttributeProfile {
  const filled = Number(r?.filled ?? 0);
  const hist = (r?.lens ?? []).map((h) => ({ length: Number(h.length), count: Number(h.count) }));
  const valid = Number(r?.nv ?? 0);
  const suspect = Number(r?.ns ?? 0);
  const invalid = Number(r?.ni ?? 0);
  const assessed = valid + suspect + invalid;
  const numeric = NUMERIC.has(type) && r?.min_num !== null && r?.min_num !== undefined;
  return {
    attribute,
    type,
    records,
    filled,
    fillRate: records === 0 ? 0 : filled / records,
    distinct: Number(r?.distinct_count ?? 0),
    topValues: (r?.top ?? []).map((t) => ({ value: t.value, count: Number(t.count) })),
    patterns: (r?.pats ?? []).map((p) => ({ pattern: p.pattern, count: Number(p.count) })),
    min: numeric ? r!.min_num : (r?.min_text ?? null),
    max: numeric ? r!.max_num : (r?.max_text ?? null),
    length: lengthStats(hist),
    status: { valid, suspect, invalid, unassessed: filled - assessed },
    shares: {
      valid: assessed === 0 ? null : valid / assessed,
      suspect: assessed === 0 ? null : suspect / assessed,
      invalid: assessed === 0 ? null : invalid / assessed,
    },
  };
}

/** Min, max, mean and nearest-rank percentiles from a length histogram. */
export function lengthStats(histogram: { length: number; count: number }[]): AttributeProfile['length'] {
  const total = histogram.reduce((s, h) => s + h.count, 0);
  if (total === 0) return { min: null, max: null, mean: null, p50: null, p95: null, histogram };
  const sum = histogram.reduce((s, h) => s + h.length * h.count, 0);
  const rank = (p: number): number => {
    const target = Math.ceil(p * total);
    let seen = 0;
    for (const h of histogram) {
      seen += h.count;
      if (seen >= target) return h.length;
    }
    return histogram[histogram.length - 1]!.length;
  };
  return { min: histogram[0]!.length, max: histogram[histogram.length - 1]!.length, mean: sum / total, p50: rank(0.5), p95: rank(0.95), histogram };
}
