import { bigint, bigserial, index, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

// Append-only (a trigger forbids deletes and any update except sealing and payload redaction).
// The hash chain covers a digest of the payload, so erasure can drop personal data from a payload
// while the chain still verifies.
export const auditLog = pgTable(
  'audit_log',
  {
    seq: bigserial('seq', { mode: 'number' }).primaryKey(),
    id: text('id').notNull().unique(),
    at: timestamp('at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    actorType: text('actor_type').notNull(),
    actorId: text('actor_id'),
    action: text('action').notNull(),
    entityType: text('entity_type').notNull(),
    entityId: text('entity_id'),
    requestId: text('request_id'),
    ip: text('ip'),
    payload: jsonb('payload'),
    payloadDigest: text('payload_digest').notNull(),
    // Filled by the sealer, in commit order: position in the chain, previous entry's hash, this hash.
    chainPos: bigint('chain_pos', { mode: 'number' }).unique(),
    prevHash: text('prev_hash'),
    hash: text('hash'),
    txid: text('txid').notNull(),
  },
  (t) => [
    index('audit_entity_idx').on(t.entityType, t.entityId),
    index('audit_at_idx').on(t.at),
    index('audit_actor_idx').on(t.actorId),
  ],
);
