import { z } from 'zod';

export const sourceKeySchema = z.string().trim().min(1).max(200);
const valuesSchema = z.record(z.string(), z.unknown());

export const writeRecordBody = z.object({
  source: z.string().min(1),
  key: sourceKeySchema,
  values: valuesSchema,
});

export const writeBatchBody = z.object({
  source: z.string().min(1),
  records: z.array(z.object({ key: sourceKeySchema, values: valuesSchema })).min(1).max(1000),
});

export const updateRecordBody = z.object({ values: valuesSchema });

export const fieldErrorView = z.object({ field: z.string(), rule: z.string(), message: z.string(), value: z.unknown().optional() });

export const recordView = z.object({
  id: z.string(),
  sourceId: z.string(),
  sourceName: z.string().optional(),
  sourceKey: z.string(),
  customerId: z.string().nullable(),
  schemaId: z.string(),
  schemaVersion: z.number().int(),
  status: z.enum(['valid', 'rejected', 'deleted']),
  raw: z.record(z.string(), z.unknown()),
  values: z.record(z.string(), z.unknown()).nullable(),
  extras: z.record(z.string(), z.unknown()).nullable(),
  errors: z.array(fieldErrorView),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
  createdBy: z.string().nullable(),
  updatedBy: z.string().nullable(),
  masked: z.array(z.string()),
});
export type RecordView = z.infer<typeof recordView>;

export const writeOutcome = z.enum(['created', 'updated', 'unchanged', 'rejected']);
export type WriteOutcome = z.infer<typeof writeOutcome>;

export const writeResultView = z.object({
  outcome: writeOutcome,
  record: recordView,
});
export type WriteResult = z.infer<typeof writeResultView>;

export const recordVersionView = z.object({
  version: z.number().int(),
  changeKind: z.string(),
  status: z.string(),
  schemaVersion: z.number().int(),
  raw: z.record(z.string(), z.unknown()),
  values: z.record(z.string(), z.unknown()).nullable(),
  errors: z.array(fieldErrorView),
  changedAt: z.string(),
  changedBy: z.string().nullable(),
});
export type RecordVersionView = z.infer<typeof recordVersionView>;

export const verificationEntryView = z.object({
  status: z.enum(['valid', 'suspect', 'invalid']),
  reasons: z.array(z.object({ code: z.string(), message: z.string() })),
  suggestion: z.unknown().optional(),
  verifiedAt: z.string(),
  verifiedBy: z.enum(['import-rule', 'api-rule', 'steward', 'customer']),
});

/** POST /api/v1/records/:id/verify: a steward (or the customer) confirms values, optionally setting their status. */
export const verifyRecordBody = z
  .object({
    attributes: z.array(z.string().regex(/^[a-z][a-z0-9_]{0,62}$/)).min(1).max(500),
    status: z.enum(['valid', 'suspect', 'invalid']).optional(),
    note: z.string().trim().min(1).max(500).optional(),
  })
  .strict();

/** Standardized values, per-attribute verification and the stored quality score of a record. */
export const recordQualityView = z.object({
  recordId: z.string(),
  score: z.number().int().nullable(),
  computedAt: z.string().nullable(),
  issues: z.array(z.string()),
  standardized: z.record(z.string(), z.unknown()).nullable(),
  verification: z.record(z.string(), verificationEntryView),
  masked: z.array(z.string()),
});
export type RecordQualityView = z.infer<typeof recordQualityView>;
