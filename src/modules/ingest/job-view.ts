import type { importJobs } from './ingest.tables.js';
import type { ImportJobView, JobState } from './ingest.schemas.js';

export type JobRow = typeof importJobs.$inferSelect;

/** The API/CLI view of a job, with throughput and ETA derived from its counters. */
export function jobView(j: JobRow, sourceName: string | null, now = Date.now()): ImportJobView {
  const running = j.state === 'running' && j.startedAt !== null;
  const seconds = j.runSeconds + (running ? Math.max(0, (now - j.startedAt!.getTime()) / 1000) : 0);
  const rowsPerSecond = seconds > 0 ? Math.round(j.rowsRead / seconds) : 0;
  const progress = j.state === 'completed' ? 1 : j.fileSize > 0 ? Math.min(1, j.bytesRead / j.fileSize) : 0;
  const bytesPerSecond = seconds > 0 ? j.bytesRead / seconds : 0;
  const etaSeconds = j.state === 'completed' ? 0 : running && bytesPerSecond > 0 ? Math.round((j.fileSize - j.bytesRead) / bytesPerSecond) : null;
  const accepted = j.rowsCreated + j.rowsUpdated + j.rowsUnchanged;
  return {
    id: j.id,
    sourceId: j.sourceId,
    sourceName,
    schemaId: j.schemaId,
    state: j.state as JobState,
    mode: j.mode as 'upsert' | 'append',
    dryRun: j.dryRun,
    format: j.format,
    fileName: j.fileName,
    fileSize: j.fileSize,
    sha256: j.fileSha256,
    counters: { read: j.rowsRead, accepted, created: j.rowsCreated, updated: j.rowsUpdated, unchanged: j.rowsUnchanged, rejected: j.rowsRejected },
    checkpointRow: j.checkpointRow,
    progress,
    rowsPerSecond,
    etaSeconds: etaSeconds === null ? null : Math.max(0, etaSeconds),
    detected: (j.detected as Record<string, unknown> | null) ?? null,
    warnings: (j.warnings as string[] | null) ?? [],
    error: j.errorCode ? { code: j.errorCode, message: j.errorMessage ?? '' } : null,
    createdBy: j.createdBy,
    createdAt: j.createdAt.toISOString(),
    startedAt: j.startedAt ? j.startedAt.toISOString() : null,
    finishedAt: j.finishedAt ? j.finishedAt.toISOString() : null,
  };
}
