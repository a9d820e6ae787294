import { sql } from 'drizzle-orm';
import { boolean, doublePrecision, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

// A borderline pair for a steward: the record that arrived (or was re-matched) and its best candidate.
export const reviewTasks = pgTable(
  'review_tasks',
  {
    id: text('id').primaryKey(),
    schemaId: text('schema_id').notNull(),
    sourceId: text('source_id').notNull(),
    recordId: text('record_id').notNull(),
    candidateRecordId: text('candidate_record_id').notNull(),
    candidateSourceId: text('candidate_source_id').notNull(),
    probability: doublePrecision('probability').notNull(),
    // The engine's per-attribute explanation at the time the task was created.
    explanation: jsonb('explanation').notNull(),
    // open | match | not_match | skipped | superseded
    status: text('status').notNull().default('open'),
    assignedTo: text('assigned_to'),
    decidedBy: text('decided_by'),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    note: text('note'),
    // The merge a "match" decision made, if the records were in different customers.
    mergeId: text('merge_id'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // One open task per pair (stored with record_id < candidate_record_id or as arrived; checked both ways in code).
    uniqueIndex('review_tasks_open_pair_uq').on(t.recordId, t.candidateRecordId).where(sql`status = 'open'`),
    index('review_tasks_status_idx').on(t.status, t.createdAt),
    index('review_tasks_schema_idx').on(t.schemaId, t.status),
    index('review_tasks_candidate_idx').on(t.candidateRecordId),
  ],
);

// Steward decisions kept as labels for calibrating the model (record_a < record_b; the last decision wins).
export const matchLabels = pgTable(
  'match_labels',
  {
    recordA: text('record_a').notNull(),
    recordB: text('record_b').notNull(),
    schemaId: text('schema_id').notNull(),
    match: boolean('match').notNull(),
    decidedBy: text('decided_by'),
    decidedAt: timestamp('decided_at', { withTimezone: true }).notNull().defaultNow(),
    taskId: text('task_id'),
  },
  (t) => [primaryKey({ columns: [t.recordA, t.recordB] }), index('match_labels_schema_idx').on(t.schemaId)],
);

// Trained m/u models per schema, versioned; one active per schema.
export const matchModels = pgTable(
  'match_models',
  {
    id: text('id').primaryKey(),
    schemaId: text('schema_id').notNull(),
    version: integer('version').notNull(),
    model: jsonb('model').notNull(),
    active: boolean('active').notNull().default(false),
    recordsUsed: integer('records_used').notNull(),
    labelsUsed: integer('labels_used').notNull(),
    createdBy: text('created_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('match_models_schema_version_uq').on(t.schemaId, t.version)],
);

// Background re-match runs (dry run or applied) with progress and the report.
export const rematchJobs = pgTable(
  'rematch_jobs',
  {
    id: text('id').primaryKey(),
    schemaId: text('schema_id').notNull(),
    sourceId: text('source_id'),
    dryRun: boolean('dry_run').notNull(),
    // queued | running | succeeded | failed | cancelled
    status: text('status').notNull(),
    progress: jsonb('progress').notNull(),
    report: jsonb('report'),
    error: text('error'),
    createdBy: text('created_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    startedAt: timestamp('started_at', { withTimezone: true }),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [index('rematch_jobs_created_idx').on(t.createdAt)],
);
