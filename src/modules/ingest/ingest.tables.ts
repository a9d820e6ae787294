import { bigint, boolean, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { sources } from '../sources/sources.tables.js';

// One file import into one source. Counters and the checkpoint are updated in the same transaction
// as each batch of records, so after a crash the row says exactly which input rows are committed.
export const importJobs = pgTable(
  'import_jobs',
  {
    id: text('id').primaryKey(),
    sourceId: text('source_id')
      .notNull()
      .references(() => sources.id),
    schemaId: text('schema_id').notNull(),
    // queued | running | completed | failed | cancelled | interrupted
    state: text('state').notNull(),
    // upsert | append
    mode: text('mode').notNull(),
    dryRun: boolean('dry_run').notNull().default(false),
    // csv | jsonl | xlsx
    format: text('format').notNull(),
    fileName: text('file_name').notNull(),
    filePath: text('file_path').notNull(),
    fileSha256: text('file_sha256').notNull(),
    fileSize: bigint('file_size', { mode: 'number' }).notNull(),
    // Hash of the options that change the outcome (mapping, key, delimiter, encoding, sheet…): a rerun
    // with the same file, source, mode and options resumes or reuses this job.
    optionsHash: text('options_hash').notNull(),
    options: jsonb('options').notNull(),
    // Detected or declared reading details and the column mapping, for the job view and report.
    detected: jsonb('detected'),
    warnings: jsonb('warnings'),
    // Every input row up to this one is committed (contiguous prefix). Batches written concurrently can
    // commit out of order: rows after it that are committed too are listed in import_job_batches.
    checkpointRow: integer('checkpoint_row').notNull().default(0),
    bytesRead: bigint('bytes_read', { mode: 'number' }).notNull().default(0),
    rowsRead: integer('rows_read').notNull().default(0),
    rowsCreated: integer('rows_created').notNull().default(0),
    rowsUpdated: integer('rows_updated').notNull().default(0),
    rowsUnchanged: integer('rows_unchanged').notNull().default(0),
    rowsRejected: integer('rows_rejected').notNull().default(0),
    // Seconds spent running, summed over resumed runs (rows per second without idle gaps).
    runSeconds: integer('run_seconds').notNull().default(0),
    errorCode: text('error_code'),
    errorMessage: text('error_message'),
    // Who runs it right now: a dead local pid means the job can be resumed at once.
    runnerHost: text('runner_host'),
    runnerPid: integer('runner_pid'),
    heartbeatAt: timestamp('heartbeat_at', { withTimezone: true }),
    createdBy: text('created_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    startedAt: timestamp('started_at', { withTimezone: true }),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('import_jobs_identity_idx').on(t.sourceId, t.fileSha256, t.mode, t.optionsHash),
    index('import_jobs_state_idx').on(t.state),
  ],
);

// The input rows each committed batch covered, written in the batch's own transaction: with several
// batches in flight commits come out of order, so a resumed job skips exactly the rows inside these ranges
// (and those up to checkpoint_row). Deleted when the job completes.
export const importJobBatches = pgTable(
  'import_job_batches',
  {
    jobId: text('job_id')
      .notNull()
      .references(() => importJobs.id, { onDelete: 'cascade' }),
    firstRow: integer('first_row').notNull(),
    lastRow: integer('last_row').notNull(),
  },
  (t) => [primaryKey({ columns: [t.jobId, t.firstRow] })],
);

// Input rows that did not become valid records: unparseable lines, missing or duplicate keys, and rows
// the schema rejected (those also exist as `rejected` source records, linked by record_id).
export const importQuarantine = pgTable(
  'import_quarantine',
  {
    id: text('id').primaryKey(),
    jobId: text('job_id')
      .notNull()
      .references(() => importJobs.id, { onDelete: 'cascade' }),
    sourceId: text('source_id').notNull(),
    // Data row number (1 = first row after the header) and the physical line (CSV) or sheet row (XLSX).
    rowNumber: integer('row_number').notNull(),
    line: integer('line'),
    sourceKey: text('source_key'),
    recordId: text('record_id'),
    // Mapped values (attribute → value) when the row could be read; raw_text when it could not.
    values: jsonb('values'),
    rawText: text('raw_text'),
    errors: jsonb('errors').notNull(),
    // open | resubmitted
    status: text('status').notNull().default('open'),
    resolution: jsonb('resolution'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    updatedBy: text('updated_by'),
  },
  (t) => [
    // One entry per input row: a resumed batch can never quarantine a row twice.
    uniqueIndex('import_quarantine_job_row_uq').on(t.jobId, t.rowNumber),
    index('import_quarantine_source_idx').on(t.sourceId, t.status),
  ],
);
