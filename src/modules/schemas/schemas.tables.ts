import { integer, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import { businessAreas } from '../governance/governance.tables.js';

export const schemas = pgTable('schemas', {
  id: text('id').primaryKey(),
  name: text('name').notNull().unique(),
  description: text('description'),
  businessAreaId: text('business_area_id')
    .notNull()
    .references(() => businessAreas.id),
  currentVersion: integer('current_version').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

export const schemaVersions = pgTable(
  'schema_versions',
  {
    schemaId: text('schema_id')
      .notNull()
      .references(() => schemas.id, { onDelete: 'cascade' }),
    version: integer('version').notNull(),
    definition: jsonb('definition').notNull(),
    changeNote: text('change_note'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    createdBy: text('created_by'),
  },
  (t) => [primaryKey({ columns: [t.schemaId, t.version] })],
);
