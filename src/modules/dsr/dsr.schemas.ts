import { z } from 'zod';

export const DSR_KINDS = ['access', 'portability', 'rectification', 'erasure', 'restriction', 'lift_restriction'] as const;
export type DsrKind = (typeof DSR_KINDS)[number];
export const DSR_STATUSES = ['open', 'completed', 'rejected'] as const;

export const createRequestBody = z
  .object({
    customer: z.string().min(1).max(200),
    kind: z.enum(DSR_KINDS),
    channel: z.enum(['staff', 'portal', 'system']).default('staff'),
    legalBasis: z.string().max(500).optional(),
    // Days until the answer is due; the default is the legal one month (30 days).
    dueInDays: z.number().int().min(1).max(365).optional(),
    note: z.string().max(2000).optional(),
  })
  .strict();

export const requestListQuery = z.object({
  status: z.enum(DSR_STATUSES).optional(),
  customer: z.string().max(200).optional(),
  overdue: z.enum(['true', 'false']).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export const closeRequestBody = z.object({ note: z.string().max(2000).optional() }).strict();

export const eraseBody = z
  .object({
    legalBasis: z.string().min(3).max(500),
    requestId: z.string().max(200).optional(),
    // anonymise keeps non-identifying public attributes (enums, countries, numbers) for statistics.
    mode: z.enum(['erase', 'anonymise']).default('erase'),
  })
  .strict();

export const restrictBody = z.object({ reason: z.string().max(500).optional(), requestId: z.string().max(200).optional() }).strict();

export const rectifyBody = z
  .object({
    recordId: z.string().min(1).max(200),
    values: z.record(z.string(), z.unknown()),
    requestId: z.string().max(200).optional(),
    // A restricted customer (e.g. accuracy contested) can be rectified only by lifting the restriction in the same step.
    liftRestriction: z.boolean().default(false),
  })
  .strict();

export const retentionPolicyBody = z
  .object({ inactiveMonths: z.number().int().min(1).max(600), graceDays: z.number().int().min(0).max(3650).default(30), action: z.enum(['erase', 'anonymise']).default('erase') })
  .strict();

export const retentionRunBody = z.object({ dryRun: z.boolean().default(true) }).strict();

export const requestView = z.object({
  id: z.string(),
  customerId: z.string(),
  kind: z.string(),
  status: z.string(),
  channel: z.string(),
  legalBasis: z.string().nullable(),
  note: z.string().nullable(),
  receivedAt: z.string(),
  dueAt: z.string(),
  overdue: z.boolean(),
  completedAt: z.string().nullable(),
  result: z.unknown(),
  createdBy: z.string().nullable(),
  completedBy: z.string().nullable(),
});
export type RequestView = z.infer<typeof requestView>;

export const tombstoneView = z.object({
  customerId: z.string(),
  erasedAt: z.string(),
  requestedBy: z.string().nullable(),
  legalBasis: z.string(),
  requestId: z.string().nullable(),
  mode: z.string(),
  counts: z.record(z.string(), z.number()),
});
export type TombstoneView = z.infer<typeof tombstoneView>;

export const retentionReportView = z.object({
  dryRun: z.boolean(),
  ranAt: z.string(),
  policies: z.array(
    z.object({
      schemaId: z.string(),
      inactiveMonths: z.number(),
      graceDays: z.number(),
      action: z.string(),
      newlyFlagged: z.array(z.string()),
      unflagged: z.array(z.string()),
      due: z.array(z.string()),
      held: z.array(z.string()),
      acted: z.number(),
    }),
  ),
});
export type RetentionReport = z.infer<typeof retentionReportView>;
