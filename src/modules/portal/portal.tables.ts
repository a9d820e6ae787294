import { index, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

// Self-service verification links. Only the SHA-256 of the 256-bit token is stored.
export const portalTokens = pgTable(
  'portal_tokens',
  {
    id: text('id').primaryKey(),
    tokenHash: text('token_hash').notNull().unique(),
    customerId: text('customer_id').notNull(),
    // email | qr | link
    delivery: text('delivery').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    createdBy: text('created_by'),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
  },
  (t) => [index('portal_tokens_customer_idx').on(t.customerId)],
);

// One row per rendered form: a form post must carry an unused nonce of its token (CSRF + single use per action).
export const portalNonces = pgTable(
  'portal_nonces',
  {
    nonceHash: text('nonce_hash').primaryKey(),
    tokenId: text('token_id').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    usedAt: timestamp('used_at', { withTimezone: true }),
  },
  (t) => [index('portal_nonces_token_idx').on(t.tokenId, t.createdAt)],
);

// Corrections a customer proposed that wait for a steward (when corrections are not applied at once).
export const portalCorrections = pgTable(
  'portal_corrections',
  {
    id: text('id').primaryKey(),
    customerId: text('customer_id').notNull(),
    recordId: text('record_id').notNull(),
    attribute: text('attribute').notNull(),
    // { value } — personal data, erased with the customer.
    proposed: jsonb('proposed'),
    // pending | applied | rejected
    status: text('status').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    decidedBy: text('decided_by'),
  },
  (t) => [index('portal_corrections_status_idx').on(t.status, t.createdAt), index('portal_corrections_customer_idx').on(t.customerId)],
);
