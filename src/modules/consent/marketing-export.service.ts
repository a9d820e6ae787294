import { sql } from 'drizzle-orm';
import type { Actor } from '../../platform/auth/actor.js';
import type { Database } from '../../platform/db/database.js';
import { rows } from '../../platform/db/database.js';
import { AppError } from '../../platform/errors/app-error.js';
import { parseOrThrow } from '../../platform/errors/zod-details.js';
import { newId } from '../../platform/ids.js';
import type { AuditService } from '../audit/index.js';
import type { SchemasService } from '../schemas/index.js';
import type { ConsentService } from './consent.service.js';
import { marketingExportBody } from './consent.schemas.js';
import { contactValueOf } from './contact-values.js';
import { toCsv } from './csv-out.js';

export type MarketingRow = { customerId: string; displayName: string | null; contact: unknown; consentEventId: string; consentCapturedAt: string; consentValidUntil: string | null };
export type MarketingExport = { id: string; purpose: string; channel: string; exportedAt: string; count: number; excluded: number; rows: MarketingRow[]; csv?: string };

const PAGE = 5_000;

/**
 * Marketing audiences: only customers whose consent for the purpose and channel is valid at export time,
 * who are active, not restricted and not erased. Every export is logged (who, what, when, how many).
 */
export class MarketingExportService {
  constructor(
    private readonly database: Database,
    private readonly audit: AuditService,
    private readonly schemas: SchemasService,
    private readonly consent: ConsentService,
  ) {}

  async export(actor: Actor, input: unknown): Promise<MarketingExport> {
    actor.require('export:marketing');
    const body = parseOrThrow(marketingExportBody, input, 'marketing export');
    const purpose = await this.consent.resolvePurpose(body.purpose);
    if (!(await this.consent.channels()).some((c) => c.key === body.channel)) throw AppError.notFound('Channel', body.channel);
    const at = new Date();
    // One snapshot of "valid at export time": the same instant decides inclusion for every row.
    const included = await rows<{ customer_id: string; display_name: string | null; event_id: string; captured_at: Date | string; valid_until: Date | string | null }>(
      this.database.db,
      sql`select s.customer_id, c.display_name, s.event_id, s.captured_at, s.valid_until
          from consent_state s join customers c on c.id = s.customer_id
          where s.purpose_id = ${purpose.id} and s.channel = ${body.channel} and s.status = 'granted'
            and (s.valid_until is null or s.valid_until > ${at.toISOString()})
            and c.status = 'active'
            and not exists (select 1 from dsr_restrictions r where r.customer_id = s.customer_id)
            and not exists (select 1 from dsr_tombstones t where t.customer_id = s.customer_id)
          order by s.customer_id`,
    );
    const [{ n } = { n: 0 }] = await rows<{ n: number }>(
      this.database.db,
      sql`select count(*)::int as n from consent_state where purpose_id = ${purpose.id} and channel = ${body.channel}`,
    );
    const out: MarketingRow[] = [];
    for (let i = 0; i < included.length; i += PAGE) {
      const page = included.slice(i, i + PAGE);
      const recs = await rows<{ customer_id: string; schema_id: string; schema_version: number; values: Record<string, unknown> | null }>(
        this.database.db,
        sql`select customer_id, schema_id, schema_version, "values" from source_records
            where customer_id = any(${sql.param(page.map((p) => p.customer_id))}::text[]) and status <> 'deleted' and "values" is not null order by updated_at desc`,
      );
      const contact = new Map<string, unknown>();
      for (const r of recs) {
        if (contact.get(r.customer_id)) continue;
        const def = (await this.schemas.loadVersion(r.schema_id, Number(r.schema_version))).definition;
        const v = contactValueOf(def, r.values, body.channel);
        if (v !== null) contact.set(r.customer_id, v);
      }
      for (const p of page) {
        out.push({
          customerId: p.customer_id,
          displayName: p.display_name,
          contact: contact.get(p.customer_id) ?? null,
          consentEventId: p.event_id,
          consentCapturedAt: new Date(p.captured_at).toISOString(),
          consentValidUntil: p.valid_until === null ? null : new Date(p.valid_until).toISOString(),
        });
      }
    }
    const id = newId('marketingExport');
    const excluded = Number(n) - out.length;
    await this.database.db.transaction(async (tx) => {
      await tx.execute(sql`
        insert into marketing_exports (id, purpose_id, channel, customer_count, excluded_count, attributes, format, exported_at, exported_by)
        values (${id}, ${purpose.id}, ${body.channel}, ${out.length}, ${excluded}, ${sql.param(['customerId', 'displayName', 'contact'])}::text[], ${body.format}, ${at.toISOString()}, ${actor.id ?? actor.name})`);
      await this.audit.append(tx, actor, { action: 'export.marketing', entityType: 'marketing_export', entityId: id, payload: { purpose: purpose.key, channel: body.channel, count: out.length, excluded, format: body.format } });
    });
    const result: MarketingExport = { id, purpose: purpose.key, channel: body.channel, exportedAt: at.toISOString(), count: out.length, excluded, rows: out };
    if (body.format === 'csv') {
      result.csv = toCsv(['customer_id', 'display_name', 'contact', 'consent_event_id', 'consent_captured_at', 'consent_valid_until'], out.map((r) => [r.customerId, r.displayName, r.contact, r.consentEventId, r.consentCapturedAt, r.consentValidUntil]));
    }
    return result;
  }

  /** The export log, newest first. */
  async list(actor: Actor): Promise<{ id: string; purpose: string; channel: string; count: number; excluded: number; format: string; exportedAt: string; exportedBy: string | null }[]> {
    if (!actor.can('export:marketing') && !actor.can('consent:read')) actor.require('export:marketing');
    const list = await rows<{ id: string; key: string; channel: string; customer_count: number; excluded_count: number; format: string; exported_at: Date | string; exported_by: string | null }>(
      this.database.db,
      sql`select m.*, p.key from marketing_exports m join consent_purposes p on p.id = m.purpose_id order by m.exported_at desc limit 500`,
    );
    return list.map((m) => ({ id: m.id, purpose: m.key, channel: m.channel, count: Number(m.customer_count), excluded: Number(m.excluded_count), format: m.format, exportedAt: new Date(m.exported_at).toISOString(), exportedBy: m.exported_by }));
  }
}
