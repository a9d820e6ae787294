import type { SQL } from 'drizzle-orm';
import { sql } from 'drizzle-orm';

/** An inclusive range of input row numbers (1 = first data row). */
export type RowRange = { first: number; last: number };

/**
 * The input rows of a job known to be committed: the checkpoint prefix plus the ranges of committed batches
 * (import_job_batches). Answers whether a row can be skipped on resume and the contiguous prefix ("every row
 * up to here is committed") a run ends with; batches advance `checkpoint_row` with `committedPrefix`.
 */
export class CommittedRows {
  // Sorted, disjoint and not adjacent (merged on every add).
  private ranges: RowRange[] = [];
  // Rows are asked about in increasing order: the index of the first range that may hold the next one.
  private cursor = 0;

  constructor(checkpoint: number, ranges: RowRange[] = []) {
    if (checkpoint > 0) this.add({ first: 1, last: checkpoint });
    for (const r of ranges) this.add(r);
  }

  /** Whether the row is committed; rows must be asked in increasing order. */
  has(row: number): boolean {
    while (this.cursor < this.ranges.length && this.ranges[this.cursor]!.last < row) this.cursor += 1;
    const r = this.ranges[this.cursor];
    return r !== undefined && r.first <= row;
  }

  add(range: RowRange): void {
    this.ranges = merge([...this.ranges, range]);
    this.cursor = 0;
  }

  /** The last row of the contiguous committed prefix, counting `extra` as committed too. */
  prefix(extra?: RowRange): number {
    const list = extra ? merge([...this.ranges, extra]) : this.ranges;
    const head = list[0];
    return head && head.first <= 1 ? head.last : 0;
  }
}

function merge(list: RowRange[]): RowRange[] {
  const sorted = [...list].sort((a, b) => a.first - b.first);
  const out: RowRange[] = [];
  for (const r of sorted) {
    const prev = out[out.length - 1];
    if (prev && r.first <= prev.last + 1) prev.last = Math.max(prev.last, r.last);
    else out.push({ ...r });
  }
  return out;
}

/**
 * The job's contiguous committed prefix as SQL: the checkpoint and the ranges in import_job_batches that
 * this statement sees, merged from row 1 until the first gap (a range starting past everything before it).
 */
export function committedPrefix(jobId: string): SQL {
  return sql`(select coalesce(max(y.last_row), 0) from (
      select x.last_row, bool_or(x.first_row > coalesce(x.reach, 0) + 1) over (order by x.first_row, x.last_row rows unbounded preceding) as gap
      from (
        select r.first_row, r.last_row, max(r.last_row) over (order by r.first_row, r.last_row rows between unbounded preceding and 1 preceding) as reach
        from (select first_row, last_row from import_job_batches where job_id = ${jobId}
              union all select 1, checkpoint_row from import_jobs where id = ${jobId} and checkpoint_row > 0) r
      ) x
    ) y where not y.gap)`;
}
