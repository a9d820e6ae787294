import { bigserial, doublePrecision, index, integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { schemas } from '../schemas/schemas.tables.js';

// Per-schema quality rules: freshness periods and the attributes that count as important for the score.
export const qualityRules = pgTable('quality_rules', {
  schemaId: text('schema_id')
    .primaryKey()
    .references(() => schemas.id, { onDelete: 'cascade' }),
  // { freshness: { attr: months | null }, important: string[] } — only overrides of the defaults.
  rules: jsonb('rules').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  updatedBy: text('updated_by'),
});

// KPI history: one row per source plus one overall row (source_id null) per snapshot.
export const qualityKpiSnapshots = pgTable(
  'quality_kpi_snapshots',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    // Rows of one snapshot share it, so a trend query can group by snapshot.
    snapshotId: text('snapshot_id').notNull(),
    takenAt: timestamp('taken_at', { withTimezone: true }).notNull().defaultNow(),
    // import | daily | manual
    trigger: text('trigger').notNull(),
    // No foreign key: the history of a source outlives it.
    sourceId: text('source_id'),
    recordCount: integer('record_count').notNull(),
    // Shares in [0, 1]; null when the denominator is 0.
    completeness: doublePrecision('completeness'),
    validity: doublePrecision('validity'),
    accuracy: doublePrecision('accuracy'),
    uniqueness: doublePrecision('uniqueness'),
    freshness: doublePrecision('freshness'),
    // Numerators and denominators, and the trigger's context (e.g. the import job).
    details: jsonb('details').notNull(),
  },
  (t) => [index('quality_kpi_snapshots_source_idx').on(t.sourceId, t.takenAt), index('quality_kpi_snapshots_taken_idx').on(t.takenAt)],
);
