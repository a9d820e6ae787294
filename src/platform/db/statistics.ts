import type { Database } from './database.js';

// PostgreSQL's autovacuum refreshes planner statistics after enough rows change; PGlite has no autovacuum,
// so its tables keep the estimates of an empty table and the planner picks nested loops over tens of
// thousands of rows (a KPI snapshot after a 20,000-row import took 115 s instead of 0.6 s). These helpers
// do autovacuum's analyze part: right after bulk loads on both tiers, and on a timer on PGlite.

type Stale = { table: string };

/** Analyzes the tables whose changed rows since the last analyze pass autovacuum's rule (50 + 10 % of the rows), or that were never analyzed. */
export async function analyzeStaleTables(database: Database): Promise<string[]> {
  // This backend's own changes reach the statistics views only once flushed (at most once a second).
  await database.raw('select pg_stat_force_next_flush()');
  await database.raw('select pg_stat_clear_snapshot()');
  const stale = await database.raw<Stale>(
    `select s.relname as "table" from pg_stat_user_tables s join pg_class c on c.oid = s.relid
     where s.schemaname = 'public'
       and (c.reltuples < 0 and s.n_live_tup > 0 or s.n_mod_since_analyze > 50 + 0.1 * greatest(c.reltuples, 0))`,
  );
  for (const s of stale) await database.raw(`analyze "${s.table.replace(/"/g, '""')}"`);
  return stale.map((s) => s.table);
}

/** On PGlite, checks every `everyMs` (default 10 minutes) and analyzes what changed; a no-op on PostgreSQL. */
export function startStatisticsRefresh(database: Database, opts: { everyMs?: number; onError?: (err: unknown) => void } = {}): { stop(): void } {
  if (database.kind !== 'pglite') return { stop: () => undefined };
  let running = false;
  const tick = async (): Promise<void> => {
    if (running) return;
    running = true;
    try {
      await analyzeStaleTables(database);
    } catch (err) {
      opts.onError?.(err);
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void tick(), opts.everyMs ?? 600_000);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
