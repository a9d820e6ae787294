import { z } from 'zod';
import { recordVersionView, recordView } from '../records/index.js';

export const customerSummaryView = z.object({
  id: z.string(),
  status: z.string(),
  displayName: z.string().nullable(),
  mergedInto: z.string().nullable(),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
  score: z.number().optional(),
  matchedOn: z.string().optional(),
});
export type CustomerSummary = z.infer<typeof customerSummaryView>;

export const customerView = customerSummaryView.extend({
  golden: z.record(z.string(), z.unknown()),
  records: z.array(recordView),
  history: z
    .array(z.object({ recordId: z.string(), sourceKey: z.string() }).extend(recordVersionView.shape))
    .optional(),
  // include=sources: the contributing sources and which records each holds (golden lineage points at these).
  sources: z.array(z.object({ sourceId: z.string(), sourceName: z.string(), trustRank: z.number(), recordIds: z.array(z.string()) })).optional(),
  // include=history: the customer's own events (created, updated, merged, unmerged, split) in order.
  timeline: z.array(z.object({ seq: z.number(), type: z.string(), occurredAt: z.string(), actorId: z.string().nullable(), payload: z.record(z.string(), z.unknown()) })).optional(),
});
export type CustomerView = z.infer<typeof customerView>;

export const customerListQuery = z.object({
  q: z.string().trim().min(1).max(200).optional(),
  name: z.string().trim().min(1).max(200).optional(),
  email: z.string().trim().min(1).max(254).optional(),
  phone: z.string().trim().min(1).max(40).optional(),
  key: z.string().trim().min(1).max(200).optional(),
  fuzzy: z.enum(['true', 'false']).default('true').transform((v) => v === 'true'),
  status: z.enum(['active', 'merged', 'deleted']).optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type CustomerListQuery = z.infer<typeof customerListQuery>;
