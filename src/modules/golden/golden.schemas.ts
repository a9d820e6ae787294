import { z } from 'zod';
import { SURVIVORSHIP_RULES, survivorshipConfig } from './survivorship.js';

const customerId = z.string().min(1).max(200);
const reason = z.string().trim().min(1).max(2000);

export const mergeBody = z.object({
  customerIds: z.array(customerId).min(2).max(50),
  into: customerId.optional(),
  reason,
  evidence: z.unknown().optional(),
});
export const unmergeBody = z.object({ reason: reason.optional() });
export const splitBody = z.object({ recordIds: z.array(z.string().min(1).max(200)).min(1).max(1000), reason });
export const pinBody = z.object({ value: z.unknown(), reason: reason.optional() });
export const notDuplicateBody = z.object({ recordIds: z.tuple([z.string().min(1).max(200), z.string().min(1).max(200)]), reason: reason.optional() });
export const settingsBody = z
  .object({
    upperThreshold: z.number().gt(0).lte(1).optional(),
    lowerThreshold: z.number().gte(0).lt(1).optional(),
    survivorship: survivorshipConfig.optional(),
  })
  .strict();

export const lineageView = z.object({
  value: z.unknown(),
  rule: z.enum([...SURVIVORSHIP_RULES, 'pinned']),
  recordId: z.string().nullable(),
  sourceId: z.string().nullable(),
  sourceName: z.string().nullable(),
  sourceKey: z.string().nullable(),
  chosenAt: z.string(),
});
export const goldenView = z.record(z.string(), lineageView);

export const settingsView = z.object({
  schemaId: z.string(),
  upperThreshold: z.number(),
  lowerThreshold: z.number(),
  survivorship: z.object({ default: z.array(z.enum(SURVIVORSHIP_RULES)), attributes: z.record(z.string(), z.array(z.enum(SURVIVORSHIP_RULES))) }),
  custom: z.boolean(),
});

export const mergeView = z.object({
  id: z.string(),
  kind: z.enum(['merge', 'split']),
  intoCustomerId: z.string(),
  fromCustomerIds: z.array(z.string()),
  recordIds: z.array(z.string()),
  reason: z.string().nullable(),
  evidence: z.unknown(),
  automatic: z.boolean(),
  actorId: z.string().nullable(),
  createdAt: z.string(),
  undoneAt: z.string().nullable(),
  undoneBy: z.string().nullable(),
  undoReason: z.string().nullable(),
});
export type MergeView = z.infer<typeof mergeView>;

export const mergeResultView = z.object({ mergeId: z.string(), into: z.string(), from: z.array(z.string()), recordsMoved: z.number().int() });
export const unmergeResultView = z.object({ mergeId: z.string(), restored: z.array(z.string()), recordsMoved: z.number().int() });
export const splitResultView = z.object({ mergeId: z.string(), newCustomerId: z.string() });
export const customerKeyView = z.object({ recordId: z.string(), sourceId: z.string(), sourceName: z.string(), sourceKey: z.string(), status: z.string() });
export const xrefView = z.object({ customerId: z.string(), customerStatus: z.string(), recordId: z.string(), sourceId: z.string(), sourceName: z.string(), sourceKey: z.string() });
export const notDuplicateView = z.object({ recordA: z.string(), recordB: z.string(), reason: z.string().nullable(), createdBy: z.string().nullable(), createdAt: z.string() });

const boolParam = z.enum(['true', 'false']).transform((v) => v === 'true');
const dateParam = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})?)?$/, 'must be an ISO date or date-time')
  .transform((v, ctx) => {
    const d = new Date(v);
    if (Number.isNaN(d.getTime())) {
      ctx.addIssue({ code: 'custom', message: 'not a real date' });
      return z.NEVER;
    }
    return d;
  });
/** GET /api/v1/merges: every merge and split, newest first. */
export const mergeListQuery = z.object({
  kind: z.enum(['merge', 'split']).optional(),
  /** User or API key id that made the change. */
  actor: z.string().min(1).max(200).optional(),
  /** Merges into or out of this customer. */
  customer: z.string().min(1).max(200).optional(),
  /** true: only automatic (re-match, arrival); false: only by a person. */
  automatic: boolParam.optional(),
  /** true: only undone; false: only still in effect. */
  undone: boolParam.optional(),
  since: dateParam.optional(),
  until: dateParam.optional(),
  cursor: z.string().max(500).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type MergeListQuery = z.infer<typeof mergeListQuery>;
