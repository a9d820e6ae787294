import { createHash, randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { Actor } from '../../platform/auth/actor.js';
import { canonicalJson } from '../../platform/canonical-json.js';
import type { Database, Executor, Tx } from '../../platform/db/database.js';
import { rows } from '../../platform/db/database.js';
import { emitEvents } from '../../platform/events/outbox.js';
import { AppError, type ErrorDetail } from '../../platform/errors/app-error.js';
import { parseOrThrow, zodDetails } from '../../platform/errors/zod-details.js';
import { newId } from '../../platform/ids.js';
import type { AuditService } from '../audit/index.js';
import type { ConsentEventFacts, ConsentStatus, DerivedState } from './consent-state.js';
import { applyConsentEvent, effectiveStatus } from './consent-state.js';
import type { CheckResult, ConsentEventView, ConsentStateView, CoverageView, PurposeView } from './consent.schemas.js';
import {
  CONSENT_SOURCES,
  createChannelBody,
  createPurposeBody,
  DEFAULT_CHANNELS,
  LAWFUL_BASES,
  recordConsentBody,
  updatePurposeBody,
  withdrawBody,
} from './consent.schemas.js';
import { parse as parseCsvSync } from 'csv-parse/sync';
import { restrictedError } from '../dsr/restriction-guard.js';

type PurposeRow = {
  id: string;
  key: string;
  name: string;
  description: string | null;
  channels: string[];
  default_validity_months: number | null;
  current_notice_version: number;
  created_at: Date | string;
  updated_at: Date | string;
  archived_at: Date | string | null;
  notice_text?: string;
};

type StateRow = {
  customer_id: string;
  purpose_id: string;
  channel: string;
  status: ConsentStatus;
  event_id: string;
  event_seq: number;
  lawful_basis: string;
  notice_version: number | null;
  captured_at: Date | string;
  valid_until: Date | string | null;
};

type EventRow = {
  seq: number;
  id: string;
  customer_id: string;
  purpose_id: string;
  channel: string;
  status: ConsentStatus;
  lawful_basis: string;
  notice_version: number | null;
  captured_at: Date | string;
  valid_until: Date | string | null;
  source: string;
  actor_type: string;
  actor_id: string | null;
  proof: Record<string, unknown>;
  recorded_at: Date | string;
};

/** A consent decision ready to be written: references resolved, defaults applied. */
export type ConsentDecision = {
  customerId: string;
  purposeId: string;
  channel: string;
  status: ConsentStatus;
  lawfulBasis: string;
  noticeVersion: number | null;
  capturedAt: Date;
  validUntil: Date | null;
  source: string;
  proof: { formId?: string; noticeId?: string; ip?: string; userAgent?: string; salt?: string };
  /** For expiry events: the grant they end. */
  expires?: string;
};

export type ImportResult = { batchId: string; recorded: number; quarantined: number; quarantine: { id: string; rowNumber: number; errors: ErrorDetail[] }[] };

const PURPOSE_CACHE_MS = 5_000;

type LookupCache = { at: number; byRef: Map<string, PurposeRow>; channels: Set<string> };

// The check: state by primary key, plus restriction and erasure flags by primary key, in one statement.
// `(select 1) left join` yields one row even without a state. Renaming the statement is needed when its text changes.
const CHECK_STATEMENT = 'consent_check_v2';
const CHECK_SQL = `select s.status, s.event_id, s.event_seq, s.lawful_basis, s.notice_version, s.captured_at, s.valid_until,
       exists (select 1 from dsr_restrictions r where r.customer_id = $1) as restricted,
       exists (select 1 from dsr_tombstones t where t.customer_id = $1) as erased
  from (select 1) one left join consent_state s on s.customer_id = $1 and s.purpose_id = $2 and s.channel = $3`;
const EXPIRY_BATCH = 1_000;

const iso = (v: Date | string | null): string | null => (v === null ? null : new Date(v).toISOString());
const ms = (v: Date | string | null): number | null => (v === null ? null : new Date(v).getTime());

/**
 * sha256 over the canonical consent fields and the proof: binds what was shown, to whom, when and where.
 * A proof with network identifiers carries a random salt, hashed with them and erased with them: without it
 * the hash left after erasure would let anyone confirm a guessed IP address (2^32 guesses).
 */
export function proofHash(d: Omit<ConsentDecision, 'expires'>): string {
  const body = {
    customerId: d.customerId,
    purposeId: d.purposeId,
    channel: d.channel,
    status: d.status,
    lawfulBasis: d.lawfulBasis,
    noticeVersion: d.noticeVersion,
    capturedAt: d.capturedAt.toISOString(),
    validUntil: d.validUntil ? d.validUntil.toISOString() : null,
    source: d.source,
    formId: d.proof.formId ?? null,
    noticeId: d.proof.noticeId ?? null,
    ip: d.proof.ip ?? null,
    userAgent: d.proof.userAgent ?? null,
    // Only present since salting: older proofs keep their hash.
    ...(d.proof.salt ? { salt: d.proof.salt } : {}),
  };
  return createHash('sha256').update(canonicalJson(body)).digest('hex');
}

function addMonths(d: Date, months: number): Date {
  const out = new Date(d.getTime());
  out.setUTCMonth(out.getUTCMonth() + months);
  return out;
}

// Serialises writers of one (customer, purpose, channel) so the derived state follows the fold exactly.
function subjectLockKey(customerId: string, purposeId: string, channel: string): string {
  return `consent:${customerId}:${purposeId}:${channel}`;
}

/**
 * The consent ledger: purposes with versioned notices, channels, append-only consent events with proof,
 * the derived current state (kept in `consent_state` in the same transaction), expiry, import and checks.
 */
export class ConsentService {
  private purposeCache: LookupCache | null = null;
  private channelsEnsured = false;

  constructor(
    private readonly database: Database,
    private readonly audit: AuditService,
  ) {}

  // ---- purposes and channels ----

  /** Creates a purpose with its first notice version. */
  async createPurpose(actor: Actor, input: unknown): Promise<PurposeView> {
    actor.require('consent:admin');
    const body = parseOrThrow(createPurposeBody, input, 'purpose');
    await this.ensureChannels();
    await this.assertChannels(body.channels);
    const view = await this.database.db.transaction(async (tx) => {
      const clash = await rows(tx, sql`select 1 from consent_purposes where key = ${body.key}`);
      if (clash.length > 0) throw AppError.conflict(`Purpose "${body.key}" already exists`, [{ field: 'key', rule: 'unique', message: 'already exists' }]);
      const id = newId('consentPurpose');
      const by = actor.id ?? actor.name;
      await tx.execute(sql`
        insert into consent_purposes (id, key, name, description, channels, default_validity_months, current_notice_version)
        values (${id}, ${body.key}, ${body.name}, ${body.description ?? null}, ${sql.param(body.channels)}::text[], ${body.defaultValidityMonths ?? null}, 1)`);
      await tx.execute(sql`insert into consent_notice_versions (purpose_id, version, text, created_by) values (${id}, 1, ${body.noticeText}, ${by})`);
      const row = await this.purposeRow(tx, id);
      await this.audit.append(tx, actor, { action: 'consent_purpose.create', entityType: 'consent_purpose', entityId: id, payload: { after: purposeView(row!) } });
      return purposeView(row!);
    });
    this.purposeCache = null;
    return view;
  }

  /** Changes a purpose; a new notice text becomes a new notice version. */
  async updatePurpose(actor: Actor, ref: string, input: unknown): Promise<PurposeView> {
    actor.require('consent:admin');
    const body = parseOrThrow(updatePurposeBody, input, 'purpose update');
    if (body.channels) await this.assertChannels(body.channels);
    const view = await this.database.db.transaction(async (tx) => {
      const before = await this.resolvePurposeIn(tx, ref, true);
      let version = before.current_notice_version;
      const by = actor.id ?? actor.name;
      if (body.noticeText !== undefined && body.noticeText !== before.notice_text) {
        version += 1;
        await tx.execute(sql`insert into consent_notice_versions (purpose_id, version, text, created_by) values (${before.id}, ${version}, ${body.noticeText}, ${by})`);
      }
      const archivedAt = body.archived === undefined ? before.archived_at : body.archived ? (before.archived_at ?? new Date()) : null;
      await tx.execute(sql`
        update consent_purposes set
          name = ${body.name ?? before.name},
          description = ${body.description === undefined ? before.description : body.description},
          channels = ${sql.param(body.channels ?? before.channels)}::text[],
          default_validity_months = ${body.defaultValidityMonths === undefined ? before.default_validity_months : body.defaultValidityMonths},
          current_notice_version = ${version},
          archived_at = ${archivedAt === null ? null : new Date(archivedAt).toISOString()},
          updated_at = now()
        where id = ${before.id}`);
      const after = await this.purposeRow(tx, before.id);
      await this.audit.append(tx, actor, { action: 'consent_purpose.update', entityType: 'consent_purpose', entityId: before.id, payload: { before: purposeView(before), after: purposeView(after!) } });
      return purposeView(after!);
    });
    this.purposeCache = null;
    return view;
  }

  async listPurposes(actor: Actor, opts: { includeArchived?: boolean } = {}): Promise<PurposeView[]> {
    actor.require('consent:read');
    return (await this.publicPurposes(opts.includeArchived ?? false)).map(purposeView);
  }

  /** Purposes for the customer-facing portal (no permission: the portal token is the authority). */
  async publicPurposes(includeArchived = false): Promise<PurposeRow[]> {
    return rows<PurposeRow>(
      this.database.db,
      sql`select p.*, n.text as notice_text from consent_purposes p
          join consent_notice_versions n on n.purpose_id = p.id and n.version = p.current_notice_version
          where ${includeArchived ? sql`true` : sql`p.archived_at is null`} order by p.key`,
    );
  }

  async getPurpose(actor: Actor, ref: string): Promise<PurposeView & { notices: { version: number; text: string; createdAt: string; createdBy: string | null }[] }> {
    actor.require('consent:read');
    const row = await this.resolvePurposeIn(this.database.db, ref);
    const notices = await rows<{ version: number; text: string; created_at: Date | string; created_by: string | null }>(
      this.database.db,
      sql`select version, text, created_at, created_by from consent_notice_versions where purpose_id = ${row.id} order by version desc`,
    );
    return { ...purposeView(row), notices: notices.map((n) => ({ version: Number(n.version), text: n.text, createdAt: iso(n.created_at)!, createdBy: n.created_by })) };
  }

  async listChannels(actor: Actor): Promise<{ key: string; name: string }[]> {
    actor.require('consent:read');
    return this.channels();
  }

  async channels(): Promise<{ key: string; name: string }[]> {
    await this.ensureChannels();
    return rows<{ key: string; name: string }>(this.database.db, sql`select key, name from consent_channels order by created_at, key`);
  }

  async createChannel(actor: Actor, input: unknown): Promise<{ key: string; name: string }> {
    actor.require('consent:admin');
    const body = parseOrThrow(createChannelBody, input, 'channel');
    await this.ensureChannels();
    const created = await this.database.db.transaction(async (tx) => {
      const clash = await rows(tx, sql`select 1 from consent_channels where key = ${body.key}`);
      if (clash.length > 0) throw AppError.conflict(`Channel "${body.key}" already exists`, [{ field: 'key', rule: 'unique', message: 'already exists' }]);
      await tx.execute(sql`insert into consent_channels (key, name) values (${body.key}, ${body.name})`);
      await this.audit.append(tx, actor, { action: 'consent_channel.create', entityType: 'consent_channel', entityId: body.key, payload: { after: body } });
      return body;
    });
    this.purposeCache = null;
    return created;
  }

  // ---- recording ----

  /** Records one grant, denial or withdrawal (an event; the state follows). */
  async record(actor: Actor, input: unknown, defaults: { source?: string } = {}): Promise<{ event: ConsentEventView; state: ConsentStateView }> {
    actor.require('consent:write');
    const body = parseOrThrow(recordConsentBody, input, 'consent');
    const decision = await this.decide(this.database.db, { ...body, source: defaults.source ?? body.source });
    const [event] = await this.database.db.transaction(async (tx) => {
      await this.assertSubjects(tx, [decision]);
      return this.writeDecisions(tx, actor, [decision]);
    });
    const state = await this.stateOf(decision.customerId, decision.purposeId, decision.channel);
    return { event: event!, state: state! };
  }

  /** Withdrawal is one call: the same as recording `withdrawn` for the purpose and channel. */
  async withdraw(actor: Actor, input: unknown): Promise<{ event: ConsentEventView; state: ConsentStateView }> {
    const body = parseOrThrow(withdrawBody, input, 'withdrawal');
    return this.record(actor, { ...body, status: 'withdrawn' });
  }

  /**
   * Resolves references and applies defaults (notice version: the purpose's current one; valid until:
   * the purpose's default validity for grants).
   */
  async decide(ex: Executor, body: { customer: string; purpose: string; channel: string; status: ConsentStatus; lawfulBasis: string; noticeVersion?: number; capturedAt?: string; validUntil?: string | null; source: string; proof: ConsentDecision['proof'] }): Promise<ConsentDecision> {
    const purpose = await this.resolvePurposeIn(ex, body.purpose);
    if (purpose.archived_at && body.status === 'granted') throw AppError.conflict(`Purpose ${purpose.key} is archived; consent cannot be granted for it`);
    await this.assertChannels([body.channel]);
    const noticeVersion = body.noticeVersion ?? purpose.current_notice_version;
    if (noticeVersion > purpose.current_notice_version) {
      throw AppError.validation('Unknown notice version', [{ field: 'noticeVersion', rule: 'exists', message: `purpose ${purpose.key} has notice versions 1..${purpose.current_notice_version}` }]);
    }
    const capturedAt = body.capturedAt ? new Date(body.capturedAt) : new Date();
    if (capturedAt.getTime() > Date.now() + 5 * 60_000) {
      throw AppError.validation('capturedAt is in the future', [{ field: 'capturedAt', rule: 'not_future', message: 'a consent cannot be captured in the future' }]);
    }
    let validUntil: Date | null = null;
    if (body.status === 'granted') {
      if (body.validUntil) validUntil = new Date(body.validUntil);
      else if (body.validUntil === undefined && purpose.default_validity_months) validUntil = addMonths(capturedAt, purpose.default_validity_months);
      if (validUntil && validUntil <= capturedAt) {
        throw AppError.validation('validUntil must be after capturedAt', [{ field: 'validUntil', rule: 'after', message: 'must be after capturedAt' }]);
      }
    }
    return { customerId: body.customer, purposeId: purpose.id, channel: body.channel, status: body.status, lawfulBasis: body.lawfulBasis, noticeVersion, capturedAt, validUntil, source: body.source, proof: body.proof };
  }

  /** Customers must exist, not be erased, and grants are refused while processing is restricted. */
  private async assertSubjects(ex: Executor, decisions: ConsentDecision[]): Promise<void> {
    const ids = [...new Set(decisions.map((d) => d.customerId))];
    const found = await rows<{ id: string; erased: boolean; restricted: boolean }>(
      ex,
      sql`select c.id, exists (select 1 from dsr_tombstones t where t.customer_id = c.id) as erased,
                 exists (select 1 from dsr_restrictions r where r.customer_id = c.id) as restricted
          from customers c where c.id = any(${sql.param(ids)}::text[])`,
    );
    const byId = new Map(found.map((f) => [f.id, f]));
    for (const d of decisions) {
      const f = byId.get(d.customerId);
      if (!f || f.erased) throw AppError.notFound('Customer', d.customerId);
      if (f.restricted && d.status === 'granted') throw restrictedError('Consent grant refused', [{ field: 'customer', customerId: d.customerId }]);
    }
  }

  /**
   * Appends events and folds them into consent_state in the caller's transaction, set-based: one advisory
   * lock per subject (sorted, so concurrent batches cannot deadlock), one read, one insert, one upsert.
   */
  async writeDecisions(tx: Tx, actor: Actor, decisions: ConsentDecision[]): Promise<ConsentEventView[]> {
    if (decisions.length === 0) return [];
    const keys = [...new Set(decisions.map((d) => subjectLockKey(d.customerId, d.purposeId, d.channel)))].sort();
    await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(k, 0)) from unnest(${sql.param(keys)}::text[]) as k order by k`);
    const current = await rows<StateRow>(
      tx,
      sql`select s.* from consent_state s
          join unnest(${sql.param(decisions.map((d) => d.customerId))}::text[], ${sql.param(decisions.map((d) => d.purposeId))}::text[], ${sql.param(decisions.map((d) => d.channel))}::text[]) as u(c, p, ch)
            on s.customer_id = u.c and s.purpose_id = u.p and s.channel = u.ch`,
    );
    type Subject = { c: string; p: string; ch: string; state: DerivedState | null };
    const states = new Map<string, Subject>(current.map((s) => [subjectLockKey(s.customer_id, s.purpose_id, s.channel), { c: s.customer_id, p: s.purpose_id, ch: s.channel, state: toDerived(s) }]));
    const ids = decisions.map(() => newId('consentEvent'));
    const proofs = decisions.map((d) => {
      const proof = d.proof.ip || d.proof.userAgent ? { ...d.proof, salt: d.proof.salt ?? randomBytes(16).toString('base64url') } : d.proof;
      return { ...proof, ...(d.expires ? { expires: d.expires } : {}), hash: proofHash({ ...d, proof }) };
    });
    const by = actor.id ?? actor.name;
    const inserted = await rows<EventRow>(
      tx,
      sql`insert into consent_events (id, customer_id, purpose_id, channel, status, lawful_basis, notice_version, captured_at, valid_until, source, actor_type, actor_id, proof)
          select u.id, u.c, u.p, u.ch, u.st, u.lb, u.nv, u.ca, u.vu, u.src, ${actor.type}, ${by}, u.proof::jsonb
          from unnest(${sql.param(ids)}::text[], ${sql.param(decisions.map((d) => d.customerId))}::text[], ${sql.param(decisions.map((d) => d.purposeId))}::text[],
                      ${sql.param(decisions.map((d) => d.channel))}::text[], ${sql.param(decisions.map((d) => d.status))}::text[], ${sql.param(decisions.map((d) => d.lawfulBasis))}::text[],
                      ${sql.param(decisions.map((d) => d.noticeVersion))}::int[], ${sql.param(decisions.map((d) => d.capturedAt.toISOString()))}::timestamptz[],
                      ${sql.param(decisions.map((d) => (d.validUntil ? d.validUntil.toISOString() : null)))}::timestamptz[], ${sql.param(decisions.map((d) => d.source))}::text[],
                      ${sql.param(proofs.map((p) => JSON.stringify(p)))}::text[]) with ordinality as u(id, c, p, ch, st, lb, nv, ca, vu, src, proof, ord)
          order by u.ord
          returning *`,
    );
    const bySeq = [...inserted].sort((a, b) => Number(a.seq) - Number(b.seq));
    for (const e of bySeq) {
      const k = subjectLockKey(e.customer_id, e.purpose_id, e.channel);
      const subject = states.get(k) ?? { c: e.customer_id, p: e.purpose_id, ch: e.channel, state: null };
      subject.state = applyConsentEvent(subject.state, toFacts(e));
      states.set(k, subject);
    }
    const subjects = [...states.values()].filter((x) => x.state !== null);
    const changed = subjects.map((x) => ['', x.state!] as const);
    await tx.execute(sql`
      insert into consent_state (customer_id, purpose_id, channel, status, event_id, event_seq, lawful_basis, notice_version, captured_at, valid_until, updated_at)
      select u.c, u.p, u.ch, u.st, u.eid, u.eseq, u.lb, u.nv, u.ca, u.vu, now()
      from unnest(${sql.param(subjects.map((s) => s.c))}::text[], ${sql.param(subjects.map((s) => s.p))}::text[], ${sql.param(subjects.map((s) => s.ch))}::text[],
                  ${sql.param(changed.map(([, s]) => s.status))}::text[], ${sql.param(changed.map(([, s]) => s.eventId))}::text[], ${sql.param(changed.map(([, s]) => s.eventSeq))}::bigint[],
                  ${sql.param(changed.map(([, s]) => s.lawfulBasis))}::text[], ${sql.param(changed.map(([, s]) => s.noticeVersion))}::int[],
                  ${sql.param(changed.map(([, s]) => new Date(s.capturedAt).toISOString()))}::timestamptz[],
                  ${sql.param(changed.map(([, s]) => (s.validUntil === null ? null : new Date(s.validUntil).toISOString())))}::timestamptz[])
           as u(c, p, ch, st, eid, eseq, lb, nv, ca, vu)
      on conflict (customer_id, purpose_id, channel) do update set
        status = excluded.status, event_id = excluded.event_id, event_seq = excluded.event_seq, lawful_basis = excluded.lawful_basis,
        notice_version = excluded.notice_version, captured_at = excluded.captured_at, valid_until = excluded.valid_until, updated_at = now()
      where consent_state.event_id is distinct from excluded.event_id`);
    const purposes = await this.purposeKeys(tx);
    // Audit and events carry ids and statuses only; the proof (IP, user agent) stays in the ledger.
    await this.audit.appendMany(
      tx,
      actor,
      inserted.map((e) => ({
        action: `consent.${e.status}`,
        entityType: 'customer',
        entityId: e.customer_id,
        payload: { eventId: e.id, purpose: purposes.get(e.purpose_id) ?? e.purpose_id, channel: e.channel, status: e.status, source: e.source, lawfulBasis: e.lawful_basis, noticeVersion: e.notice_version },
      })),
    );
    await emitEvents(
      tx,
      inserted.map((e) => ({
        type: `consent.${e.status}`,
        aggregateType: 'customer',
        aggregateId: e.customer_id,
        payload: { eventId: e.id, purposeId: e.purpose_id, channel: e.channel, status: e.status },
        actorId: by,
      })),
    );
    return inserted.map((e) => eventView(e, purposes));
  }

  /**
   * Bulk import (JSON rows or CSV): every row is validated on its own; valid rows are recorded in one
   * transaction, invalid ones go to consent_import_quarantine with per-field reasons, like record imports.
   */
  async importMany(actor: Actor, input: { rows?: Record<string, unknown>[]; csv?: string }): Promise<ImportResult> {
    actor.require('consent:write');
    const list = input.rows ?? (input.csv !== undefined ? (parseCsvSync(input.csv, { columns: true, skip_empty_lines: true, trim: true, bom: true }) as Record<string, unknown>[]) : []);
    if (list.length > 10_000) throw new AppError('PAYLOAD_TOO_LARGE', 'At most 10,000 consent rows per import; split the file');
    const batchId = newId('job');
    const good: { row: number; decision: ConsentDecision }[] = [];
    const bad: { row: number; data: Record<string, unknown>; errors: ErrorDetail[] }[] = [];
    const customers = new Set(
      (await rows<{ id: string }>(this.database.db, sql`select id from customers c where id = any(${sql.param([...new Set(list.map((r) => String(r.customer ?? '')))])}::text[])
        and not exists (select 1 from dsr_tombstones t where t.customer_id = c.id)`)).map((r) => r.id),
    );
    for (const [i, raw] of list.entries()) {
      const data = normaliseImportRow(raw);
      const parsed = recordConsentBody.safeParse({ ...data, source: 'import' });
      if (!parsed.success) {
        bad.push({ row: i + 1, data: raw, errors: zodDetails(parsed.error) });
        continue;
      }
      if (!customers.has(parsed.data.customer)) {
        bad.push({ row: i + 1, data: raw, errors: [{ field: 'customer', rule: 'exists', message: `no customer ${parsed.data.customer}` }] });
        continue;
      }
      try {
        good.push({ row: i + 1, decision: await this.decide(this.database.db, parsed.data) });
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
        bad.push({ row: i + 1, data: raw, errors: err.details.length > 0 ? err.details : [{ field: 'row', rule: err.code.toLowerCase(), message: err.message }] });
      }
    }
    const restricted = new Set(
      (await rows<{ customer_id: string }>(this.database.db, sql`select customer_id from dsr_restrictions where customer_id = any(${sql.param([...customers])}::text[])`)).map((r) => r.customer_id),
    );
    const recordable = good.filter((g) => {
      if (g.decision.status === 'granted' && restricted.has(g.decision.customerId)) {
        bad.push({ row: g.row, data: list[g.row - 1]!, errors: [{ field: 'customer', rule: 'restricted', message: 'customer is restricted; grants are refused' }] });
        return false;
      }
      return true;
    });
    const quarantine = bad.sort((a, b) => a.row - b.row).map((b) => ({ id: newId('consentQuarantine'), rowNumber: b.row, data: b.data, errors: b.errors }));
    await this.database.db.transaction(async (tx) => {
      for (let i = 0; i < recordable.length; i += 1_000) await this.writeDecisions(tx, actor, recordable.slice(i, i + 1_000).map((g) => g.decision));
      if (quarantine.length > 0) {
        await tx.execute(sql`
          insert into consent_import_quarantine (id, batch_id, row_number, row, errors, created_by)
          select u.id, ${batchId}, u.n, u.r::jsonb, u.e::jsonb, ${actor.id ?? actor.name}
          from unnest(${sql.param(quarantine.map((q) => q.id))}::text[], ${sql.param(quarantine.map((q) => q.rowNumber))}::int[],
                      ${sql.param(quarantine.map((q) => JSON.stringify(q.data)))}::text[], ${sql.param(quarantine.map((q) => JSON.stringify(q.errors)))}::text[]) as u(id, n, r, e)`);
      }
      await this.audit.append(tx, actor, { action: 'consent.import', entityType: 'consent_import', entityId: batchId, payload: { rows: list.length, recorded: recordable.length, quarantined: quarantine.length } });
    });
    return { batchId, recorded: recordable.length, quarantined: quarantine.length, quarantine: quarantine.map((q) => ({ id: q.id, rowNumber: q.rowNumber, errors: q.errors })) };
  }

  async listImportQuarantine(actor: Actor, batchId?: string): Promise<{ id: string; batchId: string; rowNumber: number; row: unknown; errors: unknown; status: string; createdAt: string }[]> {
    actor.require('consent:write');
    const list = await rows<{ id: string; batch_id: string; row_number: number; row: unknown; errors: unknown; status: string; created_at: Date | string }>(
      this.database.db,
      sql`select * from consent_import_quarantine where ${batchId ? sql`batch_id = ${batchId}` : sql`status = 'open'`} order by batch_id desc, row_number limit 1000`,
    );
    return list.map((q) => ({ id: q.id, batchId: q.batch_id, rowNumber: Number(q.row_number), row: q.row, errors: q.errors, status: q.status, createdAt: iso(q.created_at)! }));
  }

  // ---- expiry ----

  /**
   * Consents past their end date become `expired` through an event (never an edit), in batches.
   * Returns how many expired. Safe to run concurrently: rows are locked with SKIP LOCKED.
   */
  async expireDue(now = new Date()): Promise<number> {
    let total = 0;
    const system = systemActor();
    for (;;) {
      const n = await this.database.db.transaction(async (tx) => {
        const due = await rows<StateRow>(
          tx,
          sql`select * from consent_state where status = 'granted' and valid_until is not null and valid_until <= ${now.toISOString()}
              order by valid_until limit ${EXPIRY_BATCH} for update skip locked`,
        );
        const decisions: ConsentDecision[] = due.map((s) => ({
          customerId: s.customer_id,
          purposeId: s.purpose_id,
          channel: s.channel,
          status: 'expired',
          lawfulBasis: s.lawful_basis,
          noticeVersion: s.notice_version === null ? null : Number(s.notice_version),
          capturedAt: new Date(s.valid_until!),
          validUntil: null,
          source: 'system',
          proof: {},
          expires: s.event_id,
        }));
        await this.writeDecisions(tx, system, decisions);
        return due.length;
      });
      total += n;
      if (n < EXPIRY_BATCH) return total;
    }
  }

  // ---- reading ----

  /**
   * Is contact allowed now? One round trip: a named prepared statement (PostgreSQL parses and plans it once
   * per connection) reading the derived state by primary key plus the restriction and erasure flags by
   * primary key. Purposes and channels come from a 5-second in-process cache, so nothing else is queried.
   */
  async check(actor: Actor, customerId: string, purposeRef: string, channel: string): Promise<CheckResult> {
    actor.require('consent:read');
    const now = new Date();
    const base = { customer: customerId, purpose: purposeRef, channel, checkedAt: now.toISOString() };
    const cache = await this.lookups();
    const purpose = cache.byRef.get(purposeRef);
    if (!purpose) return { ...base, allowed: false, reason: 'unknown_purpose', status: null, decidingRecord: null };
    const out = { ...base, purpose: purpose.key };
    const row = await this.checkRow(customerId, purpose.id, channel);
    if (row?.erased) return { ...out, allowed: false, reason: 'erased', status: null, decidingRecord: null };
    if (!cache.channels.has(channel) && !(await this.lookups(true)).channels.has(channel)) {
      return { ...out, allowed: false, reason: 'unknown_channel', status: null, decidingRecord: null };
    }
    const state = row?.status ? toDerived(row as StateRow) : null;
    const deciding = state
      ? { eventId: state.eventId, status: state.status, lawfulBasis: state.lawfulBasis, noticeVersion: state.noticeVersion, capturedAt: new Date(state.capturedAt).toISOString(), validUntil: state.validUntil === null ? null : new Date(state.validUntil).toISOString() }
      : null;
    if (row?.restricted) return { ...out, allowed: false, reason: 'restricted', status: state?.status ?? null, decidingRecord: deciding };
    const eff = effectiveStatus(state, now.getTime());
    return { ...out, allowed: eff.allowed, reason: eff.reason, status: state?.status ?? null, decidingRecord: deciding };
  }

  /** The check's one statement; on PostgreSQL a named prepared statement of the pool's connections (PGlite ignores the name). */
  private async checkRow(customerId: string, purposeId: string, channel: string): Promise<(Partial<StateRow> & { restricted: boolean; erased: boolean }) | undefined> {
    return (await this.database.raw<Partial<StateRow> & { restricted: boolean; erased: boolean }>(CHECK_SQL, [customerId, purposeId, channel], CHECK_STATEMENT))[0];
  }

  /** Current consents of a customer, one per (purpose, channel). */
  async currentOf(actor: Actor, customerId: string): Promise<ConsentStateView[]> {
    actor.require('consent:read');
    return this.statesOf(customerId);
  }

  async statesOf(customerId: string): Promise<ConsentStateView[]> {
    const list = await rows<StateRow>(this.database.db, sql`select * from consent_state where customer_id = ${customerId} order by purpose_id, channel`);
    const purposes = await this.purposeKeys(this.database.db);
    return list.map((s) => stateView(s, purposes));
  }

  async stateOf(customerId: string, purposeId: string, channel: string): Promise<ConsentStateView | null> {
    const [s] = await rows<StateRow>(this.database.db, sql`select * from consent_state where customer_id = ${customerId} and purpose_id = ${purposeId} and channel = ${channel}`);
    return s ? stateView(s, await this.purposeKeys(this.database.db)) : null;
  }

  /** Full ledger of a customer, oldest first ("prove consent"). */
  async historyOf(actor: Actor, customerId: string, filter: { purpose?: string; channel?: string } = {}): Promise<ConsentEventView[]> {
    actor.require('consent:read');
    return this.eventsOf(customerId, filter);
  }

  async eventsOf(customerId: string, filter: { purpose?: string; channel?: string } = {}): Promise<ConsentEventView[]> {
    const conds = [sql`customer_id = ${customerId}`];
    if (filter.purpose) conds.push(sql`purpose_id = ${(await this.resolvePurposeIn(this.database.db, filter.purpose)).id}`);
    if (filter.channel) conds.push(sql`channel = ${filter.channel}`);
    const list = await rows<EventRow>(this.database.db, sql`select * from consent_events where ${sql.join(conds, sql` and `)} order by seq`);
    const purposes = await this.purposeKeys(this.database.db);
    return list.map((e) => eventView(e, purposes));
  }

  /** Share of active customers with a currently valid consent, per purpose and per channel. */
  async coverage(actor: Actor): Promise<CoverageView> {
    actor.require('consent:read');
    const [{ n } = { n: 0 }] = await rows<{ n: number }>(
      this.database.db,
      sql`select count(*)::int as n from customers c where c.status = 'active' and not exists (select 1 from dsr_tombstones t where t.customer_id = c.id)`,
    );
    const total = Number(n);
    const valid = sql`s.status = 'granted' and (s.valid_until is null or s.valid_until > now())
      and exists (select 1 from customers c where c.id = s.customer_id and c.status = 'active')
      and not exists (select 1 from dsr_restrictions r where r.customer_id = s.customer_id)`;
    const perChannel = await rows<{ purpose_id: string; channel: string; n: number }>(
      this.database.db,
      sql`select s.purpose_id, s.channel, count(*)::int as n from consent_state s where ${valid} group by s.purpose_id, s.channel`,
    );
    const perPurpose = await rows<{ purpose_id: string; n: number }>(
      this.database.db,
      sql`select s.purpose_id, count(distinct s.customer_id)::int as n from consent_state s where ${valid} group by s.purpose_id`,
    );
    const share = (k: number): number | null => (total === 0 ? null : Math.round((k / total) * 10_000) / 10_000);
    const purposes = await this.publicPurposes();
    return {
      customers: total,
      purposes: purposes.map((p) => {
        const k = Number(perPurpose.find((x) => x.purpose_id === p.id)?.n ?? 0);
        return {
          purpose: p.key,
          name: p.name,
          consented: k,
          share: share(k),
          byChannel: perChannel.filter((x) => x.purpose_id === p.id).map((x) => ({ channel: x.channel, consented: Number(x.n), share: share(Number(x.n)) })),
        };
      }),
      computedAt: new Date().toISOString(),
    };
  }

  // ---- helpers ----

  async resolvePurpose(ref: string): Promise<PurposeRow> {
    return this.resolvePurposeIn(this.database.db, ref);
  }

  private async resolvePurposeIn(ex: Executor, ref: string, forUpdate = false): Promise<PurposeRow> {
    const [row] = await rows<PurposeRow>(
      ex,
      sql`select p.*, n.text as notice_text from consent_purposes p
          join consent_notice_versions n on n.purpose_id = p.id and n.version = p.current_notice_version
          where p.id = ${ref} or p.key = ${ref} ${forUpdate ? sql`for update of p` : sql``}`,
    );
    if (!row) throw AppError.notFound('Purpose', ref);
    return row;
  }

  private async purposeRow(ex: Executor, id: string): Promise<PurposeRow | undefined> {
    return (await rows<PurposeRow>(ex, sql`select p.*, n.text as notice_text from consent_purposes p join consent_notice_versions n on n.purpose_id = p.id and n.version = p.current_notice_version where p.id = ${id}`))[0];
  }

  private async cachedPurpose(ref: string): Promise<PurposeRow | undefined> {
    return (await this.lookups()).byRef.get(ref);
  }

  /**
   * Purposes (by id and key) and channel keys, cached for 5 seconds. `refresh` reloads a cache older than
   * 250 ms (a channel created a moment ago elsewhere), without letting unknown channels query every time.
   */
  private async lookups(refresh = false): Promise<LookupCache> {
    const c = this.purposeCache;
    const age = c ? Date.now() - c.at : Infinity;
    if (c && age <= PURPOSE_CACHE_MS && !(refresh && age > 250)) return c;
    const list = await rows<PurposeRow>(this.database.db, sql`select * from consent_purposes`);
    const channels = await rows<{ key: string }>(this.database.db, sql`select key from consent_channels`);
    const byRef = new Map<string, PurposeRow>();
    for (const p of list) {
      byRef.set(p.id, p);
      byRef.set(p.key, p);
    }
    this.purposeCache = { at: Date.now(), byRef, channels: new Set(channels.map((ch) => ch.key)) };
    return this.purposeCache;
  }

  private async purposeKeys(ex: Executor): Promise<Map<string, string>> {
    if (this.purposeCache && Date.now() - this.purposeCache.at <= PURPOSE_CACHE_MS) {
      return new Map([...this.purposeCache.byRef.values()].map((p) => [p.id, p.key]));
    }
    const list = await rows<{ id: string; key: string }>(ex, sql`select id, key from consent_purposes`);
    return new Map(list.map((p) => [p.id, p.key]));
  }

  /** Inserts the default channels once per process (idempotent). */
  async ensureChannels(): Promise<void> {
    if (this.channelsEnsured) return;
    await this.database.db.execute(sql`
      insert into consent_channels (key, name)
      select * from unnest(${sql.param(DEFAULT_CHANNELS.map((c) => c.key))}::text[], ${sql.param(DEFAULT_CHANNELS.map((c) => c.name))}::text[])
      on conflict (key) do nothing`);
    this.channelsEnsured = true;
    this.purposeCache = null;
  }

  private async assertChannels(keys: string[]): Promise<void> {
    if (keys.length === 0) return;
    await this.ensureChannels();
    const known = new Set((await rows<{ key: string }>(this.database.db, sql`select key from consent_channels`)).map((c) => c.key));
    const unknown = keys.filter((k) => !known.has(k));
    if (unknown.length > 0) throw AppError.validation('Unknown channel', unknown.map((k) => ({ field: 'channel', rule: 'exists', message: `no channel ${k}` })));
  }
}

function systemActor(): Actor {
  return Actor.system('consent-expiry');
}

function normaliseImportRow(raw: Record<string, unknown>): Record<string, unknown> {
  // CSV cells are strings: empty means absent, proof columns are flattened as proof_ip, proof_user_agent….
  const out: Record<string, unknown> = {};
  const proof: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (v === '' || v === null || v === undefined) continue;
    const m = /^proof[_.](form_?id|notice_?id|ip|user_?agent)$/i.exec(k);
    if (m) {
      const f = m[1]!.toLowerCase().replace('_', '');
      proof[f === 'formid' ? 'formId' : f === 'noticeid' ? 'noticeId' : f === 'useragent' ? 'userAgent' : 'ip'] = v;
    } else if (k === 'noticeVersion' || k === 'notice_version') out.noticeVersion = typeof v === 'string' ? Number(v) : v;
    else if (k === 'lawful_basis') out.lawfulBasis = v;
    else if (k === 'captured_at') out.capturedAt = v;
    else if (k === 'valid_until') out.validUntil = v;
    else if (k === 'proof' && typeof v === 'object') Object.assign(proof, v);
    else out[k] = v;
  }
  if (Object.keys(proof).length > 0) out.proof = proof;
  return out;
}

function toDerived(s: StateRow): DerivedState {
  return {
    status: s.status,
    eventId: s.event_id,
    eventSeq: Number(s.event_seq),
    capturedAt: ms(s.captured_at)!,
    validUntil: ms(s.valid_until),
    lawfulBasis: s.lawful_basis,
    noticeVersion: s.notice_version === null ? null : Number(s.notice_version),
  };
}

export function toFacts(e: EventRow): ConsentEventFacts {
  return {
    id: e.id,
    seq: Number(e.seq),
    status: e.status,
    capturedAt: ms(e.captured_at)!,
    validUntil: ms(e.valid_until),
    lawfulBasis: e.lawful_basis,
    noticeVersion: e.notice_version === null ? null : Number(e.notice_version),
    expires: typeof e.proof?.expires === 'string' ? e.proof.expires : null,
  };
}

function purposeView(r: PurposeRow): PurposeView {
  return {
    id: r.id,
    key: r.key,
    name: r.name,
    description: r.description,
    channels: r.channels ?? [],
    defaultValidityMonths: r.default_validity_months === null ? null : Number(r.default_validity_months),
    currentNoticeVersion: Number(r.current_notice_version),
    noticeText: r.notice_text ?? '',
    createdAt: iso(r.created_at)!,
    updatedAt: iso(r.updated_at)!,
    archivedAt: iso(r.archived_at),
  };
}

function eventView(e: EventRow, purposes: Map<string, string>): ConsentEventView {
  return {
    id: e.id,
    seq: Number(e.seq),
    customerId: e.customer_id,
    purposeId: e.purpose_id,
    purpose: purposes.get(e.purpose_id) ?? e.purpose_id,
    channel: e.channel,
    status: e.status,
    lawfulBasis: e.lawful_basis,
    noticeVersion: e.notice_version === null ? null : Number(e.notice_version),
    capturedAt: iso(e.captured_at)!,
    validUntil: iso(e.valid_until),
    source: e.source,
    actorType: e.actor_type,
    actorId: e.actor_id,
    proof: e.proof ?? {},
    recordedAt: iso(e.recorded_at)!,
  };
}

function stateView(s: StateRow, purposes: Map<string, string>): ConsentStateView {
  const eff = effectiveStatus(toDerived(s), Date.now());
  return {
    purposeId: s.purpose_id,
    purpose: purposes.get(s.purpose_id) ?? s.purpose_id,
    channel: s.channel,
    status: s.status,
    effective: eff.allowed ? 'granted' : s.status === 'granted' ? 'expired' : s.status,
    allowed: eff.allowed,
    eventId: s.event_id,
    lawfulBasis: s.lawful_basis,
    noticeVersion: s.notice_version === null ? null : Number(s.notice_version),
    capturedAt: iso(s.captured_at)!,
    validUntil: iso(s.valid_until),
  };
}

export { CONSENT_SOURCES, LAWFUL_BASES };
