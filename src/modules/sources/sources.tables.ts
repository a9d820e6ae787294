import { integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { businessAreas } from '../governance/governance.tables.js';
import { schemas } from '../schemas/schemas.tables.js';

export const sources = pgTable('sources', {
  id: text('id').primaryKey(),
  name: text('name').notNull().unique(),
  description: text('description'),
  businessAreaId: text('business_area_id')
    .notNull()
    .references(() => businessAreas.id),
  schemaId: text('schema_id')
    .notNull()
    .references(() => schemas.id),
  systemType: text('system_type').notNull(),
  owner: text('owner'),
  collectionMethod: text('collection_method'),
  collectedFrom: timestamp('collected_from', { withTimezone: true }),
  collectedTo: timestamp('collected_to', { withTimezone: true }),
  refreshFrequency: text('refresh_frequency'),
  dataNature: text('data_nature').notNull(),
  privacyTerms: text('privacy_terms'),
  licence: text('licence'),
  trustRank: integer('trust_rank').notNull(),
  defaultRegion: text('default_region'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  archivedAt: timestamp('archived_at', { withTimezone: true }),
});
