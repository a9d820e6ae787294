import { sql } from 'drizzle-orm';
import { bigint, index, integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

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
// Kind is name | email | phone | key | id. Partial GIN trigram indexes serve fuzzy search per kind.
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
    // One trigram index per fuzzy kind: a name query must not wade through every e-mail and key that shares
    // its trigrams. E-mail is fuzzy on the local part only (every address at one provider shares the domain's).
    index('cst_name_trgm_idx').using('gin', sql`${t.term} gin_trgm_ops`).where(sql`${t.kind} = 'name'`),
    index('cst_phone_trgm_idx').using('gin', sql`${t.term} gin_trgm_ops`).where(sql`${t.kind} = 'phone'`),
    index('cst_email_local_trgm_idx').using('gin', sql`split_part(${t.term}, '@', 1) gin_trgm_ops`).where(sql`${t.kind} = 'email'`),
  ],
);

// Records whose search terms are due: a write queues its records here in its own transaction and the search
// indexer (records/search-indexer.ts) replaces their terms afterwards, off the write's path; a search first
// catches up. The identity key is its only index (appends at its right edge), and what logical replication
// needs to publish the indexer's deletes.
export const searchTermBacklog = pgTable('search_term_backlog', {
  seq: bigint('seq', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
  recordId: text('record_id').notNull(),
  queuedAt: timestamp('queued_at', { withTimezone: true }).notNull().defaultNow(),
});
