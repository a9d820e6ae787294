import { index, integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

// Data-subject requests (access, portability, rectification, erasure, restriction) with their deadlines.
export const dsrRequests = pgTable(
  'dsr_requests',
  {
    id: text('id').primaryKey(),
    customerId: text('customer_id').notNull(),
    // access | portability | rectification | erasure | restriction | lift_restriction
    kind: text('kind').notNull(),
    // open | completed | rejected
    status: text('status').notNull(),
    // staff | portal | system
    channel: text('channel').notNull(),
    legalBasis: text('legal_basis'),
    // Free text without personal data (staff are told so); erased with the customer anyway.
    note: text('note'),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
    dueAt: timestamp('due_at', { withTimezone: true }).notNull(),
    completedAt: timestamp('completed_at', { withTimezone: true }),
    result: jsonb('result'),
    createdBy: text('created_by'),
    completedBy: text('completed_by'),
  },
  (t) => [index('dsr_requests_customer_idx').on(t.customerId), index('dsr_requests_open_idx').on(t.status, t.dueAt)],
);

// A restricted customer may not be processed, exported or contacted until the restriction is lifted.
export const dsrRestrictions = pgTable('dsr_restrictions', {
  customerId: text('customer_id').primaryKey(),
  requestId: text('request_id'),
  reason: text('reason'),
  since: timestamp('since', { withTimezone: true }).notNull().defaultNow(),
  createdBy: text('created_by'),
});

// What remains of an erased customer: no personal data, only who asked, when and why.
export const dsrTombstones = pgTable('dsr_tombstones', {
  customerId: text('customer_id').primaryKey(),
  erasedAt: timestamp('erased_at', { withTimezone: true }).notNull().defaultNow(),
  requestedBy: text('requested_by'),
  legalBasis: text('legal_basis').notNull(),
  requestId: text('request_id'),
  // erase | anonymise
  mode: text('mode').notNull(),
  // Rows touched per table, for the request log.
  counts: jsonb('counts').notNull(),
});

// Per-schema retention: customers inactive for N months are flagged, then erased or anonymised after a grace period.
export const retentionPolicies = pgTable('retention_policies', {
  schemaId: text('schema_id').primaryKey(),
  inactiveMonths: integer('inactive_months').notNull(),
  graceDays: integer('grace_days').notNull(),
  // erase | anonymise
  action: text('action').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  updatedBy: text('updated_by'),
});

// Customers flagged by retention: acted on when due_at passes unless they became active again.
export const retentionFlags = pgTable(
  'retention_flags',
  {
    customerId: text('customer_id').primaryKey(),
    schemaId: text('schema_id').notNull(),
    flaggedAt: timestamp('flagged_at', { withTimezone: true }).notNull().defaultNow(),
    dueAt: timestamp('due_at', { withTimezone: true }).notNull(),
    action: text('action').notNull(),
  },
  (t) => [index('retention_flags_due_idx').on(t.dueAt)],
);

// Network identifiers (IP, user agent) of a data subject's own portal actions. The sealed audit chain must
// not hold personal data, so portal audit entries carry only their request id and this row holds the rest;
// erasure deletes it.
export const subjectNetworkLog = pgTable(
  'subject_network_log',
  {
    requestId: text('request_id').primaryKey(),
    customerId: text('customer_id').notNull(),
    ip: text('ip'),
    userAgent: text('user_agent'),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('subject_network_log_customer_idx').on(t.customerId, t.at)],
);
