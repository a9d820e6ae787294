import { index, integer, jsonb, pgTable, primaryKey, smallint, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { schemas } from '../schemas/schemas.tables.js';
import { sources } from '../sources/sources.tables.js';

export const sourceRecords = pgTable(
  'source_records',
  {
    id: text('id').primaryKey(),
    sourceId: text('source_id')
      .notNull()
      .references(() => sources.id),
    sourceKey: text('source_key').notNull(),
    // The cross-reference: which master customer this record belongs to. Null while rejected and never valid.
    customerId: text('customer_id'),
    schemaId: text('schema_id')
      .notNull()
      .references(() => schemas.id),
    schemaVersion: integer('schema_version').notNull(),
    // valid | rejected | deleted
    status: text('status').notNull(),
    raw: jsonb('raw').notNull(),
    // Last values that passed validation (kept when a later update is rejected, so the customer keeps its data).
    values: jsonb('values'),
    extras: jsonb('extras'),
    errors: jsonb('errors'),
    version: integer('version').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    createdBy: text('created_by'),
    updatedBy: text('updated_by'),
    // Standardized form of `values` and per-attribute verification (status, reasons, verifiedAt/By); see docs/quality.md.
    standardized: jsonb('standardized'),
    verification: jsonb('verification'),
    qualityScore: smallint('quality_score'),
    qualityComputedAt: timestamp('quality_computed_at', { withTimezone: true }),
    // "attr:status" for every non-valid or stale attribute (null when none), so "records with invalid phone" is one GIN lookup.
    qualityIssues: text('quality_issues').array(),
  },
  (t) => [
    uniqueIndex('source_records_source_key_uq').on(t.sourceId, t.sourceKey),
    index('source_records_customer_idx').on(t.customerId),
    index('source_records_status_idx').on(t.sourceId, t.status),
    // (score, id): "worst first" pages in index order; with score alone, ties (most records share a few scores) were sorted at query time.
    index('source_records_quality_score_idx').on(t.qualityScore, t.id),
    index('source_records_quality_issues_idx').using('gin', t.qualityIssues),
  ],
);

// Every state a record has had: nothing is overwritten.
export const sourceRecordVersions = pgTable(
  'source_record_versions',
  {
    recordId: text('record_id')
      .notNull()
      .references(() => sourceRecords.id, { onDelete: 'cascade' }),
    version: integer('version').notNull(),
    changeKind: text('change_kind').notNull(),
    status: text('status').notNull(),
    schemaVersion: integer('schema_version').notNull(),
    raw: jsonb('raw').notNull(),
    values: jsonb('values'),
    errors: jsonb('errors'),
    changedAt: timestamp('changed_at', { withTimezone: true }).notNull().defaultNow(),
    changedBy: text('changed_by'),
  },
  (t) => [primaryKey({ columns: [t.recordId, t.version] })],
);

// Enforces `unique` attributes within a source (dataset): one owner record per normalised value.
export const recordUniqueValues = pgTable(
  'record_unique_values',
  {
    sourceId: text('source_id').notNull(),
    attribute: text('attribute').notNull(),
    valueKey: text('value_key').notNull(),
    recordId: text('record_id')
      .notNull()
      .references(() => sourceRecords.id, { onDelete: 'cascade' }),
  },
  (t) => [
    primaryKey({ columns: [t.sourceId, t.attribute, t.valueKey] }),
    index('ruv_record_idx').on(t.recordId),
  ],
);
