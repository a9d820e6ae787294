import { z } from 'zod';
import { recordView } from '../records/index.js';

export const TASK_STATUSES = ['open', 'match', 'not_match', 'skipped', 'superseded'] as const;
export const DECISIONS = ['match', 'not_match', 'skip'] as const;

export const taskListQuery = z.object({
  status: z.enum(TASK_STATUSES).default('open'),
  schema: z.string().max(200).optional(),
  source: z.string().max(200).optional(),
  minScore: z.coerce.number().min(0).max(1).optional(),
  maxScore: z.coerce.number().min(0).max(1).optional(),
  /** Only tasks at least this many hours old. */
  minAgeHours: z.coerce.number().min(0).optional(),
  maxAgeHours: z.coerce.number().min(0).optional(),
  assignedTo: z.string().max(200).optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type TaskListQuery = z.infer<typeof taskListQuery>;

export const decideBody = z.object({ decision: z.enum(DECISIONS), note: z.string().trim().max(2000).optional() });
export const bulkDecideBody = z.object({ taskIds: z.array(z.string().min(1).max(200)).min(1).max(500), decision: z.enum(DECISIONS), note: z.string().trim().max(2000).optional() });
export const assignBody = z.object({ assignee: z.string().min(1).max(200).nullable() });
export const trainBody = z.object({ sampleSize: z.number().int().min(100).max(2_000_000).optional(), activate: z.boolean().default(true) });
export const rematchBody = z
  .object({ schema: z.string().min(1).max(200).optional(), source: z.string().min(1).max(200).optional(), dryRun: z.boolean().default(true) })
  .refine((b) => b.schema !== undefined || b.source !== undefined, { message: 'give a schema or a source', path: ['schema'] });

const term = z.object({
  comparison: z.string(),
  role: z.string(),
  level: z.string(),
  weight: z.number(),
  tfAdjustment: z.number(),
  contribution: z.number(),
  valueA: z.unknown(),
  valueB: z.unknown(),
});
export const explanationView = z.object({ priorWeight: z.number(), weight: z.number(), probability: z.number(), terms: z.array(term) }).partial();

export const taskView = z.object({
  id: z.string(),
  status: z.enum(TASK_STATUSES),
  schemaId: z.string(),
  sourceId: z.string(),
  probability: z.number(),
  record: recordView.nullable(),
  candidate: recordView.nullable(),
  explanation: explanationView,
  assignedTo: z.string().nullable(),
  decidedBy: z.string().nullable(),
  decidedAt: z.string().nullable(),
  note: z.string().nullable(),
  mergeId: z.string().nullable(),
  createdAt: z.string(),
  ageHours: z.number(),
});
export type TaskView = z.infer<typeof taskView>;

export const decisionResult = z.object({ taskId: z.string(), status: z.enum(TASK_STATUSES), mergeId: z.string().nullable(), error: z.string().optional() });
export const taskCountsView = z.object({
  byStatus: z.record(z.string(), z.number()),
  openBySchema: z.array(z.object({ schemaId: z.string(), open: z.number() })),
  openByAge: z.object({ under1h: z.number(), under24h: z.number(), under7d: z.number(), older: z.number() }),
});

export const modelView = z.object({
  id: z.string(),
  schemaId: z.string(),
  version: z.number().int(),
  active: z.boolean(),
  recordsUsed: z.number().int(),
  labelsUsed: z.number().int(),
  createdBy: z.string().nullable(),
  createdAt: z.string(),
  threshold: z.number(),
  lambda: z.number(),
  comparisons: z.array(z.object({ name: z.string(), levels: z.array(z.string()), m: z.array(z.number()), u: z.array(z.number()) })),
});

export const labelView = z.object({ recordA: z.string(), recordB: z.string(), schemaId: z.string(), match: z.boolean(), decidedBy: z.string().nullable(), decidedAt: z.string(), taskId: z.string().nullable() });

export const jobView = z.object({
  id: z.string(),
  schemaId: z.string(),
  sourceId: z.string().nullable(),
  dryRun: z.boolean(),
  status: z.enum(['queued', 'running', 'succeeded', 'failed', 'cancelled']),
  progress: z.object({ phase: z.string(), done: z.number(), total: z.number() }),
  report: z.unknown().nullable(),
  error: z.string().nullable(),
  createdBy: z.string().nullable(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
});
export type JobView = z.infer<typeof jobView>;
