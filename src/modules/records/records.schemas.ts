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
