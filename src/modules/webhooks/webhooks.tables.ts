import { sql } from 'drizzle-orm';
import { bigint, boolean, index, integer, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

// Webhook subscriptions: where to send which event types, signed with the secret.
export const webhookSubscriptions = pgTable('webhook_subscriptions', {
  id: text('id').primaryKey(),
  url: text('url').notNull(),
  // Empty means every event type.
  eventTypes: text('event_types').array().notNull(),
  secret: text('secret').notNull(),
  active: boolean('active').notNull().default(true),
  maxAttempts: integer('max_attempts').notNull().default(8),
  // Highest event sequence already turned into deliveries (the dispatcher's watermark).
  dispatchedSeq: bigint('dispatched_seq', { mode: 'number' }).notNull().default(0),
  description: text('description'),
  // Who the deliveries are for: payload values are masked for these roles, events outside these business
  // areas are not delivered (empty = every area). Set at creation within the creator's own roles and areas.
  roles: text('roles').array().notNull().default(sql`'{admin}'`),
  businessAreaIds: text('business_area_ids').array().notNull().default(sql`'{}'`),
  createdBy: text('created_by'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

// One delivery per (subscription, event); replays reset it. Ordered per aggregate (customer) by event_seq.
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: text('id').primaryKey(),
    subscriptionId: text('subscription_id')
      .notNull()
      .references(() => webhookSubscriptions.id, { onDelete: 'cascade' }),
    eventSeq: bigint('event_seq', { mode: 'number' }).notNull(),
    eventId: text('event_id').notNull(),
    eventType: text('event_type').notNull(),
    aggregateKey: text('aggregate_key').notNull(),
    // pending | delivered | dead
    status: text('status').notNull(),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull().defaultNow(),
    lastStatusCode: integer('last_status_code'),
    lastError: text('last_error'),
    deliveredAt: timestamp('delivered_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('webhook_deliveries_sub_seq_uq').on(t.subscriptionId, t.eventSeq),
    index('webhook_deliveries_due_idx').on(t.status, t.nextAttemptAt),
    index('webhook_deliveries_agg_idx').on(t.subscriptionId, t.aggregateKey, t.eventSeq),
  ],
);

// Every HTTP attempt, for the delivery log.
export const webhookAttempts = pgTable(
  'webhook_attempts',
  {
    deliveryId: text('delivery_id')
      .notNull()
      .references(() => webhookDeliveries.id, { onDelete: 'cascade' }),
    attempt: integer('attempt').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    statusCode: integer('status_code'),
    error: text('error'),
    durationMs: integer('duration_ms').notNull(),
  },
  (t) => [index('webhook_attempts_delivery_idx').on(t.deliveryId, t.attempt)],
);
