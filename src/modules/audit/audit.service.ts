import { sql, type SQL } from 'drizzle-orm';
import type { Actor } from '../../platform/auth/actor.js';
import type { Database, Executor } from '../../platform/db/database.js';
import { rows } from '../../platform/db/database.js';
import { newId } from '../../platform/ids.js';
import { entryHash, GENESIS_HASH, payloadDigest } from './audit-hash.js';

export type AuditInput = {
  action: string;
  entityType: string;
  entityId?: string | null;
  payload?: unknown;
  /** The request this entry belongs to when one write serves several requests (coalesced single-record writes). */
  request?: { requestId: string | null; ip: string | null };
};

export type AuditEntry = {
  seq: number;
  id: string;
  at: string;
  actorType: string;
  actorId: string | null;
  action: string;
  entityType: string;
  entityId: string | null;
  requestId: string | null;
  ip: string | null;
  payload: unknown;
  sealed: boolean;
};

export type VerifyResult = {
  ok: boolean;
  checked: number;
  unsealed: number;
  redacted: number;
  firstBroken: { seq: number; id: string; chainPos: number | null; reason: string } | null;
};

export type AuditQuery = {
  entityType?: string;
  entityId?: string;
  actorId?: string;
  action?: string;
  from?: Date;
  to?: Date;
  afterSeq?: number;
  limit: number;
};

const SEAL_LOCK_KEY = 727_170_002;
const SEAL_BATCH = 5_000;
const VERIFY_PAGE = 5_000;
const NULL_DIGEST = payloadDigest(null);

type SealRow = {
  seq: number;
  id: string;
  at_ms: string | number;
  actor_type: string;
  actor_id: string | null;
  action: string;
  entity_type: string;
  entity_id: string | null;
  request_id: string | null;
  ip: string | null;
  payload_digest: string;
};

/**
 * Tamper-evident audit log. Entries are appended inside the caller's transaction (so an audit entry exists
 * exactly when its change committed); a single sealer later chains them in commit order with SHA-256.
 */
export class AuditService {
  private sealQueue: Promise<unknown> = Promise.resolve();

  constructor(private readonly database: Database) {}

  /** Appends an entry in the caller's transaction. */
  async append(ex: Executor, actor: Actor, input: AuditInput): Promise<void> {
    const payload = input.payload ?? null;
    await ex.execute(sql`
      insert into audit_log (id, actor_type, actor_id, action, entity_type, entity_id, request_id, ip, payload, payload_digest, txid)
      values (${newId('audit')}, ${actor.type}, ${actor.id ?? actor.name}, ${input.action}, ${input.entityType},
              ${input.entityId ?? null}, ${actor.requestId}, ${actor.ip}, ${JSON.stringify(payload)}::jsonb,
              ${payloadDigest(payload)}, pg_current_xact_id()::text)`);
  }

  /** Appends several entries in one statement (bulk writes). */
  async appendMany(ex: Executor, actor: Actor, inputs: AuditInput[]): Promise<void> {
    const insert = this.insertOf(actor, inputs);
    if (insert) await ex.execute(insert);
  }

  /**
   * The insert `appendMany` runs, for a writer that sends it inside a statement of its own (as a data-modifying
   * CTE: one round trip less); null when there is nothing to append. It must run in the changing transaction.
   */
  insertOf(actor: Actor, inputs: AuditInput[]): SQL | null {
    if (inputs.length === 0) return null;
    // One JSON document (unpacked by jsonb_to_recordset) rather than a text[] per column: payloads are JSON, and
    // as array elements both pg's encoder and array_in escape and unescape every quote in them.
    const doc = JSON.stringify(
      inputs.map((i) => ({
        id: newId('audit'),
        action: i.action,
        entity_type: i.entityType,
        entity_id: i.entityId ?? null,
        payload: i.payload ?? null,
        digest: payloadDigest(i.payload ?? null),
        request_id: i.request ? i.request.requestId : actor.requestId,
        ip: i.request ? i.request.ip : actor.ip,
      })),
    );
    // A JSON null payload comes out of jsonb_to_recordset as SQL NULL, which means "redacted": kept as JSON null.
    return sql`
      insert into audit_log (id, actor_type, actor_id, action, entity_type, entity_id, request_id, ip, payload, payload_digest, txid)
      select u.id, ${actor.type}, ${actor.id ?? actor.name}, u.action, u.entity_type, u.entity_id, u.request_id, u.ip,
             coalesce(u.payload, 'null'::jsonb), u.digest, pg_current_xact_id()::text
      from jsonb_to_recordset(${doc}::jsonb)
           as u(id text, action text, entity_type text, entity_id text, payload jsonb, digest text, request_id text, ip text)`;
  }

  /**
   * Chains every entry whose transaction has finished, in commit order. Returns how many were sealed.
   * Entries of transactions still running (txid at or above the snapshot's xmin) wait for the next run.
   */
  async seal(): Promise<number> {
    // One sealing run per process at a time. A caller arriving during a run waits for it and then runs
    // again, so whatever it committed before calling is sealed when it returns. Waiting here rather than
    // on the database lock keeps concurrent callers (verify requests, the timer) from each holding a pool
    // connection while the lock holder needs one for its transaction — that exhausted the pool and hung.
    const run = this.sealQueue.then(
      () => this.sealPending(),
      () => this.sealPending(),
    );
    this.sealQueue = run.catch(() => undefined);
    return run;
  }

  private async sealPending(): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.database.db.transaction(async (tx) => {
        // Serialises sealers across processes; a transaction-level lock needs no second connection and
        // is released at commit. Later statements (read committed) see the previous sealer's hashes.
        await tx.execute(sql`select pg_advisory_xact_lock(${SEAL_LOCK_KEY})`);
        const last = await rows<{ chain_pos: number; hash: string }>(
          tx,
          sql`select chain_pos, hash from audit_log where chain_pos is not null order by chain_pos desc limit 1`,
        );
        let prev = last[0]?.hash ?? GENESIS_HASH;
        let pos = Number(last[0]?.chain_pos ?? 0);
        const pending = await rows<SealRow>(
          tx,
          sql`select seq, id, (extract(epoch from at) * 1000)::bigint as at_ms, actor_type, actor_id, action,
                     entity_type, entity_id, request_id, ip, payload_digest
              from audit_log
              where hash is null and txid::xid8 < pg_snapshot_xmin(pg_current_snapshot())
              order by seq limit ${SEAL_BATCH}`,
        );
        if (pending.length === 0) return 0;
        const seqs: number[] = [];
        const positions: number[] = [];
        const prevs: string[] = [];
        const hashes: string[] = [];
        for (const r of pending) {
          pos += 1;
          const hash = rowHash(prev, pos, r);
          seqs.push(Number(r.seq));
          positions.push(pos);
          prevs.push(prev);
          hashes.push(hash);
          prev = hash;
        }
        await tx.execute(sql`
          update audit_log a set chain_pos = u.pos, prev_hash = u.prev, hash = u.hash
          from unnest(${sql.param(seqs)}::bigint[], ${sql.param(positions)}::bigint[], ${sql.param(prevs)}::text[], ${sql.param(hashes)}::text[]) as u(seq, pos, prev, hash)
          where a.seq = u.seq`);
        return pending.length;
      });
      total += n;
      if (n < SEAL_BATCH) return total;
    }
  }

  /** Seals what is pending, then recomputes the whole chain; names the first entry that does not verify. */
  async verify(): Promise<VerifyResult> {
    await this.seal();
    let prev = GENESIS_HASH;
    let expectedPos = 1;
    let checked = 0;
    let redacted = 0;
    for (;;) {
      const page = await rows<SealRow & { chain_pos: number; prev_hash: string; hash: string; payload: unknown }>(
        this.database.db,
        sql`select seq, id, (extract(epoch from at) * 1000)::bigint as at_ms, actor_type, actor_id, action, entity_type,
                   entity_id, request_id, ip, payload_digest, payload, chain_pos, prev_hash, hash
            from audit_log where chain_pos >= ${expectedPos} order by chain_pos limit ${VERIFY_PAGE}`,
      );
      for (const r of page) {
        const hash = rowHash(prev, expectedPos, r);
        let reason: string | null = null;
        if (Number(r.chain_pos) !== expectedPos) reason = `entry at chain position ${expectedPos} is missing`;
        else if (r.prev_hash !== prev) reason = 'previous-hash link does not match';
        else if (r.payload !== null && payloadDigest(r.payload) !== r.payload_digest) reason = 'payload was changed';
        else if (hash !== r.hash) reason = 'entry fields were changed';
        if (reason) {
          const firstBroken = { seq: Number(r.seq), id: r.id, chainPos: Number(r.chain_pos), reason };
          return { ok: false, checked, unsealed: await this.unsealedCount(), redacted, firstBroken };
        }
        // A NULL payload whose digest is not that of null was redacted by erasure; the chain still holds.
        if (r.payload === null && r.payload_digest !== NULL_DIGEST) redacted += 1;
        prev = hash;
        expectedPos += 1;
        checked += 1;
      }
      if (page.length < VERIFY_PAGE) break;
    }
    return { ok: true, checked, unsealed: await this.unsealedCount(), redacted, firstBroken: null };
  }

  /** Lists entries, newest first, for auditors. */
  async list(actor: Actor, q: AuditQuery): Promise<AuditEntry[]> {
    actor.require('audit:read');
    const conds = [sql`true`];
    if (q.entityType) conds.push(sql`entity_type = ${q.entityType}`);
    if (q.entityId) conds.push(sql`entity_id = ${q.entityId}`);
    if (q.actorId) conds.push(sql`actor_id = ${q.actorId}`);
    if (q.action) conds.push(sql`action = ${q.action}`);
    if (q.from) conds.push(sql`at >= ${q.from.toISOString()}`);
    if (q.to) conds.push(sql`at < ${q.to.toISOString()}`);
    if (q.afterSeq !== undefined) conds.push(sql`seq < ${q.afterSeq}`);
    const list = await rows<{
      seq: number;
      id: string;
      at: Date | string;
      actor_type: string;
      actor_id: string | null;
      action: string;
      entity_type: string;
      entity_id: string | null;
      request_id: string | null;
      ip: string | null;
      payload: unknown;
      hash: string | null;
    }>(
      this.database.db,
      sql`select seq, id, at, actor_type, actor_id, action, entity_type, entity_id, request_id, ip, payload, hash
          from audit_log where ${sql.join(conds, sql` and `)} order by seq desc limit ${q.limit}`,
    );
    return list.map((r) => ({
      seq: Number(r.seq),
      id: r.id,
      at: new Date(r.at).toISOString(),
      actorType: r.actor_type,
      actorId: r.actor_id,
      action: r.action,
      entityType: r.entity_type,
      entityId: r.entity_id,
      requestId: r.request_id,
      ip: r.ip,
      payload: r.payload,
      sealed: r.hash !== null,
    }));
  }

  private async unsealedCount(): Promise<number> {
    const r = await rows<{ n: number }>(this.database.db, sql`select count(*)::int as n from audit_log where hash is null`);
    return Number(r[0]?.n ?? 0);
  }

}

function rowHash(prev: string, chainPos: number, r: SealRow): string {
  return entryHash(prev, {
    chainPos,
    id: r.id,
    atMs: Number(r.at_ms),
    actorType: r.actor_type,
    actorId: r.actor_id,
    action: r.action,
    entityType: r.entity_type,
    entityId: r.entity_id,
    requestId: r.request_id,
    ip: r.ip,
    payloadDigest: r.payload_digest,
  });
}
