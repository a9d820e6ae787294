import { z } from 'zod';

const share = z.number().nullable();
const isoDate = z.iso.datetime({ offset: true });

export const kpiCounts = z.object({
  slots: z.number().int(),
  slotsFilled: z.number().int(),
  assessed: z.number().int(),
  valid: z.number().int(),
  suspect: z.number().int(),
  invalid: z.number().int(),
  humanVerified: z.number().int(),
  aging: z.number().int(),
  stale: z.number().int(),
  duplicates: z.number().int(),
});

export const kpiView = z.object({
  sourceId: z.string().nullable(),
  sourceName: z.string().nullable(),
  records: z.number().int(),
  completeness: share,
  validity: share,
  accuracy: share,
  uniqueness: share,
  freshness: share,
  counts: kpiCounts,
});
export type KpiView = z.infer<typeof kpiView>;

export const snapshotView = kpiView.extend({
  snapshotId: z.string(),
  takenAt: z.string(),
  trigger: z.enum(['import', 'daily', 'manual']),
  context: z.record(z.string(), z.unknown()),
});
export type SnapshotView = z.infer<typeof snapshotView>;

export const kpisQuery = z.object({
  source: z.string().min(1).max(200).optional(),
  from: isoDate.optional(),
  to: isoDate.optional(),
  // Also compute the KPIs now (a scan of the records) besides returning stored snapshots.
  live: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  limit: z.coerce.number().int().min(1).max(5000).default(1000),
});

export const attributeProfileView = z.object({
  attribute: z.string(),
  type: z.string(),
  records: z.number().int(),
  filled: z.number().int(),
  fillRate: z.number(),
  distinct: z.number().int(),
  topValues: z.array(z.object({ value: z.unknown(), count: z.number().int() })),
  patterns: z.array(z.object({ pattern: z.string(), count: z.number().int() })),
  min: z.unknown(),
  max: z.unknown(),
  length: z.object({
    min: z.number().nullable(),
    max: z.number().nullable(),
    mean: z.number().nullable(),
    p50: z.number().nullable(),
    p95: z.number().nullable(),
    histogram: z.array(z.object({ length: z.number().int(), count: z.number().int() })),
  }),
  status: z.object({ valid: z.number().int(), suspect: z.number().int(), invalid: z.number().int(), unassessed: z.number().int() }),
  shares: z.object({ valid: share, suspect: share, invalid: share }),
  masked: z.boolean(),
});

export const profileView = z.object({
  sourceId: z.string(),
  sourceName: z.string(),
  schemaId: z.string(),
  schemaVersion: z.number().int(),
  records: z.number().int(),
  profiledAt: z.string(),
  tookMs: z.number(),
  attributes: z.array(attributeProfileView),
});
export type ProfileView = z.infer<typeof profileView>;

export const qualityRecordsQuery = z.object({
  source: z.string().min(1).max(200).optional(),
  maxScore: z.coerce.number().int().min(0).max(100).optional(),
  attribute: z.string().regex(/^[a-z][a-z0-9_]{0,62}$/).optional(),
  status: z.enum(['suspect', 'invalid', 'stale']).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

export const qualityRecordView = z.object({
  recordId: z.string(),
  sourceId: z.string(),
  sourceName: z.string().nullable(),
  sourceKey: z.string(),
  customerId: z.string().nullable(),
  score: z.number().int(),
  computedAt: z.string().nullable(),
  issues: z.array(z.string()),
});
export type QualityRecordView = z.infer<typeof qualityRecordView>;

export const staleQuery = z.object({
  source: z.string().min(1).max(200).optional(),
  attribute: z.string().regex(/^[a-z][a-z0-9_]{0,62}$/).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  offset: z.coerce.number().int().min(0).default(0),
});

export const staleItemView = z.object({
  recordId: z.string(),
  sourceId: z.string(),
  sourceName: z.string().nullable(),
  sourceKey: z.string(),
  attribute: z.string(),
  verifiedAt: z.string(),
  verifiedBy: z.string().nullable(),
  freshnessMonths: z.number().int(),
  staleSince: z.string(),
});
export type StaleItemView = z.infer<typeof staleItemView>;

export const rulesView = z.object({
  schemaId: z.string(),
  schemaName: z.string(),
  overrides: z.object({ freshness: z.record(z.string(), z.number().int().nullable()), important: z.array(z.string()).optional() }),
  attributes: z.array(
    z.object({ name: z.string(), type: z.string(), required: z.boolean(), important: z.boolean(), freshnessMonths: z.number().int().nullable() }),
  ),
  updatedAt: z.string().nullable(),
  updatedBy: z.string().nullable(),
});
export type RulesView = z.infer<typeof rulesView>;
