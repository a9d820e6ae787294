import { sql } from 'drizzle-orm';
import type { Database, Tx } from '../../platform/db/database.js';
import { rows } from '../../platform/db/database.js';
import type { AttributeType, SchemaDefinition } from '../schemas/index.js';
import { PATTERN_FROM, PATTERN_MAX_LENGTH, PATTERN_TO } from './patterns.js';
import { readInOneSnapshot } from './shared-snapshot.js';

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
  assessed: number;
  distinct_count: number;
  min_text: string | null;
  max_text: string | null;
  min_num: string | null;
  max_num: string | null;
  top: ValueCount[] | null;
  pats: { pattern: string; count: number }[] | null;
  lens: { length: number; count: number }[] | null;
};
type Status = { filled: number; assessed: number; suspect: number; invalidValid: number; invalidRejected: number };

// grouping() takes at most 31 arguments; one slot is for the issues set.
const CHUNK = 30;
const SAFE_NAME = /^[a-z][a-z0-9_]{0,62}$/;
const SAMPLE_FROM = 100_000;
const PATTERN_SAMPLE = 16;

/**
 * Profiles the raw values of a source's valid and rejected records. One scan per 30 attributes: a hash
 * aggregate with one grouping set per attribute (`raw->>'attr'`) plus one for the issue list, so no row is
 * multiplied per attribute; every figure is then computed from those groups. Statuses: valid records'
 * from their quality_issues, rejected records' from their validation errors (an indexed, small query).
 */
export async function profileSource(database: Database, sourceId: string, definition: SchemaDefinition, topN: number): Promise<{ records: number; attributes: AttributeProfile[] }> {
  const names = definition.attributes.map((a) => a.name);
  // Names are inlined (the same expression must appear in the select list and the grouping sets); the
  // definition format already restricts them to this pattern.
  for (const n of names) if (!SAFE_NAME.test(n)) throw new Error(`unexpected attribute name ${n}`);
  const numeric = definition.attributes.filter((a) => NUMERIC.has(a.type)).map((a) => a.name);
  // The grouping-set pass is CPU-bound in one backend, so on PostgreSQL the attributes are split over
  // two connections that share one snapshot; PGlite has one connection.
  const parallel = database.kind === 'postgres' ? 2 : 1;
  const groups = Math.min(Math.max(parallel, Math.ceil(names.length / CHUNK)), Math.max(1, names.length));
  return readInOneSnapshot(
    database,
    (tx) => tuneAggregation(tx, database),
    async (tx, fork) => {
      const [count] = await rows<{ n: number }>(tx, sql`select count(*)::int n from source_records where source_id = ${sourceId} and status in ('valid', 'rejected')`);
      const records = Number(count?.n ?? 0);
      const chunks = parallel > 1 && groups > 1 ? await balancedChunks(tx, sourceId, names, groups, records) : roundRobin(names, groups);
      // Patterns cost a translate() per distinct value; above SAMPLE_FROM records they are sampled (see the
      // pat step of chunkQuery). Exact otherwise.
      const sample = records > SAMPLE_FROM ? PATTERN_SAMPLE : 1;
      const run = (ex: Tx, index: number) => chunkQuery(ex, sourceId, chunks[index]!, index === 0, numeric, topN, sample);
      // The first chunk runs here, the others each on their own connection (PostgreSQL) in the same snapshot.
      const others = chunks.slice(1).map((_, k) => fork((t) => run(t, k + 1)));
      const parts = [await run(tx, 0), ...(await Promise.all(others))];
      const result: Row[] = [];
      const issues = new Map<string, { suspect: number; invalid: number }>();
      for (const r of parts.flat()) {
        if (r.a !== null) result.push(r);
        for (const i of r.iss_rows ?? []) {
          const [attr, status] = i.issue.split(':') as [string, string];
          const e = issues.get(attr) ?? { suspect: 0, invalid: 0 };
          if (status === 'suspect') e.suspect += Number(i.n);
          if (status === 'invalid') e.invalid += Number(i.n);
          issues.set(attr, e);
        }
      }
      return finish(tx, sourceId, definition, records, result, issues);
    },
  );
}

function roundRobin(names: string[], count: number): string[][] {
  const chunks: string[][] = Array.from({ length: count }, () => []);
  names.forEach((n, i) => chunks[i % count]!.push(n));
  return chunks;
}

/**
 * Splits the attributes into `count` chunks (of at most CHUNK) with about the same work each. An attribute's
 * work grows with its number of distinct values (hash table, groups to rank), estimated from a 1 % sample of
 * the table's pages (values seen once in the sample scaled up by the square root of the sampling ratio, GEE);
 * attributes are placed largest first on the lightest chunk.
 */
async function balancedChunks(tx: Tx, sourceId: string, names: string[], count: number, records: number): Promise<string[][]> {
  const sampled = await rows<{ a: string; once: number; more: number; n: number }>(
    tx,
    sql`with s as (select raw from source_records tablesample system (1) repeatable (0) where source_id = ${sourceId} and status in ('valid', 'rejected')),
             c as (select a, raw->>a v, count(*) c from s cross join unnest(${sql.param(names)}::text[]) a group by 1, 2)
        select a, count(*) filter (where c = 1)::int once, count(*) filter (where c > 1)::int more, (select count(*) from s)::int n
        from c where v is not null group by a`,
  );
  const distinct = new Map(sampled.map((e) => [e.a, Math.sqrt(records / Math.max(1, Number(e.n))) * Number(e.once) + Number(e.more)]));
  const chunks = Array.from({ length: count }, () => ({ names: [] as string[], work: 0 }));
  for (const name of [...names].sort((x, y) => (distinct.get(y) ?? 0) - (distinct.get(x) ?? 0))) {
    const open = chunks.filter((c) => c.names.length < CHUNK);
    const lightest = open.reduce((m, c) => (c.work < m.work ? c : m));
    lightest.names.push(name);
    lightest.work += (distinct.get(name) ?? 0) + 1;
  }
  return chunks.map((c) => c.names);
}

async function tuneAggregation(tx: Tx, database: Database): Promise<void> {
  // The hash tables of a million-record source need a few hundred MB; without this they spill to disk.
  // The planner estimates every grouping set of raw->>'attr' at one group per record and hashes only the
  // sets that fit its memory limit, sorting the whole source once for each of the others (MixedAggregate:
  // most of the time on a million records). A high limit makes it hash them all in one pass (split in two
  // chunks, each chunk's estimate fits); real memory is what the groups need, and hash aggregation spills
  // beyond it. (enable_sort = off was tried: it also steers the small window/ordered aggregates after the
  // pass and made a 20,000-record profile 3-4x slower.)
  // (PGlite is a 32-bit build whose limit is below 2GB, and holds small data sets anyway.)
  await tx.execute(sql.raw(`set local work_mem = '${database.kind === 'postgres' ? '2GB' : '256MB'}'`));
  await tx.execute(sql`set local hash_mem_multiplier = 4`);
  // The cost estimates of a large source turn on JIT with inlining and optimization: 1.5-3 s of compiling
  // per connection, more than it saved (measured on a million records).
  await tx.execute(sql`set local jit = off`);
}

type ChunkRow = Row & { a: string | null; iss_rows?: { issue: string; n: number }[] | null };

/** One scan: a hash aggregate with one grouping set per attribute of the chunk (plus the issue list in the first). */
async function chunkQuery(tx: Tx, sourceId: string, chunk: string[], withIssues: boolean, numeric: string[], topN: number, sample: number): Promise<ChunkRow[]> {
  const exprs = chunk.map((n) => `(r.raw->>'${n}')`);
  if (withIssues) exprs.push(`(case when r.status = 'valid' and r.quality_computed_at is not null then r.quality_issues end)`);
  const full = (1 << exprs.length) - 1;
  const gidOf = (i: number) => full ^ (1 << (exprs.length - 1 - i));
  // Everything after the scan is grouped by the grouping id (an int, cheaper to hash and sort than a name);
  // the names are put back on the final rows only.
  const label = `case gid ${chunk.map((n, i) => `when ${gidOf(i)} then '${n}'`).join(' ')} end`;
  const numericGids = chunk.flatMap((n, i) => (numeric.includes(n) ? [gidOf(i)] : []));
  const value = `coalesce(${chunk.map((_, i) => `c${i}`).join(', ')})`;
  const select = exprs.map((e, i) => (withIssues && i === chunk.length ? `${e} iss` : `${e} c${i}`)).join(', ');
  return rows<ChunkRow>(
    tx,
    sql`
    with g0 as (
      select ${sql.raw(select)}, count(*)::int n,
             count(*) filter (where r.status = 'valid' and r.quality_computed_at is not null)::int na,
             grouping(${sql.raw(exprs.join(', '))}) gid
      from source_records r where r.source_id = ${sourceId} and r.status in ('valid', 'rejected')
      group by grouping sets (${sql.raw(exprs.map((e) => `(${e})`).join(', '))})
    ),
    g as (
      select gid, ${sql.raw(value)} v, n, na from g0
      where gid <> ${withIssues ? gidOf(chunk.length) : -1} and btrim(${sql.raw(value)}) <> ''
    ),
    stats as (
      select gid, sum(n)::int filled, sum(na)::int assessed, count(*)::int distinct_count, count(*) filter (where n = 1)::int singles,
             min(v collate "C") min_text, max(v collate "C") max_text,
             min(case when gid = any(${sql.param(numericGids)}::int[]) and v ~ '^[-+]?[0-9]+(\\.[0-9]+)?$' then v::numeric end)::text min_num,
             max(case when gid = any(${sql.param(numericGids)}::int[]) and v ~ '^[-+]?[0-9]+(\\.[0-9]+)?$' then v::numeric end)::text max_num
      from g group by gid
    ),
    -- Top values: rank only values seen more than once, and of those only the ones at least as frequent as
    -- the topN-th count (found from a histogram of the counts), so a few rows are sorted instead of every
    -- repeated value; then fill short lists with singletons, which are all tied at 1 (shown sorted).
    counts as (select gid, n, count(*) k from g where n > 1 group by gid, n),
    cutoff as (
      select gid, min(n) n from (select gid, n, k, sum(k) over (partition by gid order by n desc) upto from counts) t
      where upto - k < ${topN} group by gid
    ),
    multi as (
      select gid, v, n from (select g.gid, g.v, g.n, row_number() over (partition by g.gid order by g.n desc, g.v collate "C") rn
                             from g join cutoff c on c.gid = g.gid and g.n >= c.n) t where rn <= ${topN}
    ),
    fill as (
      select s.gid, f.v, 1 n
      from (select stats.gid, ${topN} - coalesce(m.k, 0) need from stats left join (select gid, count(*)::int k from multi group by gid) m using (gid)
            where stats.singles > 0 and coalesce(m.k, 0) < ${topN}) s
      cross join lateral (select g.v from g where g.gid = s.gid and g.n = 1 limit s.need) f
    ),
    top as (
      select gid, json_agg(json_build_object('value', v, 'count', n) order by n desc, v collate "C") top
      from (select * from multi union all select * from fill) t group by gid
    ),
    -- Patterns cost a translate() per value: a value seen n < sample times is taken when the low bits of its
    -- hash are below n (probability n/sample) and counted sample times; so each estimate is unbiased and
    -- values seen at least sample times are counted exactly (sample = 1: every value, exact).
    pat as (
      select gid, json_agg(json_build_object('pattern', p, 'count', n) order by n desc, p collate "C") pats
      from (select gid, p, n, row_number() over (partition by gid order by n desc, p collate "C") rn
            from (select gid, translate(left(v, ${PATTERN_MAX_LENGTH}), ${PATTERN_FROM}, ${PATTERN_TO}) p, sum(greatest(n, ${sample}))::int n
                  from g where n >= ${sample} or (hashtext(v) & ${sample - 1}) < n group by 1, 2) p0) t
      where rn <= ${topN} group by gid
    ),
    len as (
      select gid, json_agg(json_build_object('length', l, 'count', n) order by l) lens
      from (select gid, char_length(v) l, sum(n)::int n from g group by 1, 2) t group by gid
    ),
    iss as (${withIssues ? sql`
      select json_agg(json_build_object('issue', i, 'n', n)) iss_rows
      from (select i, sum(g0.n)::int n from g0 cross join lateral unnest(g0.iss) i
            where g0.gid = ${gidOf(chunk.length)} group by i) t` : sql`select null::json iss_rows`}
    )
    select ${sql.raw(label)} a, stats.filled, stats.assessed, stats.distinct_count, stats.min_text, stats.max_text, stats.min_num, stats.max_num,
           top.top, pat.pats, len.lens, null::json iss_rows
    from stats left join top using (gid) left join pat using (gid) left join len using (gid)
    union all select null, 0, 0, 0, null, null, null, null, null, null, null, iss.iss_rows from iss`,
  );
}

async function finish(tx: Tx, sourceId: string, definition: SchemaDefinition, records: number, result: Row[], issues: Map<string, { suspect: number; invalid: number }>): Promise<{ records: number; attributes: AttributeProfile[] }> {
    // Rejected records: a filled value is invalid when validation failed on its attribute (or a part of it).
    const rejected = await rows<{ a: string; n: number }>(
      tx,
      sql`select x.a, count(*)::int n
          from source_records r cross join lateral (select distinct split_part(e->>'field', '.', 1) a from jsonb_array_elements(coalesce(r.errors, '[]'::jsonb)) e) x
          where r.source_id = ${sourceId} and r.status = 'rejected' and btrim(coalesce(r.raw->>x.a, '')) <> ''
          group by x.a`,
    );
    const rejectedBy = new Map(rejected.map((r) => [r.a, Number(r.n)]));
    const byAttr = new Map(result.map((r) => [r.a, r]));
    const attributes = definition.attributes.map((attr) => {
      const r = byAttr.get(attr.name);
      const st: Status = {
        filled: Number(r?.filled ?? 0),
        assessed: Number(r?.assessed ?? 0),
        suspect: issues.get(attr.name)?.suspect ?? 0,
        invalidValid: issues.get(attr.name)?.invalid ?? 0,
        invalidRejected: rejectedBy.get(attr.name) ?? 0,
      };
      return toProfile(attr.name, attr.type, records, r, st);
    });
    return { records, attributes };
}

function toProfile(attribute: string, type: AttributeType, records: number, r: Row | undefined, st: Status): AttributeProfile {
  const hist = (r?.lens ?? []).map((h) => ({ length: Number(h.length), count: Number(h.count) }));
  const suspect = st.suspect;
  const invalid = st.invalidValid + st.invalidRejected;
  const valid = Math.max(0, st.assessed - st.suspect - st.invalidValid);
  const assessed = valid + suspect + invalid;
  const numeric = NUMERIC.has(type) && r?.min_num !== null && r?.min_num !== undefined;
  return {
    attribute,
    type,
    records,
    filled: st.filled,
    fillRate: records === 0 ? 0 : st.filled / records,
    distinct: Number(r?.distinct_count ?? 0),
    topValues: (r?.top ?? []).map((t) => ({ value: t.value, count: Number(t.count) })),
    patterns: (r?.pats ?? []).map((p) => ({ pattern: p.pattern, count: Number(p.count) })),
    min: numeric ? r!.min_num : (r?.min_text ?? null),
    max: numeric ? r!.max_num : (r?.max_text ?? null),
    length: lengthStats(hist),
    status: { valid, suspect, invalid, unassessed: Math.max(0, st.filled - assessed) },
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
