import { sql } from 'drizzle-orm';
import { bigint, bigserial, index, integer, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

// Purposes of processing that need consent (e-mail marketing, profiling, partner sharing…).
export const consentPurposes = pgTable('consent_purposes', {
  id: text('id').primaryKey(),
  // Stable machine key used by the check API and exports, e.g. `email_marketing`.
  key: text('key').notNull().unique(),
  name: text('name').notNull(),
  description: text('description'),
  // Months a grant stays valid when the capture does not say; null = until withdrawn.
  defaultValidityMonths: integer('default_validity_months'),
  // Channels this purpose is asked for (the portal offers these); empty = every channel.
  channels: text('channels').array().notNull().default(sql`'{}'`),
  currentNoticeVersion: integer('current_notice_version').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  archivedAt: timestamp('archived_at', { withTimezone: true }),
});

// Notice texts are versioned and never edited: a consent names the version the customer was shown.
export const consentNoticeVersions = pgTable(
  'consent_notice_versions',
  {
    purposeId: text('purpose_id')
      .notNull()
      .references(() => consentPurposes.id),
    version: integer('version').notNull(),
    text: text('text').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    createdBy: text('created_by'),
  },
  (t) => [primaryKey({ columns: [t.purposeId, t.version] })],
);

// Contact channels (email, sms, phone, post, push, in_store by default; admins may add more).
export const consentChannels = pgTable('consent_channels', {
  key: text('key').primaryKey(),
  name: text('name').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

// The append-only consent ledger: every grant, denial, withdrawal and expiry is a new row.
export const consentEvents = pgTable(
  'consent_events',
  {
    seq: bigserial('seq', { mode: 'number' }).primaryKey(),
    id: text('id').notNull().unique(),
    customerId: text('customer_id').notNull(),
    purposeId: text('purpose_id').notNull(),
    channel: text('channel').notNull(),
    // granted | denied | withdrawn | expired
    status: text('status').notNull(),
    lawfulBasis: text('lawful_basis').notNull(),
    noticeVersion: integer('notice_version'),
    capturedAt: timestamp('captured_at', { withTimezone: true }).notNull(),
    validUntil: timestamp('valid_until', { withTimezone: true }),
    // pos | web_form | portal | import | agent | system
    source: text('source').notNull(),
    actorType: text('actor_type').notNull(),
    actorId: text('actor_id'),
    // { formId, noticeId, ip, userAgent, hash }: hash = sha256 over the canonical consent fields and proof.
    proof: jsonb('proof').notNull(),
    recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('consent_events_subject_idx').on(t.customerId, t.purposeId, t.channel, t.seq)],
);

// Current state per (customer, purpose, channel), maintained in the same transaction as each event so
// the check API is one primary-key lookup. Always equal to replaying consent_events (tested).
export const consentState = pgTable(
  'consent_state',
  {
    customerId: text('customer_id').notNull(),
    purposeId: text('purpose_id').notNull(),
    channel: text('channel').notNull(),
    status: text('status').notNull(),
    eventId: text('event_id').notNull(),
    eventSeq: bigint('event_seq', { mode: 'number' }).notNull(),
    lawfulBasis: text('lawful_basis').notNull(),
    noticeVersion: integer('notice_version'),
    capturedAt: timestamp('captured_at', { withTimezone: true }).notNull(),
    validUntil: timestamp('valid_until', { withTimezone: true }),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.customerId, t.purposeId, t.channel] }),
    index('consent_state_purpose_idx').on(t.purposeId, t.channel, t.status),
    // The expiry job scans only granted consents that have an end date.
    index('consent_state_expiry_idx').on(t.validUntil).where(sql`status = 'granted' and valid_until is not null`),
  ],
);

// Consent rows of a bulk import that could not be recorded, with the reasons (same shape as import quarantine).
export const consentImportQuarantine = pgTable(
  'consent_import_quarantine',
  {
    id: text('id').primaryKey(),
    batchId: text('batch_id').notNull(),
    rowNumber: integer('row_number').notNull(),
    row: jsonb('row'),
    errors: jsonb('errors').notNull(),
    // open | resolved
    status: text('status').notNull().default('open'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    createdBy: text('created_by'),
  },
  (t) => [index('consent_import_quarantine_batch_idx').on(t.batchId, t.rowNumber)],
);

// Who exported which consented audience, when (the customer ids are not stored, only the count and filters).
export const marketingExports = pgTable(
  'marketing_exports',
  {
    id: text('id').primaryKey(),
    purposeId: text('purpose_id').notNull(),
    channel: text('channel').notNull(),
    customerCount: integer('customer_count').notNull(),
    excludedCount: integer('excluded_count').notNull(),
    attributes: text('attributes').array().notNull(),
    format: text('format').notNull(),
    exportedAt: timestamp('exported_at', { withTimezone: true }).notNull().defaultNow(),
    exportedBy: text('exported_by'),
  },
  (t) => [index('marketing_exports_at_idx').on(t.exportedAt)],
);
