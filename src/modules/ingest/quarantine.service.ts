import type { Readable } from 'node:stream';
import { stringify } from 'csv-stringify';
import { sql } from 'drizzle-orm';
import type { Actor } from '../../platform/auth/actor.js';
import { rows } from '../../platform/db/database.js';
import { AppError } from '../../platform/errors/app-error.js';
import { parseOrThrow } from '../../platform/errors/zod-details.js';
import type { PrivacyLevel } from '../governance/index.js';
import { canSee, maskValue } from '../governance/index.js';
import type { IncomingRecord } from '../records/index.js';
import { RESTRICTED_RULE, restrictedKeys } from '../dsr/restriction-guard.js';
import { privacyMap, writeRecords } from '../records/index.js';
import type { SourceRow } from '../sources/index.js';
import { spreadsheetSafe } from './csv-safe.js';
import type { IngestDeps } from './import-job.service.js';
import type { QuarantineError, QuarantineQuery, QuarantineView, ResubmitResult } from './ingest.schemas.js';
import { quarantineBulkPatchBody, quarantinePatchBody, resubmitBody } from './ingest.schemas.js';
import { badText } from './row-mapper.js';

type QRow = {
  id: string;
  job_id: string;
  source_id: string;
  row_number: number;
  line: number | null;
  source_key: string | null;
  record_id: string | null;
  values: Record<string, unknown> | null;
  raw_text: string | null;
  errors: QuarantineError[];
  status: 'open' | 'resubmitted';
  resolution: Record<string, unknown> | null;
  updated_at: Date | string;
  updated_by: string | null;
};

const RESUBMIT_BATCH = 500;
const REPORT_PAGE = 1000;
export const REPORT_COLUMNS = ['row', 'line', 'key', 'field', 'rule', 'value', 'message', 'status'];

/** Quarantined import rows: listing, correction (one or many), resubmission as records, CSV report. */
export class QuarantineService {
  constructor(private readonly deps: IngestDeps) {}

  async list(actor: Actor, q: QuarantineQuery): Promise<{ items: QuarantineView[]; nextCursor: string | null }> {
    actor.require('records:read');
    const conds = [sql`true`];
    if (q.source) conds.push(sql`q.source_id = ${(await this.deps.sources.resolve(actor, q.source)).id}`);
    if (q.job) conds.push(sql`q.job_id = ${q.job}`);
    if (q.status) conds.push(sql`q.status = ${q.status}`);
    if (q.cursor) conds.push(sql`q.id > ${q.cursor}`);
    if (!actor.allAreas) conds.push(sql`s.business_area_id = any(${sql.param([...actor.businessAreaIds])}::text[])`);
    const list = await rows<QRow>(
      this.deps.database.db,
      sql`select q.* from import_quarantine q join sources s on s.id = q.source_id where ${sql.join(conds, sql` and `)} order by q.id limit ${q.limit + 1}`,
    );
    const page = list.slice(0, q.limit);
    const privacy = await this.privacyOf(page.map((r) => r.source_id));
    return { items: page.map((r) => this.view(actor, r, privacy.get(r.source_id)!)), nextCursor: list.length > q.limit ? page[page.length - 1]!.id : null };
  }

  async get(actor: Actor, id: string): Promise<QuarantineView> {
    const row = await this.row(actor, id, 'records:read');
    const privacy = await this.privacyOf([row.source_id]);
    return this.view(actor, row, privacy.get(row.source_id)!);
  }

  /** Corrects one row: values are merged (null clears), the key may be set. It stays open until resubmitted. */
  async patch(actor: Actor, id: string, input: unknown): Promise<QuarantineView> {
    const body = parseOrThrow(quarantinePatchBody, input, 'quarantine correction');
    const row = await this.row(actor, id, 'records:write');
    if (row.status !== 'open') throw AppError.conflict('This row was already resubmitted', [{ field: 'id', rule: 'not_open', message: 'status is resubmitted' }]);
    const values = { ...(row.values ?? {}), ...(body.values ?? {}) };
    assertStorable(values);
    await this.deps.database.raw(`update import_quarantine set "values" = $1::jsonb, source_key = coalesce($2, source_key), updated_at = now(), updated_by = $3 where id = $4`, [
      JSON.stringify(values),
      body.key ?? null,
      actor.id ?? actor.name,
      id,
    ]);
    return this.get(actor, id);
  }

  /** Sets the same values on many open rows (by ids, or every open row of a job). Returns how many changed. */
  async bulkPatch(actor: Actor, input: unknown): Promise<{ updated: number }> {
    actor.require('records:write');
    const body = parseOrThrow(quarantineBulkPatchBody, input, 'bulk correction');
    assertStorable(body.values);
    const target = await this.targetRows(actor, body);
    if (target.length === 0) return { updated: 0 };
    await this.deps.database.raw(
      `update import_quarantine set "values" = coalesce("values", '{}'::jsonb) || $1::jsonb, updated_at = now(), updated_by = $2 where id = any($3::text[]) and status = 'open'`,
      [JSON.stringify(body.values), actor.id ?? actor.name, target.map((r) => r.id)],
    );
    return { updated: target.length };
  }

  /** Writes corrected rows as records (create or update by key); accepted rows close, rejected ones get new errors. */
  async resubmit(actor: Actor, input: unknown): Promise<{ results: ResubmitResult[] }> {
    actor.require('records:write');
    const body = parseOrThrow(resubmitBody, input, 'resubmission');
    const target = await this.targetRows(actor, body);
    const results: ResubmitResult[] = [];
    const bySource = new Map<string, QRow[]>();
    for (const r of target) {
      if (r.status !== 'open') {
        results.push({ id: r.id, row: r.row_number, outcome: 'skipped', recordId: r.record_id, errors: [{ field: '$row', rule: 'not_open', message: 'already resubmitted' }] });
      } else if (!r.source_key || !r.values) {
        results.push({ id: r.id, row: r.row_number, outcome: 'skipped', recordId: null, errors: [{ field: r.source_key ? '$row' : '$key', rule: 'not_correctable', message: 'give the row a key and values (PATCH) before resubmitting' }] });
      } else bySource.set(r.source_id, [...(bySource.get(r.source_id) ?? []), r]);
    }
    const sources = await this.deps.sources.byIds([...bySource.keys()]);
    for (const [sourceId, list] of bySource) {
      const source = sources.get(sourceId)!;
      const ctx = await this.deps.records.writeContext(source);
      for (let i = 0; i < list.length; i += RESUBMIT_BATCH) {
        const chunk = list.slice(i, i + RESUBMIT_BATCH);
        await this.deps.database.db.transaction(async (tx) => {
          // A restricted customer's rows stay open in quarantine until the restriction is lifted.
          const frozen = await restrictedKeys(tx, sourceId, chunk.map((r) => r.source_key!));
          for (const r of chunk.filter((q) => frozen.has(q.source_key!))) {
            results.push({ id: r.id, row: r.row_number, outcome: 'skipped', recordId: r.record_id, errors: [{ field: '$key', rule: RESTRICTED_RULE, message: `customer ${frozen.get(r.source_key!)} is restricted` }] });
          }
          for (const round of keyRounds(chunk.filter((q) => !frozen.has(q.source_key!)))) {
            const written = await writeRecords(tx, this.deps.audit, actor, ctx, round.map((r): IncomingRecord => ({ key: r.source_key!, values: r.values! })));
            for (const [j, w] of written.entries()) {
              const q = round[j]!;
              const ok = w.row.status === 'valid';
              const errors = (w.row.errors ?? []) as QuarantineError[];
              await tx.execute(sql`
                update import_quarantine set status = ${ok ? 'resubmitted' : 'open'}, record_id = ${w.row.id},
                  errors = case when ${ok} then errors else ${JSON.stringify(errors)}::jsonb end,
                  resolution = ${JSON.stringify({ outcome: ok ? w.outcome : 'rejected', recordId: w.row.id, by: actor.id ?? actor.name, at: new Date().toISOString() })}::jsonb,
                  updated_at = now(), updated_by = ${actor.id ?? actor.name}
                where id = ${q.id}`);
              results.push({ id: q.id, row: q.row_number, outcome: ok ? w.outcome : 'rejected', recordId: w.row.id, errors: ok ? [] : errors });
            }
          }
        });
      }
    }
    const order = new Map(target.map((t, i) => [t.id, i]));
    results.sort((a, b) => order.get(a.id)! - order.get(b.id)!);
    return { results };
  }

  /**
   * The quarantine report of a job as CSV, one line per reason: row, line, key, field, rule, value,
   * message, status. Streams page by page; every cell is safe to open in a spreadsheet.
   */
  async reportCsv(actor: Actor, jobId: string): Promise<Readable> {
    actor.require('records:read');
    const [job] = await rows<{ source_id: string }>(this.deps.database.db, sql`select source_id from import_jobs where id = ${jobId}`);
    if (!job) throw AppError.notFound('Import job', jobId);
    await this.deps.sources.resolve(actor, job.source_id).catch(() => {
      throw AppError.notFound('Import job', jobId);
    });
    const privacy = (await this.privacyOf([job.source_id])).get(job.source_id)!;
    const out = stringify({ header: true, columns: REPORT_COLUMNS, cast: { string: spreadsheetSafe } });
    const database = this.deps.database;
    const pump = async (): Promise<void> => {
      let after = 0;
      for (;;) {
        const page = await rows<QRow>(database.db, sql`select * from import_quarantine where job_id = ${jobId} and row_number > ${after} order by row_number limit ${REPORT_PAGE}`);
        for (const r of page) {
          const v = this.view(actor, r, privacy);
          for (const e of v.errors) {
            const value = e.value !== undefined ? e.value : e.field === '$row' ? v.rawText : null;
            const line = [v.row, v.line ?? '', v.key ?? '', e.field, e.rule, spreadsheetSafe(value), e.message, v.status].map((c) => (typeof c === 'number' ? String(c) : c));
            if (!out.write(line)) await new Promise((r) => out.once('drain', r));
          }
          after = r.row_number;
        }
        if (page.length < REPORT_PAGE) break;
      }
      out.end();
    };
    pump().catch((err: unknown) => out.destroy(err as Error));
    return out;
  }

  private async targetRows(actor: Actor, body: { ids?: string[]; job?: string; all?: boolean }): Promise<QRow[]> {
    const list = body.ids
      ? await rows<QRow>(this.deps.database.db, sql`select * from import_quarantine where id = any(${sql.param(body.ids)}::text[]) order by row_number`)
      : await rows<QRow>(this.deps.database.db, sql`select * from import_quarantine where job_id = ${body.job!} and status = 'open' order by row_number`);
    if (body.ids) {
      const found = new Set(list.map((r) => r.id));
      const missing = body.ids.filter((id) => !found.has(id));
      if (missing.length > 0) throw AppError.notFound('Quarantined row', missing.slice(0, 5).join(', '));
    }
    const allowed = await this.deps.sources.byIds([...new Set(list.map((r) => r.source_id))]);
    for (const s of allowed.values()) if (!actor.inArea(s.businessAreaId)) throw AppError.notFound('Quarantined rows of source', s.name);
    return list;
  }

  private async row(actor: Actor, id: string, permission: 'records:read' | 'records:write'): Promise<QRow> {
    actor.require(permission);
    const [row] = await rows<QRow & { business_area_id: string }>(
      this.deps.database.db,
      sql`select q.*, s.business_area_id from import_quarantine q join sources s on s.id = q.source_id where q.id = ${id}`,
    );
    if (!row || !actor.inArea(row.business_area_id)) throw AppError.notFound('Quarantined row', id);
    return row;
  }

  private async privacyOf(sourceIds: string[]): Promise<Map<string, Map<string, PrivacyLevel>>> {
    const sources: Map<string, SourceRow> = await this.deps.sources.byIds([...new Set(sourceIds)]);
    const out = new Map<string, Map<string, PrivacyLevel>>();
    for (const s of sources.values()) out.set(s.id, privacyMap((await this.deps.schemas.currentVersionOf(s.schemaId)).definition));
    return out;
  }

  /** The row as the actor may see it: values of attributes above their clearance are masked. */
  private view(actor: Actor, r: QRow, privacy: Map<string, PrivacyLevel>): QuarantineView {
    const masked = new Set<string>();
    const level = (field: string): PrivacyLevel => privacy.get(field.split('.')[0]!) ?? 'personal';
    let values: Record<string, unknown> | null = null;
    if (r.values) {
      values = {};
      for (const [k, v] of Object.entries(r.values)) {
        if (v === null || v === undefined || canSee(actor, level(k))) values[k] = v;
        else {
          values[k] = maskValue(v);
          masked.add(k);
        }
      }
    }
    const errors = (r.errors ?? []).map((e) => (e.value === undefined || canSee(actor, level(e.field)) ? e : { ...e, value: maskValue(e.value) }));
    const seeRaw = canSee(actor, 'sensitive');
    if (r.raw_text !== null && !seeRaw) masked.add('$row');
    return {
      id: r.id,
      jobId: r.job_id,
      sourceId: r.source_id,
      row: Number(r.row_number),
      line: r.line === null ? null : Number(r.line),
      key: r.source_key,
      recordId: r.record_id,
      values,
      // Unparsed text may hold any column, so only those cleared for sensitive values see it.
      rawText: r.raw_text === null ? null : seeRaw ? r.raw_text : '***',
      errors,
      status: r.status,
      resolution: r.resolution,
      updatedAt: new Date(r.updated_at).toISOString(),
      updatedBy: r.updated_by,
      masked: [...masked].sort(),
    };
  }
}

function keyRounds(list: QRow[]): QRow[][] {
  const out: QRow[][] = [];
  const seen = new Map<string, number>();
  for (const r of list) {
    const n = seen.get(r.source_key!) ?? 0;
    seen.set(r.source_key!, n + 1);
    (out[n] ??= []).push(r);
  }
  return out;
}

function assertStorable(values: Record<string, unknown>): void {
  const bad = badText(values);
  if (bad !== null) throw AppError.validation('Values cannot contain NUL characters or broken UTF-16', [{ field: `values.${bad}`, rule: 'invalid_text', message: 'cannot be stored' }]);
}
