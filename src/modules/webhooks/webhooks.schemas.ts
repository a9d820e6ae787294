import { z } from 'zod';
import { ROLES } from '../../platform/auth/permissions.js';

export const EVENT_TYPES = [
  'customer.created',
  'customer.updated',
  'customer.merged',
  'customer.unmerged',
  'customer.split',
  'customer.deleted',
  'record.created',
  'record.updated',
  'record.deleted',
  'record.quarantined',
  'review_task.created',
  'review_task.decided',
] as const;

const url = z
  .url()
  .max(2000)
  .refine((u) => /^https?:\/\//i.test(u), 'must be an http(s) URL');

export const createSubscriptionBody = z.object({
  url,
  eventTypes: z.array(z.string().regex(/^[a-z_]+\.[a-z_]+$/)).max(50).default([]),
  secret: z.string().min(16).max(200).optional(),
  maxAttempts: z.number().int().min(1).max(30).default(8),
  description: z.string().max(500).optional(),
  /** Start after this sequence number (default: now, i.e. only new events). */
  fromSeq: z.number().int().min(0).optional(),
  /** Roles the payloads are masked for (default: the creator's); at most the creator's own roles. */
  roles: z.array(z.enum(ROLES)).min(1).max(ROLES.length).optional(),
  /** Business areas whose events are delivered (default: the creator's; empty = every area, only for creators of every area). */
  businessAreaIds: z.array(z.string().min(1).max(200)).max(100).optional(),
});
export const updateSubscriptionBody = z.object({
  url: url.optional(),
  eventTypes: z.array(z.string().regex(/^[a-z_]+\.[a-z_]+$/)).max(50).optional(),
  active: z.boolean().optional(),
  maxAttempts: z.number().int().min(1).max(30).optional(),
  description: z.string().max(500).nullable().optional(),
});
export const replayBody = z.object({ fromSeq: z.number().int().min(1) });

export const subscriptionView = z.object({
  id: z.string(),
  url: z.string(),
  eventTypes: z.array(z.string()),
  active: z.boolean(),
  maxAttempts: z.number().int(),
  dispatchedSeq: z.number().int(),
  description: z.string().nullable(),
  secretHint: z.string(),
  roles: z.array(z.string()),
  businessAreaIds: z.array(z.string()),
  createdBy: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  counts: z.object({ pending: z.number(), delivered: z.number(), dead: z.number() }),
});
export type SubscriptionView = z.infer<typeof subscriptionView>;

export const deliveryView = z.object({
  id: z.string(),
  eventSeq: z.number().int(),
  eventId: z.string(),
  eventType: z.string(),
  aggregateKey: z.string(),
  status: z.enum(['pending', 'delivered', 'dead']),
  attempts: z.number().int(),
  nextAttemptAt: z.string().nullable(),
  lastStatusCode: z.number().int().nullable(),
  lastError: z.string().nullable(),
  deliveredAt: z.string().nullable(),
  createdAt: z.string(),
  log: z.array(z.object({ attempt: z.number().int(), at: z.string(), statusCode: z.number().int().nullable(), error: z.string().nullable(), durationMs: z.number().int() })),
});

export const deliveryListQuery = z.object({
  status: z.enum(['pending', 'delivered', 'dead']).optional(),
  afterSeq: z.coerce.number().int().min(0).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export const eventsQuery = z.object({
  after: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  types: z.string().max(1000).optional(),
});
export const eventView = z.object({
  seq: z.number().int(),
  id: z.string(),
  type: z.string(),
  aggregateType: z.string(),
  aggregateId: z.string(),
  payload: z.record(z.string(), z.unknown()),
  actorId: z.string().nullable(),
  occurredAt: z.string(),
});
