import { boolean, doublePrecision, index, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import { schemas } from '../schemas/schemas.tables.js';

// Per-schema golden-record settings: match thresholds and survivorship rules (only overrides of the defaults).
export const goldenSettings = pgTable('golden_settings', {
  schemaId: text('schema_id')
    .primaryKey()
    .references(() => schemas.id, { onDelete: 'cascade' }),
  upperThreshold: doublePrecision('upper_threshold').notNull(),
  lowerThreshold: doublePrecision('lower_threshold').notNull(),
  // { default: Rule[], attributes: { attr: Rule[] } }
  survivorship: jsonb('survivorship').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  updatedBy: text('updated_by'),
});

// A steward's pinned golden value: wins over every rule until unpinned.
export const goldenPins = pgTable(
  'golden_pins',
  {
    customerId: text('customer_id').notNull(),
    attribute: text('attribute').notNull(),
    value: jsonb('value'),
    reason: text('reason'),
    pinnedBy: text('pinned_by'),
    pinnedAt: timestamp('pinned_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.customerId, t.attribute] })],
);

// Every merge and split with the state before it, so unmerge can restore it exactly.
export const customerMerges = pgTable(
  'customer_merges',
  {
    id: text('id').primaryKey(),
    // merge | split
    kind: text('kind').notNull(),
    intoCustomerId: text('into_customer_id').notNull(),
    fromCustomerIds: text('from_customer_ids').array().notNull(),
    // { customers: [{ id, status, mergedInto, displayName }], records: [{ id, customerId }] }
    before: jsonb('before').notNull(),
    evidence: jsonb('evidence'),
    reason: text('reason'),
    automatic: boolean('automatic').notNull().default(false),
    actorId: text('actor_id'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    undoneAt: timestamp('undone_at', { withTimezone: true }),
    undoneBy: text('undone_by'),
    undoReason: text('undo_reason'),
  },
  (t) => [index('customer_merges_into_idx').on(t.intoCustomerId, t.createdAt), index('customer_merges_from_idx').using('gin', t.fromCustomerIds)],
);

// Record pairs a steward confirmed are different people: never suggested or auto-merged again.
export const notDuplicatePairs = pgTable(
  'not_duplicate_pairs',
  {
    // record_a < record_b
    recordA: text('record_a').notNull(),
    recordB: text('record_b').notNull(),
    reason: text('reason'),
    createdBy: text('created_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.recordA, t.recordB] }), index('not_duplicate_pairs_b_idx').on(t.recordB)],
);
