import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import QRCode from 'qrcode';
import { z } from 'zod';
import { Actor } from '../../platform/auth/actor.js';
import type { Database, Executor } from '../../platform/db/database.js';
import { rows } from '../../platform/db/database.js';
import { AppError } from '../../platform/errors/app-error.js';
import { parseOrThrow } from '../../platform/errors/zod-details.js';
import { newId } from '../../platform/ids.js';
import type { AuditService } from '../audit/index.js';
import type { ConsentService } from '../consent/consent.service.js';
import { contactValueOf } from '../consent/contact-values.js';
import type { DsrService } from '../dsr/dsr.service.js';
import { bundleCsv } from '../dsr/dsr.service.js';
import { maskValue, type PrivacyLevel } from '../governance/index.js';
import { sha256Hex } from '../governance/secrets.js';
import type { StoredRecordRow } from '../records/index.js';
import type { RecordsService } from '../records/index.js';
import type { AttributeType, SchemasService } from '../schemas/index.js';
import { validateCompiled } from '../schemas/index.js';
import type { SourcesService } from '../sources/index.js';
import type { Mailer, MailResult } from './mailer.js';
import type { PortalConfig } from './portal.config.js';

export const createLinkBody = z
  .object({
    customer: z.string().min(1).max(200),
    delivery: z.enum(['link', 'email', 'qr']).default('link'),
    // Send to this address instead of the customer's e-mail on file.
    email: z.email().max(320).optional(),
    expiresInHours: z.number().int().min(1).max(24 * 90).optional(),
    qrFormat: z.enum(['png', 'svg']).default('svg'),
  })
  .strict();

export type LinkView = { id: string; customerId: string; delivery: string; createdAt: string; createdBy: string | null; expiresAt: string; revokedAt: string | null; lastUsedAt: string | null; status: 'active' | 'expired' | 'revoked' };
export type CreatedLink = { link: LinkView; url?: string; token?: string; email?: { to: string } & MailResult; qr?: { format: 'png' | 'svg'; data: string } };

/** What a request's token resolves to. */
export type TokenResolution = { kind: 'ok'; tokenId: string; customerId: string; expiresAt: Date } | { kind: 'unknown' } | { kind: 'expired' } | { kind: 'revoked' };

/** One attribute as shown to the customer. */
export type PortalAttribute = { name: string; label: string; type: AttributeType; privacy: PrivacyLevel; shown: string; verifiedAt: string | null; verifiedBy: string | null };
export type PortalRecord = { id: string; sourceLabel: string; attributes: PortalAttribute[] };
export type PortalConsent = { purposeKey: string; purposeName: string; noticeText: string; noticeVersion: number; channels: { key: string; name: string; allowed: boolean; status: string | null }[] };
export type PortalPage = { customerId: string; records: PortalRecord[]; consents: PortalConsent[]; restricted: boolean; erasureRequested: boolean; expiresAt: string; pendingCorrections: number };

export type RequestContext = { ip: string; userAgent: string | null; requestId: string };

const NONCE_TTL_MS = 2 * 60 * 60_000;

function linkView(r: { id: string; customer_id: string; delivery: string; created_at: Date | string; created_by: string | null; expires_at: Date | string; revoked_at: Date | string | null; last_used_at: Date | string | null }): LinkView {
  const expires = new Date(r.expires_at);
  return {
    id: r.id,
    customerId: r.customer_id,
    delivery: r.delivery,
    createdAt: new Date(r.created_at).toISOString(),
    createdBy: r.created_by,
    expiresAt: expires.toISOString(),
    revokedAt: r.revoked_at ? new Date(r.revoked_at).toISOString() : null,
    lastUsedAt: r.last_used_at ? new Date(r.last_used_at).toISOString() : null,
    status: r.revoked_at ? 'revoked' : expires.getTime() <= Date.now() ? 'expired' : 'active',
  };
}

function humanLabel(name: string): string {
  const s = name.replace(/_/g, ' ');
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function display(v: unknown): string {
  if (v === null || v === undefined || v === '') return '';
  if (typeof v === 'object') return Object.values(v as Record<string, unknown>).filter((x) => x !== null && x !== '').map(String).join(', ');
  return String(v);
}

/**
 * The customer self-service portal: verification links (256-bit tokens stored as SHA-256, expiring,
 * revocable), the customer's page model, and the customer's actions (verify, correct, consent, erasure
 * request, download), each audited with IP and user agent in the payload.
 */
export class PortalService {
  constructor(
    private readonly database: Database,
    private readonly audit: AuditService,
    private readonly schemas: SchemasService,
    private readonly sources: SourcesService,
    private readonly records: RecordsService,
    private readonly consent: ConsentService,
    private readonly dsr: DsrService,
    private readonly mailer: Mailer,
    readonly config: PortalConfig,
  ) {}

  // ---- staff side ----

  /** Creates a link; e-mails it, or returns the URL (and a QR code) for the till. The token is shown only now. */
  async createLink(actor: Actor, input: unknown): Promise<CreatedLink> {
    actor.require('consent:write');
    const body = parseOrThrow(createLinkBody, input, 'link');
    const [c] = await rows<{ id: string; status: string; erased: boolean }>(
      this.database.db,
      sql`select c.id, c.status, exists (select 1 from dsr_tombstones t where t.customer_id = c.id) as erased from customers c where c.id = ${body.customer}`,
    );
    if (!c || c.erased || c.status === 'deleted') throw AppError.notFound('Customer', body.customer);
    let to: string | undefined;
    if (body.delivery === 'email') {
      to = body.email ?? (await this.emailOnFile(body.customer)) ?? undefined;
      if (!to) throw AppError.validation('No e-mail address', [{ field: 'email', rule: 'required', message: 'the customer has no e-mail address on file; give one' }]);
    }
    const token = randomBytes(32).toString('base64url');
    const id = newId('portalToken');
    const hours = body.expiresInHours ?? this.config.tokenTtlDays * 24;
    const expiresAt = new Date(Date.now() + hours * 3_600_000);
    await this.database.db.transaction(async (tx) => {
      await tx.execute(sql`
        insert into portal_tokens (id, token_hash, customer_id, delivery, created_by, expires_at)
        values (${id}, ${sha256Hex(token)}, ${body.customer}, ${body.delivery}, ${actor.id ?? actor.name}, ${expiresAt.toISOString()})`);
      await this.audit.append(tx, actor, { action: 'portal.link_create', entityType: 'customer', entityId: body.customer, payload: { linkId: id, delivery: body.delivery, expiresAt: expiresAt.toISOString() } });
    });
    const url = `${this.config.publicUrl}/portal/${token}`;
    const [row] = await rows<Parameters<typeof linkView>[0]>(this.database.db, sql`select * from portal_tokens where id = ${id}`);
    const out: CreatedLink = { link: linkView(row!) };
    if (body.delivery === 'email') {
      const mail = await this.mailer.send({ to: to!, subject: `Check the details ${this.config.organisation} holds about you`, ...linkMail(url, expiresAt, this.config), tag: body.customer });
      out.email = { to: String(maskValue(to!)), ...mail };
    } else {
      out.url = url;
      out.token = token;
      if (body.delivery === 'qr') {
        out.qr = body.qrFormat === 'png'
          ? { format: 'png', data: `data:image/png;base64,${(await QRCode.toBuffer(url, { type: 'png', errorCorrectionLevel: 'M', margin: 2, width: 320 })).toString('base64')}` }
          : { format: 'svg', data: await QRCode.toString(url, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 }) };
      }
    }
    return out;
  }

  async listLinks(actor: Actor, customerId: string): Promise<LinkView[]> {
    actor.require('consent:write');
    const list = await rows<Parameters<typeof linkView>[0]>(this.database.db, sql`select * from portal_tokens where customer_id = ${customerId} order by created_at desc limit 200`);
    return list.map(linkView);
  }

  async revokeLink(actor: Actor, linkId: string): Promise<LinkView> {
    actor.require('consent:write');
    return this.database.db.transaction(async (tx) => {
      const [row] = await rows<Parameters<typeof linkView>[0]>(tx, sql`update portal_tokens set revoked_at = coalesce(revoked_at, now()) where id = ${linkId} returning *`);
      if (!row) throw AppError.notFound('Link', linkId);
      await this.audit.append(tx, actor, { action: 'portal.link_revoke', entityType: 'customer', entityId: row.customer_id, payload: { linkId } });
      return linkView(row);
    });
  }

  /** Corrections waiting for a steward (when CUSTODIAN_PORTAL_CORRECTIONS=review). */
  async listCorrections(actor: Actor, status = 'pending'): Promise<{ id: string; customerId: string; recordId: string; attribute: string; proposed: unknown; status: string; createdAt: string }[]> {
    actor.require('dsr:manage');
    const list = await rows<{ id: string; customer_id: string; record_id: string; attribute: string; proposed: { value: unknown } | null; status: string; created_at: Date | string }>(
      this.database.db,
      sql`select * from portal_corrections where status = ${status} order by created_at limit 500`,
    );
    return list.map((c) => ({ id: c.id, customerId: c.customer_id, recordId: c.record_id, attribute: c.attribute, proposed: c.proposed?.value ?? null, status: c.status, createdAt: new Date(c.created_at).toISOString() }));
  }

  async decideCorrection(actor: Actor, id: string, decision: 'apply' | 'reject'): Promise<{ id: string; status: string }> {
    actor.require('dsr:manage');
    const [c] = await rows<{ id: string; customer_id: string; record_id: string; attribute: string; proposed: { value: unknown } | null; status: string }>(
      this.database.db,
      sql`select * from portal_corrections where id = ${id}`,
    );
    if (!c) throw AppError.notFound('Correction', id);
    if (c.status !== 'pending') throw AppError.conflict(`Correction ${id} is already ${c.status}`);
    if (decision === 'apply') await this.dsr.correctRecord(actor, c.customer_id, c.record_id, { [c.attribute]: c.proposed?.value ?? null });
    const status = decision === 'apply' ? 'applied' : 'rejected';
    await this.database.db.transaction(async (tx) => {
      await tx.execute(sql`update portal_corrections set status = ${status}, decided_at = now(), decided_by = ${actor.id ?? actor.name}, proposed = null where id = ${id}`);
      await this.audit.append(tx, actor, { action: `portal.correction_${status}`, entityType: 'customer', entityId: c.customer_id, payload: { correctionId: id, recordId: c.record_id, attribute: c.attribute } });
    });
    return { id, status };
  }

  outbox(actor: Actor): ReturnType<Mailer['listOutbox']> {
    actor.require('consent:admin');
    return this.mailer.listOutbox();
  }

  outboxMessage(actor: Actor, file: string): Promise<string> {
    actor.require('consent:admin');
    return this.mailer.readOutbox(file);
  }

  // ---- customer side ----

  /** Looks a token up by its hash; unknown, expired and revoked are told apart only for friendly pages. */
  async resolveToken(token: string): Promise<TokenResolution> {
    if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return { kind: 'unknown' };
    const [row] = await rows<{ id: string; customer_id: string; expires_at: Date | string; revoked_at: Date | string | null; erased: boolean }>(
      this.database.db,
      sql`select t.id, t.customer_id, t.expires_at, t.revoked_at, exists (select 1 from dsr_tombstones d where d.customer_id = t.customer_id) as erased
          from portal_tokens t where t.token_hash = ${sha256Hex(token)}`,
    );
    if (!row) return { kind: 'unknown' };
    if (row.revoked_at || row.erased) return { kind: 'revoked' };
    const expiresAt = new Date(row.expires_at);
    if (expiresAt.getTime() <= Date.now()) return { kind: 'expired' };
    return { kind: 'ok', tokenId: row.id, customerId: row.customer_id, expiresAt };
  }

  /** A fresh single-use form nonce for the token (CSRF protection and one use per action). */
  async issueNonce(tokenId: string): Promise<string> {
    const nonce = randomBytes(24).toString('base64url');
    await this.database.db.execute(sql`insert into portal_nonces (nonce_hash, token_id) values (${sha256Hex(nonce)}, ${tokenId})`);
    await this.database.db.execute(sql`update portal_tokens set last_used_at = now() where id = ${tokenId}`);
    return nonce;
  }

  /** Consumes a nonce; false when it is unknown, of another token, too old or already used. */
  async consumeNonce(tokenId: string, nonce: string): Promise<boolean> {
    if (!/^[A-Za-z0-9_-]{32}$/.test(nonce)) return false;
    const used = await rows(
      this.database.db,
      sql`update portal_nonces set used_at = now() where nonce_hash = ${sha256Hex(nonce)} and token_id = ${tokenId} and used_at is null
            and created_at > ${new Date(Date.now() - NONCE_TTL_MS).toISOString()} returning nonce_hash`,
    );
    return used.length > 0;
  }

  /** The page model: the customer's data (masked where personal or sensitive), consents, status. */
  async page(customerId: string, expiresAt: Date): Promise<PortalPage> {
    const recs = await rows<StoredRecordRow & { verification: Record<string, { verifiedAt?: string; verifiedBy?: string }> | null }>(
      this.database.db,
      sql`select * from source_records where customer_id = ${customerId} and status <> 'deleted' and "values" is not null order by created_at`,
    );
    const srcs = await this.sources.byIds([...new Set(recs.map((r) => r.source_id))]);
    const records: PortalRecord[] = [];
    for (const r of recs) {
      const def = (await this.schemas.loadVersion(r.schema_id, Number(r.schema_version))).definition;
      const src = srcs.get(r.source_id);
      records.push({
        id: r.id,
        sourceLabel: src?.description || src?.name || 'our records',
        attributes: def.attributes.map((a) => {
          const v = r.values?.[a.name];
          const text = display(v);
          // Public values are shown; personal ones partly; sensitive ones not at all (the download has them).
          const shown = text === '' ? '' : a.privacy === 'public' ? text : a.privacy === 'personal' ? String(maskValue(text)) : 'On file (hidden)';
          const ver = r.verification?.[a.name];
          return { name: a.name, label: a.label ?? humanLabel(a.name), type: a.type, privacy: a.privacy, shown, verifiedAt: ver?.verifiedAt ?? null, verifiedBy: ver?.verifiedBy ?? null };
        }),
      });
    }
    const purposes = await this.consent.publicPurposes();
    const channels = await this.consent.channels();
    const states = await this.consent.statesOf(customerId);
    const consents = purposes.map((p) => ({
      purposeKey: p.key,
      purposeName: p.name,
      noticeText: p.notice_text ?? '',
      noticeVersion: Number(p.current_notice_version),
      channels: channels
        .filter((ch) => (p.channels ?? []).length === 0 || p.channels.includes(ch.key))
        .map((ch) => {
          const s = states.find((x) => x.purposeId === p.id && x.channel === ch.key);
          return { key: ch.key, name: ch.name, allowed: s?.allowed ?? false, status: s ? s.effective : null };
        }),
    }));
    const [flags] = await rows<{ restricted: boolean; erasure: boolean; pending: number }>(
      this.database.db,
      sql`select exists (select 1 from dsr_restrictions where customer_id = ${customerId}) as restricted,
                 exists (select 1 from dsr_requests where customer_id = ${customerId} and kind = 'erasure' and status = 'open') as erasure,
                 (select count(*)::int from portal_corrections where customer_id = ${customerId} and status = 'pending') as pending`,
    );
    return { customerId, records, consents, restricted: !!flags?.restricted, erasureRequested: !!flags?.erasure, expiresAt: expiresAt.toISOString(), pendingCorrections: Number(flags?.pending ?? 0) };
  }

  /** Stamps one attribute (or all, with '*') of one of the customer's records as verified by the customer now. */
  async verify(customerId: string, recordId: string, attribute: string, ctx: RequestContext): Promise<number> {
    // Stamping values is processing; a restricted customer's data stays as it is until the restriction is lifted.
    await this.dsr.assertNotRestricted(customerId, undefined, 'Confirmation refused');
    const [r] = await rows<StoredRecordRow>(this.database.db, sql`select * from source_records where id = ${recordId} and customer_id = ${customerId} and status <> 'deleted' and "values" is not null`);
    if (!r) throw AppError.notFound('Record', recordId);
    const def = (await this.schemas.loadVersion(r.schema_id, Number(r.schema_version))).definition;
    const names = def.attributes.map((a) => a.name).filter((n) => (attribute === '*' || n === attribute) && r.values?.[n] !== null && r.values?.[n] !== undefined);
    if (names.length === 0) throw AppError.validation('Nothing to verify', [{ field: 'attribute', rule: 'exists', message: 'no value to confirm' }]);
    const at = new Date().toISOString();
    // source_records.verification belongs to the quality module (StoredVerification in
    // src/modules/quality/verification.ts); a customer confirmation is a human verification stamp.
    const stamps = Object.fromEntries(names.map((n) => [n, { status: 'valid', reasons: [], verifiedAt: at, verifiedBy: 'customer' }]));
    await this.database.db.transaction(async (tx) => {
      await tx.execute(sql`update source_records set verification = coalesce(verification, '{}'::jsonb) || ${JSON.stringify(stamps)}::jsonb where id = ${recordId}`);
      await this.records.customerRecordsChanged(tx, r.source_id, customerId);
      await this.auditPortal(tx, customerActor(customerId, ctx), ctx, customerId, 'portal.verify', { recordId, attributes: names });
    });
    return names.length;
  }

  /** A customer's correction: validated against the schema, then applied or queued for a steward. */
  async correct(customerId: string, recordId: string, attribute: string, value: string, ctx: RequestContext): Promise<'applied' | 'queued'> {
    await this.dsr.assertNotRestricted(customerId, undefined, 'Correction refused');
    const actor = customerActor(customerId, ctx);
    const newValue = value.trim() === '' ? null : value;
    if (this.config.corrections === 'apply') {
      await this.dsr.correctRecord(actor, customerId, recordId, { [attribute]: newValue });
      await this.auditPortal(this.database.db, actor, ctx, customerId, 'portal.correct', { recordId, attribute, applied: true });
      return 'applied';
    }
    // Validate now so the customer hears about a typo at once, even though a steward applies it.
    const [r] = await rows<StoredRecordRow>(this.database.db, sql`select * from source_records where id = ${recordId} and customer_id = ${customerId} and status <> 'deleted' and "values" is not null`);
    if (!r) throw AppError.notFound('Record', recordId);
    const source = (await this.sources.byIds([r.source_id])).get(r.source_id)!;
    const wc = await this.records.writeContext(source);
    if (!wc.definition.attributes.some((a) => a.name === attribute)) throw AppError.validation('Unknown attribute', [{ field: attribute, rule: 'exists', message: 'not an attribute of this record' }]);
    const v = validateCompiled(wc.compiled, { ...(r.values ?? {}), [attribute]: newValue });
    if (!v.ok) throw AppError.validation('The corrected values are not valid', v.errors.map((e) => ({ field: e.field, rule: e.rule, message: e.message })));
    await this.database.db.transaction(async (tx) => {
      const id = newId('portalCorrection');
      await tx.execute(sql`insert into portal_corrections (id, customer_id, record_id, attribute, proposed, status) values (${id}, ${customerId}, ${recordId}, ${attribute}, ${JSON.stringify({ value: newValue })}::jsonb, 'pending')`);
      await this.auditPortal(tx, actor, ctx, customerId, 'portal.correct', { recordId, attribute, applied: false, correctionId: id });
    });
    return 'queued';
  }

  /** Grants or withdraws one purpose on one channel, with the current notice as proof. */
  async setConsent(customerId: string, purposeKey: string, channel: string, decision: 'grant' | 'withdraw', ctx: RequestContext): Promise<void> {
    const purpose = await this.consent.resolvePurpose(purposeKey);
    const actor = customerActor(customerId, ctx);
    await this.consent.record(actor, {
      customer: customerId,
      purpose: purpose.id,
      channel,
      status: decision === 'grant' ? 'granted' : 'withdrawn',
      lawfulBasis: 'consent',
      noticeVersion: Number(purpose.current_notice_version),
      source: 'portal',
      proof: { formId: 'portal', noticeId: `${purpose.key}@v${purpose.current_notice_version}`, ip: ctx.ip, ...(ctx.userAgent ? { userAgent: ctx.userAgent.slice(0, 1000) } : {}) },
    });
    await this.auditPortal(this.database.db, actor, ctx, customerId, 'portal.consent', { purpose: purpose.key, channel, decision });
  }

  /** Logs an erasure request for staff to carry out (erasure itself is not automatic). */
  async requestErasure(customerId: string, ctx: RequestContext): Promise<string> {
    const actor = customerActor(customerId, ctx);
    const r = await this.dsr.requestFromPortal(actor, customerId, 'erasure', 'requested in the self-service portal');
    await this.auditPortal(this.database.db, actor, ctx, customerId, 'portal.erasure_request', { requestId: r.id });
    return r.id;
  }

  /** The customer's own data download (same bundle as the staff access export). */
  async download(customerId: string, format: 'json' | 'csv', ctx: RequestContext): Promise<string> {
    const bundle = await this.dsr.bundle(customerId);
    await this.auditPortal(this.database.db, customerActor(customerId, ctx), ctx, customerId, 'portal.download', { format });
    if (format === 'json') return JSON.stringify(bundle, null, 2);
    return bundleCsv(bundle);
  }

  /** Audits a page view (reading personal data is an action too). */
  async auditView(customerId: string, tokenId: string, ctx: RequestContext): Promise<void> {
    await this.auditPortal(this.database.db, customerActor(customerId, ctx), ctx, customerId, 'portal.view', { linkId: tokenId });
  }

  /**
   * Audits a customer's portal action. The sealed audit chain holds no personal data: the entry carries the
   * request id, and the customer's IP and user agent go to subject_network_log (erased with the customer).
   */
  private async auditPortal(ex: Executor, actor: Actor, ctx: RequestContext, customerId: string, action: string, payload: Record<string, unknown>): Promise<void> {
    await ex.execute(sql`
      insert into subject_network_log (request_id, customer_id, ip, user_agent)
      values (${ctx.requestId}, ${customerId}, ${ctx.ip}, ${ctx.userAgent ? ctx.userAgent.slice(0, 500) : null})
      on conflict (request_id) do nothing`);
    await this.audit.append(ex, actor, { action, entityType: 'customer', entityId: customerId, payload });
  }

  /** Removes nonces older than their lifetime (housekeeping). */
  async purgeNonces(): Promise<void> {
    await this.database.db.execute(sql`delete from portal_nonces where created_at < ${new Date(Date.now() - NONCE_TTL_MS).toISOString()}`);
  }

  private async emailOnFile(customerId: string): Promise<string | null> {
    const recs = await rows<StoredRecordRow>(this.database.db, sql`select * from source_records where customer_id = ${customerId} and status <> 'deleted' and "values" is not null order by updated_at desc`);
    for (const r of recs) {
      const v = contactValueOf((await this.schemas.loadVersion(r.schema_id, Number(r.schema_version))).definition, r.values, 'email');
      if (typeof v === 'string') return v;
    }
    return null;
  }
}

/** The customer as an actor: audited as actor_type customer; the IP is kept in subject_network_log, not the chain. */
export function customerActor(customerId: string, ctx: RequestContext): Actor {
  // The agent role carries consent:write, which the consent service asks for; nothing else is reachable.
  return new Actor('customer', customerId, ['agent'], [], ctx.requestId, null, 'portal');
}


function linkMail(url: string, expiresAt: Date, cfg: PortalConfig): { text: string; html: string } {
  const until = expiresAt.toUTCString();
  const text = [
    'Hello,',
    '',
    `Please check the details ${cfg.organisation} holds about you. You can confirm them, correct them, and choose how we may contact you:`,
    '',
    url,
    '',
    `The link works until ${until}. Do not share it: anyone with the link can see your details.`,
    '',
    `If you did not expect this e-mail, you can ignore it. ${cfg.help}`,
  ].join('\n');
  const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  const html = `<p>Hello,</p><p>Please check the details ${esc(cfg.organisation)} holds about you. You can confirm them, correct them, and choose how we may contact you.</p>
<p><a href="${esc(url)}">Check my details</a></p><p>The link works until ${esc(until)}. Do not share it: anyone with the link can see your details.</p>
<p>If you did not expect this e-mail, you can ignore it. ${esc(cfg.help)}</p>`;
  return { text, html };
}
