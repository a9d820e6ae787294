import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Actor } from '../../platform/auth/actor.js';
import type { Database } from '../../platform/db/database.js';
import { rows } from '../../platform/db/database.js';
import { AppError } from '../../platform/errors/app-error.js';
import { parseOrThrow } from '../../platform/errors/zod-details.js';
import type { AuditService } from '../audit/index.js';
import { canSee, maskValue } from '../governance/index.js';
import type { SchemaDefinition, SchemasService } from '../schemas/index.js';
import type { SourceRow, SourcesService } from '../sources/index.js';
import { freshnessCutoff } from './freshness.js';
import type { KpiRow, SchemaRules } from './kpis.js';
import { computeKpiRows } from './kpis.js';
import { profileSource } from './profile.js';
import type { KpiView, ProfileView, QualityRecordView, RulesView, SnapshotView, StaleItemView } from './quality.schemas.js';
import type { QualityRules, ResolvedRules } from './rules.js';
import { loadRuleOverrides, qualityRulesBody, resolveRules } from './rules.js';
import { scoreRecord } from './score.js';
import type { VerificationMap } from './verification.js';

export type SnapshotTrigger = 'import' | 'daily' | 'manual';
/** What a snapshot is about: after an import, the imported source (and the import job, kept as context). */
export type SnapshotScope = { sourceId?: string; jobId?: string };

const TOP_N = 10;
const RESCORE_PAGE = 2_000;

/**
 * Data quality: profiling per source and attribute, record quality scores, KPIs per source and overall
 * with snapshots over time, freshness rules per schema and the list of stale values. Definitions of
 * every figure are in docs/quality.md.
 */
export class QualityService {
  private readonly now: () => Date;

  constructor(
    private readonly database: Database,
    private readonly audit: AuditService,
    private readonly schemas: SchemasService,
    private readonly sources: SourcesService,
    opts: { now?: () => Date } = {},
  ) {
    this.now = opts.now ?? (() => new Date());
  }

  /** Profile of a source's raw values per schema attribute; values the actor may not see are masked. */
  async profile(actor: Actor, sourceRef: string): Promise<ProfileView> {
    actor.require('customers:read');
    const source = await this.sources.resolve(actor, sourceRef);
    const version = await this.schemas.currentVersionOf(source.schemaId);
    const t0 = performance.now();
    const p = await profileSource(this.database, source.id, version.definition, TOP_N);
    const tookMs = Math.round(performance.now() - t0);
    const privacy = new Map(version.definition.attributes.map((a) => [a.name, a.privacy]));
    const sensitiveSeen: string[] = [];
    const attributes = p.attributes.map((a) => {
      const level = privacy.get(a.attribute) ?? 'personal';
      if (!canSee(actor, level)) {
        return { ...a, topValues: a.topValues.map((t) => ({ value: maskValue(t.value), count: t.count })), min: maskValue(a.min), max: maskValue(a.max), masked: true };
      }
      if (level === 'sensitive' && a.filled > 0) sensitiveSeen.push(a.attribute);
      return { ...a, masked: false };
    });
    if (sensitiveSeen.length > 0) {
      await this.audit.append(this.database.db, actor, { action: 'sensitive.read', entityType: 'quality_profile', entityId: source.id, payload: { fields: sensitiveSeen } });
    }
    return {
      sourceId: source.id,
      sourceName: source.name,
      schemaId: source.schemaId,
      schemaVersion: version.version,
      records: p.records,
      profiledAt: this.now().toISOString(),
      tookMs,
      attributes,
    };
  }

  /** KPIs computed now over the actor's sources (or one source): one row per source and the overall row last. */
  async computeKpis(actor: Actor, q: { source?: string; now?: Date }): Promise<KpiView[]> {
    actor.require('customers:read');
    const scope = await this.scopeSources(actor, q.source);
    const rows = await this.kpiRows(scope, q.now ?? this.now());
    return this.kpiViews(rows, scope);
  }

  /** Stored snapshots in [from, to] (oldest first), optionally with the KPIs computed now. */
  async kpis(actor: Actor, q: { source?: string; from?: string; to?: string; live?: boolean; limit?: number }): Promise<{ live: KpiView[] | null; snapshots: SnapshotView[] }> {
    actor.require('customers:read');
    const scope = await this.scopeSources(actor, q.source);
    const ids = scope.map((s) => s.id);
    const conds = [sql`true`];
    if (q.from) conds.push(sql`taken_at >= ${q.from}::timestamptz`);
    if (q.to) conds.push(sql`taken_at <= ${q.to}::timestamptz`);
    // The overall row covers every source, so it is shown only to actors who see every business area.
    if (q.source) conds.push(sql`source_id = ${ids[0]!}`);
    else if (actor.allAreas) conds.push(sql`(source_id is null or source_id = any(${sql.param(ids)}::text[]))`);
    else conds.push(sql`source_id = any(${sql.param(ids)}::text[])`);
    const list = await rows<{
      snapshot_id: string;
      taken_at: Date | string;
      trigger: SnapshotTrigger;
      source_id: string | null;
      record_count: number;
      completeness: number | null;
      validity: number | null;
      accuracy: number | null;
      uniqueness: number | null;
      freshness: number | null;
      details: { counts: KpiRow['counts']; context?: Record<string, unknown> };
    }>(
      this.database.db,
      sql`select * from quality_kpi_snapshots where ${sql.join(conds, sql` and `)} order by taken_at, id limit ${q.limit ?? 1000}`,
    );
    const names = new Map(scope.map((s) => [s.id, s.name]));
    const missing = [...new Set(list.map((r) => r.source_id).filter((id): id is string => id !== null && !names.has(id)))];
    for (const [id, s] of await this.sources.byIds(missing)) names.set(id, s.name);
    const snapshots = list.map((r) => ({
      snapshotId: r.snapshot_id,
      takenAt: new Date(r.taken_at).toISOString(),
      trigger: r.trigger,
      sourceId: r.source_id,
      sourceName: r.source_id ? (names.get(r.source_id) ?? null) : null,
      records: Number(r.record_count),
      completeness: num(r.completeness),
      validity: num(r.validity),
      accuracy: num(r.accuracy),
      uniqueness: num(r.uniqueness),
      freshness: num(r.freshness),
      counts: r.details.counts,
      context: r.details.context ?? {},
    }));
    const live = q.live ? this.kpiViews(await this.kpiRows(scope, this.now()), scope) : null;
    return { live, snapshots };
  }

  /**
   * Computes and stores a KPI snapshot. Called by imports (trigger 'import', scope = the imported source
   * and job: that source's row and the overall row are stored), the daily timer and POST …/snapshot
   * (every source and overall). No actor: it is a system job; routes authorize before calling it.
   */
  async snapshotKpis(trigger: SnapshotTrigger, scope: SnapshotScope = {}, now: Date = this.now()): Promise<{ snapshotId: string; takenAt: string; rows: KpiView[] }> {
    const all = await this.database.db.execute(sql`select * from sources where archived_at is null order by name`);
    const sources = (all as unknown as { rows: Record<string, unknown>[] }).rows.map((r) => ({ id: String(r.id), name: String(r.name), schemaId: String(r.schema_id) }));
    const kpiRows = await this.kpiRows(sources as SourceRow[], now);
    const keep = scope.sourceId ? kpiRows.filter((r) => r.sourceId === null || r.sourceId === scope.sourceId) : kpiRows;
    const snapshotId = randomUUID();
    const context: Record<string, unknown> = {};
    if (scope.sourceId) context.sourceId = scope.sourceId;
    if (scope.jobId) context.jobId = scope.jobId;
    await this.database.db.execute(sql`
      insert into quality_kpi_snapshots (snapshot_id, taken_at, trigger, source_id, record_count, completeness, validity, accuracy, uniqueness, freshness, details)
      select ${snapshotId}, ${now.toISOString()}::timestamptz, ${trigger}, u.source_id, u.records, u.c, u.v, u.a, u.u, u.f, u.details::jsonb
      from unnest(${sql.param(keep.map((r) => r.sourceId))}::text[], ${sql.param(keep.map((r) => r.records))}::int[],
                  ${sql.param(keep.map((r) => r.completeness))}::float8[], ${sql.param(keep.map((r) => r.validity))}::float8[],
                  ${sql.param(keep.map((r) => r.accuracy))}::float8[], ${sql.param(keep.map((r) => r.uniqueness))}::float8[],
                  ${sql.param(keep.map((r) => r.freshness))}::float8[], ${sql.param(keep.map((r) => JSON.stringify({ counts: r.counts, context })))}::text[])
           as u(source_id, records, c, v, a, u, f, details)`);
    return { snapshotId, takenAt: now.toISOString(), rows: this.kpiViews(keep, sources as SourceRow[]) };
  }

  /** POST /api/v1/quality/kpis/snapshot: a manual snapshot of every source. */
  async takeSnapshot(actor: Actor): Promise<{ snapshotId: string; takenAt: string; rows: KpiView[] }> {
    actor.require('records:write');
    if (!actor.allAreas) throw AppError.forbidden('Snapshots cover every business area; ask someone with access to all of them');
    return this.snapshotKpis('manual');
  }

  /** Valid records by quality, worst first: optionally at most `maxScore`, or with an attribute in a given state. */
  async records(actor: Actor, q: { source?: string; maxScore?: number; attribute?: string; status?: 'suspect' | 'invalid' | 'stale'; limit: number }): Promise<{ items: QualityRecordView[] }> {
    actor.require('customers:read');
    const scope = await this.scopeSources(actor, q.source);
    const conds = [sql`r.status = 'valid'`, sql`r.quality_score is not null`];
    if (q.source) conds.push(sql`r.source_id = ${scope[0]!.id}`);
    else if (!actor.allAreas) conds.push(sql`r.source_id = any(${sql.param(scope.map((s) => s.id))}::text[])`);
    if (q.maxScore !== undefined) conds.push(sql`r.quality_score <= ${q.maxScore}`);
    if (q.attribute && q.status) conds.push(sql`r.quality_issues @> array[${`${q.attribute}:${q.status}`}]::text[]`);
    else if (q.attribute) conds.push(sql`r.quality_issues && ${sql.param(['suspect', 'invalid', 'stale'].map((s) => `${q.attribute}:${s}`))}::text[]`);
    else if (q.status) conds.push(sql`exists (select 1 from unnest(r.quality_issues) i where i like ${`%:${q.status}`})`);
    const list = await rows<{ id: string; source_id: string; source_key: string; customer_id: string | null; quality_score: number; quality_computed_at: Date | string | null; quality_issues: string[] | null }>(
      this.database.db,
      sql`select r.id, r.source_id, r.source_key, r.customer_id, r.quality_score, r.quality_computed_at, r.quality_issues
          from source_records r where ${sql.join(conds, sql` and `)} order by r.quality_score, r.id limit ${q.limit}`,
    );
    const names = new Map(scope.map((s) => [s.id, s.name]));
    return {
      items: list.map((r) => ({
        recordId: r.id,
        sourceId: r.source_id,
        sourceName: names.get(r.source_id) ?? null,
        sourceKey: r.source_key,
        customerId: r.customer_id,
        score: Number(r.quality_score),
        computedAt: r.quality_computed_at ? new Date(r.quality_computed_at).toISOString() : null,
        issues: r.quality_issues ?? [],
      })),
    };
  }

  /** Values past their freshness period at `now` (oldest verification first), for re-verification. */
  async stale(actor: Actor, q: { source?: string; attribute?: string; limit: number; offset?: number; now?: Date }): Promise<{ items: StaleItemView[]; total: number }> {
    actor.require('customers:read');
    const now = q.now ?? this.now();
    const scope = await this.scopeSources(actor, q.source);
    const schemaRules = await this.rulesOf(scope);
    const a = { schema: [] as string[], name: [] as string[], months: [] as number[], cutoff: [] as string[] };
    for (const s of schemaRules) {
      for (const r of s.rules.attributes) {
        if (r.freshnessMonths === null || (q.attribute && r.name !== q.attribute)) continue;
        a.schema.push(s.schemaId);
        a.name.push(r.name);
        a.months.push(r.freshnessMonths);
        a.cutoff.push(freshnessCutoff(now, r.freshnessMonths).toISOString());
      }
    }
    if (a.name.length === 0 || scope.length === 0) return { items: [], total: 0 };
    const list = await rows<{ id: string; source_id: string; source_key: string; name: string; months: number; verified_at: string; verified_by: string | null; total: number }>(
      this.database.db,
      sql`
      with attrs as (
        select * from unnest(${sql.param(a.schema)}::text[], ${sql.param(a.name)}::text[], ${sql.param(a.months)}::int[], ${sql.param(a.cutoff)}::timestamptz[])
          as t(schema_id, name, months, cutoff)
      )
      select r.id, r.source_id, r.source_key, a.name, a.months, r.verification->a.name->>'verifiedAt' verified_at,
             r.verification->a.name->>'verifiedBy' verified_by, count(*) over ()::int total
      from source_records r join attrs a on a.schema_id = r.schema_id
      where r.status = 'valid' and r.source_id = any(${sql.param(scope.map((s) => s.id))}::text[])
        and coalesce(r."values"->a.name, 'null'::jsonb) <> 'null'::jsonb
        and (r.verification->a.name->>'verifiedAt')::timestamptz < a.cutoff
      order by (r.verification->a.name->>'verifiedAt')::timestamptz, r.id, a.name
      limit ${q.limit} offset ${q.offset ?? 0}`,
    );
    const names = new Map(scope.map((s) => [s.id, s.name]));
    return {
      total: Number(list[0]?.total ?? 0),
      items: list.map((r) => ({
        recordId: r.id,
        sourceId: r.source_id,
        sourceName: names.get(r.source_id) ?? null,
        sourceKey: r.source_key,
        attribute: r.name,
        verifiedAt: new Date(r.verified_at).toISOString(),
        verifiedBy: r.verified_by,
        freshnessMonths: Number(r.months),
        staleSince: addMonths(new Date(r.verified_at), Number(r.months)).toISOString(),
      })),
    };
  }

  /** A schema's effective quality rules and the stored overrides. */
  async getRules(actor: Actor, schemaRef: string): Promise<RulesView> {
    actor.require('customers:read');
    const schema = await this.schemas.resolveId(actor, schemaRef);
    const version = await this.schemas.currentVersionOf(schema.id);
    const [row] = await rows<{ rules: unknown; updated_at: Date | string; updated_by: string | null }>(this.database.db, sql`select * from quality_rules where schema_id = ${schema.id}`);
    const overrides = row ? qualityRulesBody.parse(row.rules) : { freshness: {} };
    return rulesView(schema.id, schema.name, overrides, resolveRules(version.definition, overrides), row ?? null);
  }

  /** Replaces a schema's rule overrides (audited) and rescores its records with them. */
  async putRules(actor: Actor, schemaRef: string, input: unknown): Promise<RulesView & { rescored: number }> {
    actor.require('records:write');
    const body = parseOrThrow(qualityRulesBody, input, 'quality rules');
    const schema = await this.schemas.resolveId(actor, schemaRef);
    const version = await this.schemas.currentVersionOf(schema.id);
    const known = new Set(version.definition.attributes.map((a) => a.name));
    const details = [
      ...Object.keys(body.freshness).filter((n) => !known.has(n)).map((n) => ({ field: `freshness.${n}`, rule: 'unknown_attribute', message: `schema ${schema.name} has no attribute "${n}"` })),
      ...(body.important ?? []).filter((n) => !known.has(n)).map((n) => ({ field: 'important', rule: 'unknown_attribute', message: `schema ${schema.name} has no attribute "${n}"` })),
    ];
    if (details.length > 0) throw AppError.validation('Invalid quality rules', details);
    const by = actor.id ?? actor.name;
    await this.database.db.transaction(async (tx) => {
      const before = await loadRuleOverrides(tx, schema.id);
      await tx.execute(sql`
        insert into quality_rules (schema_id, rules, updated_at, updated_by) values (${schema.id}, ${JSON.stringify(body)}::jsonb, now(), ${by})
        on conflict (schema_id) do update set rules = excluded.rules, updated_at = now(), updated_by = excluded.updated_by`);
      await this.audit.append(tx, actor, { action: 'quality.rules.update', entityType: 'schema', entityId: schema.id, payload: { before, after: body } });
    });
    const rescored = await this.rescore({ schemaId: schema.id });
    return { ...(await this.getRules(actor, schema.id)), rescored };
  }

  /** Recomputes stored scores and issues of a source's valid records with the current rules and clock. */
  async recomputeScores(actor: Actor, sourceRef: string, now: Date = this.now()): Promise<{ rescored: number }> {
    actor.require('records:write');
    const source = await this.sources.resolve(actor, sourceRef);
    return { rescored: await this.rescore({ sourceId: source.id }, now) };
  }

  /**
   * Decay: rescoring records with a value that went stale since its score was computed, so the stored
   * score and the "attr:stale" issues stay true as time passes. Runs before every daily snapshot.
   */
  async refreshDecay(now: Date = this.now()): Promise<{ rescored: number }> {
    const sources = (await rows<{ id: string; schema_id: string }>(this.database.db, sql`select id, schema_id from sources`)) as { id: string; schema_id: string }[];
    const schemaRules = await this.rulesOf(sources.map((s) => ({ schemaId: s.schema_id }) as SourceRow));
    const a = { schema: [] as string[], name: [] as string[], cutoff: [] as string[] };
    for (const s of schemaRules) {
      for (const r of s.rules.attributes) {
        if (r.freshnessMonths === null) continue;
        a.schema.push(s.schemaId);
        a.name.push(r.name);
        a.cutoff.push(freshnessCutoff(now, r.freshnessMonths).toISOString());
      }
    }
    if (a.name.length === 0) return { rescored: 0 };
    const ids = await rows<{ id: string }>(
      this.database.db,
      sql`
      with attrs as (select * from unnest(${sql.param(a.schema)}::text[], ${sql.param(a.name)}::text[], ${sql.param(a.cutoff)}::timestamptz[]) as t(schema_id, name, cutoff))
      select distinct r.id from source_records r join attrs a on a.schema_id = r.schema_id
      where r.status = 'valid' and r.verification ? a.name and (r.verification->a.name->>'verifiedAt')::timestamptz < a.cutoff
        and not coalesce(r.quality_issues @> array[a.name || ':stale'], false)`,
    );
    return { rescored: await this.rescore({ recordIds: ids.map((r) => r.id) }, now) };
  }

  /** Rescoring in pages: read values + verification, score in JS, write back set-based. */
  private async rescore(scope: { schemaId?: string; sourceId?: string; recordIds?: string[] }, now: Date = this.now()): Promise<number> {
    if (scope.recordIds && scope.recordIds.length === 0) return 0;
    const rulesCache = new Map<string, ResolvedRules>();
    let after = '';
    let total = 0;
    for (;;) {
      const conds = [sql`status = 'valid'`, sql`id > ${after}`];
      if (scope.schemaId) conds.push(sql`schema_id = ${scope.schemaId}`);
      if (scope.sourceId) conds.push(sql`source_id = ${scope.sourceId}`);
      if (scope.recordIds) conds.push(sql`id = any(${sql.param(scope.recordIds)}::text[])`);
      const page = await rows<{ id: string; schema_id: string; values: Record<string, unknown> | null; verification: VerificationMap | null }>(
        this.database.db,
        sql`select id, schema_id, "values", verification from source_records where ${sql.join(conds, sql` and `)} order by id limit ${RESCORE_PAGE}`,
      );
      if (page.length === 0) break;
      const scored: { id: string; score: number; issues: string | null }[] = [];
      for (const r of page) {
        let rules = rulesCache.get(r.schema_id);
        if (!rules) {
          const v = await this.schemas.currentVersionOf(r.schema_id);
          rules = resolveRules(v.definition, await loadRuleOverrides(this.database.db, r.schema_id));
          rulesCache.set(r.schema_id, rules);
        }
        const s = scoreRecord(rules, r.values ?? {}, r.verification ?? {}, now);
        scored.push({ id: r.id, score: s.score, issues: s.issues.length > 0 ? s.issues.join(',') : null });
      }
      await this.database.db.execute(sql`
        update source_records r set quality_score = u.score::smallint, quality_issues = string_to_array(u.issues, ','), quality_computed_at = ${now.toISOString()}::timestamptz
        from unnest(${sql.param(scored.map((s) => s.id))}::text[], ${sql.param(scored.map((s) => s.score))}::int[], ${sql.param(scored.map((s) => s.issues))}::text[]) as u(id, score, issues)
        where r.id = u.id`);
      total += page.length;
      after = page[page.length - 1]!.id;
      if (page.length < RESCORE_PAGE) break;
    }
    return total;
  }

  private async kpiRows(scope: Pick<SourceRow, 'id' | 'schemaId'>[], now: Date): Promise<KpiRow[]> {
    return computeKpiRows(this.database, scope.map((s) => s.id), await this.rulesOf(scope), now);
  }

  private kpiViews(list: KpiRow[], scope: Pick<SourceRow, 'id' | 'name'>[]): KpiView[] {
    const names = new Map(scope.map((s) => [s.id, s.name]));
    return list.map((r) => ({ ...r, sourceName: r.sourceId ? (names.get(r.sourceId) ?? null) : null }));
  }

  /** The sources an actor may see (all, or the one named), sorted by name. */
  private async scopeSources(actor: Actor, sourceRef?: string): Promise<SourceRow[]> {
    if (sourceRef) return [await this.sources.resolve(actor, sourceRef)];
    const list = await rows<{ id: string; name: string; schema_id: string; business_area_id: string }>(this.database.db, sql`select id, name, schema_id, business_area_id from sources order by name`);
    return list.filter((s) => actor.inArea(s.business_area_id)).map((s) => ({ id: s.id, name: s.name, schemaId: s.schema_id, businessAreaId: s.business_area_id }) as SourceRow);
  }

  private async rulesOf(scope: Pick<SourceRow, 'schemaId'>[]): Promise<SchemaRules[]> {
    const out: SchemaRules[] = [];
    for (const schemaId of new Set(scope.map((s) => s.schemaId))) {
      const v = await this.schemas.currentVersionOf(schemaId);
      out.push({ schemaId, rules: resolveRules(v.definition, await loadRuleOverrides(this.database.db, schemaId)) });
    }
    return out;
  }
}

function num(v: number | string | null): number | null {
  return v === null ? null : Number(v);
}

function addMonths(d: Date, months: number): Date {
  // Inverse of freshnessCutoff: the day is clamped to the target month's length.
  const target = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, 1));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  return new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth(), Math.min(d.getUTCDate(), lastDay), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds()));
}

function rulesView(
  schemaId: string,
  schemaName: string,
  overrides: QualityRules,
  resolved: ResolvedRules,
  row: { updated_at: Date | string; updated_by: string | null } | null,
): RulesView {
  return {
    schemaId,
    schemaName,
    overrides,
    attributes: resolved.attributes.map((a) => ({ ...a })),
    updatedAt: row ? new Date(row.updated_at).toISOString() : null,
    updatedBy: row?.updated_by ?? null,
  };
}

export type { SchemaDefinition };
