import { sql } from 'drizzle-orm';
import type { Database } from '../../platform/db/database.js';
import { rows } from '../../platform/db/database.js';
import type { QualityService } from './quality.service.js';

// Distinct from the migration lock key; serialises the daily job across server processes.
const DAILY_LOCK_KEY = 727_170_301;

export type DailySnapshotOptions = {
  /** How often to check whether today's snapshot is due (default hourly). */
  checkEveryMs?: number;
  /** Delay of the first check after start-up (default 5 s); servers wait longer so start-up stays light. */
  firstCheckAfterMs?: number;
  now?: () => Date;
  onError?: (err: unknown) => void;
};

/**
 * Takes the daily KPI snapshot (after the decay pass) once per UTC day: checks at start-up and then
 * every hour whether today's 'daily' snapshot exists. Safe with several server processes on PostgreSQL
 * (advisory lock + re-check). Returns a stop function; the timer does not keep the process alive.
 */
export function startDailySnapshots(service: QualityService, database: Database, opts: DailySnapshotOptions = {}): { stop(): void; tick(): Promise<boolean> } {
  const now = opts.now ?? (() => new Date());
  let running = false;
  const tick = async (): Promise<boolean> => {
    if (running) return false;
    running = true;
    try {
      const at = now();
      const dayStart = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate())).toISOString();
      const due = async () => (await rows(database.db, sql`select 1 from quality_kpi_snapshots where trigger = 'daily' and taken_at >= ${dayStart}::timestamptz limit 1`)).length === 0;
      if (!(await due())) return false;
      const release = await database.advisoryLock(DAILY_LOCK_KEY);
      try {
        if (!(await due())) return false;
        await service.refreshDecay(at);
        await service.snapshotKpis('daily', {}, at);
        return true;
      } finally {
        await release();
      }
    } catch (err) {
      opts.onError?.(err);
      return false;
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void tick(), opts.checkEveryMs ?? 3_600_000);
  timer.unref();
  const first = setTimeout(() => void tick(), opts.firstCheckAfterMs ?? 5_000);
  first.unref();
  return {
    stop: () => {
      clearInterval(timer);
      clearTimeout(first);
    },
    tick,
  };
}
