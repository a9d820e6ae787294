import { z } from 'zod';

export const IMPORT_FORMATS = ['csv', 'tsv', 'jsonl', 'xlsx'] as const;
export const JOB_STATES = ['queued', 'running', 'completed', 'failed', 'cancelled', 'interrupted'] as const;
export type JobState = (typeof JOB_STATES)[number];

const columnMap = z.record(z.string().min(1).max(200), z.string().min(1).max(200));

/** Options of one import (API body or multipart fields, CLI flags). */
export const importOptionsSchema = z.object({
  source: z.string().min(1).max(200),
  /** Schema the source must use; creates the source with it when it does not exist yet. */
  schema: z.string().min(1).max(200).optional(),
  mode: z.enum(['upsert', 'append']).default('upsert'),
  dryRun: z.boolean().default(false),
  /** Re-import a file whose import already completed (otherwise that is a no-op). */
  force: z.boolean().default(false),
  /** column → attribute (or `address_attr.part`) overrides of the automatic mapping. */
  map: columnMap.optional(),
  /** Column holding the source key; default: customer_id, id, external_id… */
  key: z.string().min(1).max(200).optional(),
  format: z.enum(IMPORT_FORMATS).optional(),
  delimiter: z.string().min(1).max(5).optional(),
  encoding: z.string().min(1).max(40).optional(),
  sheet: z.string().min(1).max(200).optional(),
  /** Per-attribute date formats (e.g. birth_date → DD/MM/YYYY), handed to the write context for standardization. */
  dateFormats: columnMap.optional(),
  batchSize: z.number().int().min(1).max(10_000).optional(),
  /** `record`: one audit entry per changed record (as API writes); `batch`: one entry per committed batch. */
  auditMode: z.enum(['record', 'batch']).optional(),
  /**
   * Batches written at once on PostgreSQL, each on its own connection (default 2; PGlite, dry runs and match on
   * arrival: 1). Imports running together get at most half the pool in total, each at least one; the job's
   * `detected.writers` shows what its run got.
   */
  writers: z.number().int().min(1).max(8).optional(),
  /**
   * `false`: this import skips match on arrival (an initial or bulk load): every new valid record gets its own
   * customer with its golden record, and on PostgreSQL batches are written in parallel; run a re-match afterwards
   * (`custodian rematch`) to link and review the duplicates. Default true: each record is matched as it is written.
   */
  matchOnArrival: z.boolean().optional(),
});
export type ImportOptionsInput = z.input<typeof importOptionsSchema>;
export type ImportOptions = z.output<typeof importOptionsSchema>;

/** Server-side file import (admins): the path and the same options. */
export const pathImportBody = importOptionsSchema.extend({ path: z.string().min(1).max(4096) });

export const countersView = z.object({
  read: z.number().int(),
  accepted: z.number().int(),
  created: z.number().int(),
  updated: z.number().int(),
  unchanged: z.number().int(),
  rejected: z.number().int(),
});
export type CountersView = z.infer<typeof countersView>;

export const importJobView = z.object({
  id: z.string(),
  sourceId: z.string(),
  sourceName: z.string().nullable(),
  schemaId: z.string(),
  state: z.enum(JOB_STATES),
  mode: z.enum(['upsert', 'append']),
  dryRun: z.boolean(),
  format: z.string(),
  fileName: z.string(),
  fileSize: z.number(),
  sha256: z.string(),
  counters: countersView,
  /** Every input row up to this one is committed; rows after it may be committed too (batches commit out of order). */
  checkpointRow: z.number().int(),
  /**
   * Share of the file read, 0..1: how far the furthest committed batch had read, so while batches are in flight
   * (or after an earlier one failed) it may run ahead of the committed rows; exact once the job completed.
   */
  progress: z.number(),
  rowsPerSecond: z.number(),
  /** Estimated from `progress`, as approximate as it during a run. */
  etaSeconds: z.number().nullable(),
  detected: z.record(z.string(), z.unknown()).nullable(),
  warnings: z.array(z.string()),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  createdBy: z.string().nullable(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  /** True when this request found the job already done or running and started nothing new. */
  reused: z.boolean().optional(),
});
export type ImportJobView = z.infer<typeof importJobView>;

export const quarantineErrorView = z.object({ field: z.string(), rule: z.string(), message: z.string(), value: z.unknown().optional() });
export type QuarantineError = z.infer<typeof quarantineErrorView>;

export const quarantineView = z.object({
  id: z.string(),
  jobId: z.string(),
  sourceId: z.string(),
  row: z.number().int(),
  line: z.number().int().nullable(),
  key: z.string().nullable(),
  recordId: z.string().nullable(),
  values: z.record(z.string(), z.unknown()).nullable(),
  rawText: z.string().nullable(),
  errors: z.array(quarantineErrorView),
  status: z.enum(['open', 'resubmitted']),
  resolution: z.record(z.string(), z.unknown()).nullable(),
  updatedAt: z.string(),
  updatedBy: z.string().nullable(),
  masked: z.array(z.string()),
});
export type QuarantineView = z.infer<typeof quarantineView>;

export const quarantineQuery = z.object({
  source: z.string().optional(),
  job: z.string().optional(),
  status: z.enum(['open', 'resubmitted']).optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});
export type QuarantineQuery = z.infer<typeof quarantineQuery>;

const valuesPatch = z.record(z.string().min(1).max(200), z.unknown());

/** Correction of one quarantined row: values to set (null clears a value) and/or its key. */
export const quarantinePatchBody = z.object({ values: valuesPatch.optional(), key: z.string().trim().min(1).max(200).optional() });

/** The same correction for many rows: by ids, or every open row of a job. */
export const quarantineBulkPatchBody = z
  .object({ ids: z.array(z.string()).min(1).max(10_000).optional(), job: z.string().optional(), all: z.boolean().optional(), values: valuesPatch })
  .refine((b) => b.ids !== undefined || (b.job !== undefined && b.all === true), { message: 'give ids, or job with all: true', path: ['ids'] });

export const resubmitBody = z
  .object({ ids: z.array(z.string()).min(1).max(10_000).optional(), job: z.string().optional(), all: z.boolean().optional() })
  .refine((b) => b.ids !== undefined || (b.job !== undefined && b.all === true), { message: 'give ids, or job with all: true', path: ['ids'] });

export const resubmitResultView = z.object({
  id: z.string(),
  row: z.number().int(),
  outcome: z.enum(['created', 'updated', 'unchanged', 'rejected', 'skipped']),
  recordId: z.string().nullable(),
  errors: z.array(quarantineErrorView),
});
export type ResubmitResult = z.infer<typeof resubmitResultView>;
