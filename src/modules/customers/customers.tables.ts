import { sql } from 'drizzle-orm';
import { index, integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

export const customers = pgTable(
  'customers',
  {
    id: text('id').primaryKey(),
    // active | merged (into merged_into) | deleted; merging never deletes rows so unmerge can restore them.
    status: text('status').notNull().default('active'),
    mergedInto: text('merged_into'),
    displayName: text('display_name'),
    // Golden values with lineage, filled by survivorship (golden-record module); empty until then.
    golden: jsonb('golden').notNull().default(sql`'{}'::jsonb`),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('customers_merged_into_idx').on(t.mergedInto)],
);

// Normalised search values per source record, pointing at the record's current customer.
// Kind is name | email | phone | key. One GIN trigram index serves fuzzy search for all kinds.
export const customerSearchTerms = pgTable(
  'customer_search_terms',
  {
    recordId: text('record_id').notNull(),
    customerId: text('customer_id').notNull(),
    kind: text('kind').notNull(),
    term: text('term').notNull(),
  },
  (t) => [
    index('cst_record_idx').on(t.recordId),
    index('cst_customer_idx').on(t.customerId),
    index('cst_kind_term_idx').on(t.kind, t.term),
    index('cst_term_trgm_idx').using('gin', sql`${t.term} gin_trgm_ops`),
  ],
);
