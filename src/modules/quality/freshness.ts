/**
 * The instant before which a value verified `months` ago is stale, with PostgreSQL's month arithmetic
 * (`now - interval 'n months'`: the day is clamped to the target month's length). Computed here and
 * passed to SQL as a parameter so JS scoring and SQL listings agree to the millisecond.
 */
export function freshnessCutoff(now: Date, months: number): Date {
  const y = now.getUTCFullYear();
  const m = now.getUTCMonth() - months;
  const target = new Date(Date.UTC(y, m, 1));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  return new Date(
    Date.UTC(target.getUTCFullYear(), target.getUTCMonth(), Math.min(now.getUTCDate(), lastDay), now.getUTCHours(), now.getUTCMinutes(), now.getUTCSeconds(), now.getUTCMilliseconds()),
  );
}

/** True when a value last verified at `verifiedAt` is past its freshness period at `now`. */
export function isStale(verifiedAt: string | undefined, months: number | null, now: Date): boolean {
  if (months === null || !verifiedAt) return false;
  return Date.parse(verifiedAt) < freshnessCutoff(now, months).getTime();
}
