import type { SQL } from 'drizzle-orm';
import { asc, eq, getTableColumns, sql } from 'drizzle-orm';
import type { Actor } from '../../platform/auth/actor.js';
import type { Database, Executor } from '../../platform/db/database.js';
import { AppError } from '../../platform/errors/app-error.js';
import { parseOrThrow } from '../../platform/errors/zod-details.js';
import { newId } from '../../platform/ids.js';
import type { AuditService } from '../audit/index.js';
import type { GovernanceService } from '../governance/index.js';
import type { SchemasService } from '../schemas/index.js';
import type { SourceView } from './sources.schemas.js';
import { createSourceBody, updateSourceBody } from './sources.schemas.js';
import { sources } from './sources.tables.js';

export type SourceRow = typeof sources.$inferSelect;

/** Registered data sources (datasets) with their provenance and trust rank. */
export class SourcesService {
  constructor(
    private readonly database: Database,
    private readonly audit: AuditService,
    private readonly governance: GovernanceService,
    private readonly schemasService: SchemasService,
  ) {}

  async create(actor: Actor, input: unknown): Promise<SourceView> {
    actor.require('sources:write');
    const body = parseOrThrow(createSourceBody, input, 'source');
    return this.database.db.transaction(async (tx) => {
      const schema = await this.schemasService.resolveId(actor, body.schema, tx).catch(() => {
        throw AppError.validation('Unknown schema', [{ field: 'schema', rule: 'exists', message: `no schema ${body.schema}` }]);
      });
      const areaId = body.businessArea ? (await this.governance.getBusinessArea(actor, body.businessArea, tx)).id : schema.businessAreaId;
      actor.requireArea(areaId);
      const clash = await tx.select({ id: sources.id }).from(sources).where(eq(sources.name, body.name));
      if (clash.length > 0) throw AppError.conflict(`Source "${body.name}" already exists`, [{ field: 'name', rule: 'unique', message: 'already exists' }]);
      const [row] = await tx
        .insert(sources)
        .values({
          id: newId('source'),
          name: body.name,
          description: body.description ?? null,
          businessAreaId: areaId,
          schemaId: schema.id,
          systemType: body.systemType,
          owner: body.owner ?? null,
          collectionMethod: body.collectionMethod ?? null,
          collectedFrom: body.collectedFrom ? new Date(body.collectedFrom) : null,
          collectedTo: body.collectedTo ? new Date(body.collectedTo) : null,
          refreshFrequency: body.refreshFrequency ?? null,
          dataNature: body.dataNature ?? 'factual',
          privacyTerms: body.privacyTerms ?? null,
          licence: body.licence ?? null,
          trustRank: body.trustRank ?? 50,
          defaultRegion: body.defaultRegion ?? null,
        })
        .returning();
      const view = sourceView(row!);
      await this.audit.append(tx, actor, { action: 'source.create', entityType: 'source', entityId: view.id, payload: { after: view } });
      return view;
    });
  }

  async list(actor: Actor): Promise<SourceView[]> {
    actor.require('sources:read');
    const list = await this.database.db.select().from(sources).orderBy(asc(sources.name));
    return list.filter((s) => actor.inArea(s.businessAreaId)).map(sourceView);
  }

  async get(actor: Actor, idOrName: string): Promise<SourceView> {
    actor.require('sources:read');
    return sourceView(await this.resolve(actor, idOrName));
  }

  async update(actor: Actor, idOrName: string, input: unknown): Promise<SourceView> {
    actor.require('sources:write');
    const body = parseOrThrow(updateSourceBody, input, 'source update');
    return this.database.db.transaction(async (tx) => {
      const before = await this.resolve(actor, idOrName, tx);
      const patch: Partial<typeof sources.$inferInsert> = { updatedAt: new Date() };
      for (const key of ['description', 'owner', 'collectionMethod', 'refreshFrequency', 'privacyTerms', 'licence', 'defaultRegion'] as const) {
        if (body[key] !== undefined) patch[key] = body[key];
      }
      if (body.collectedFrom !== undefined) patch.collectedFrom = body.collectedFrom ? new Date(body.collectedFrom) : null;
      if (body.collectedTo !== undefined) patch.collectedTo = body.collectedTo ? new Date(body.collectedTo) : null;
      if (body.dataNature !== undefined) patch.dataNature = body.dataNature;
      if (body.trustRank !== undefined) patch.trustRank = body.trustRank;
      if (body.archived !== undefined) patch.archivedAt = body.archived ? (before.archivedAt ?? new Date()) : null;
      const [row] = await tx.update(sources).set(patch).where(eq(sources.id, before.id)).returning();
      const view = sourceView(row!);
      await this.audit.append(tx, actor, { action: 'source.update', entityType: 'source', entityId: view.id, payload: { before: sourceView(before), after: view } });
      return view;
    });
  }

  /** Finds a source by id or name within the actor's business areas (an id match wins over a name). */
  async resolve(actor: Actor, idOrName: string, ex?: Executor): Promise<SourceRow> {
    const [row] = await (ex ?? this.database.db)
      .select()
      .from(sources)
      .where(sql`${sources.id} = ${idOrName} or ${sources.name} = ${idOrName}`)
      .orderBy(sql`${sources.id} = ${idOrName} desc`)
      .limit(1);
    if (!row || !actor.inArea(row.businessAreaId)) throw AppError.notFound('Source', idOrName);
    return row;
  }

  /**
   * A select of one source (as JSON, in a column `source`) and its schema's current version (`head`), for a
   * caller to embed in a statement of its own: a write needs both, and every statement of a write costs a round
   * trip. Hand the row to `headedSource`, which maps and authorizes it like `resolve`.
   */
  headedSourceSql(idOrName: string): SQL {
    // An id match wins should another source be named like an id.
    return sql`select row_to_json(s) as source, h.current_version as head from sources s join schemas h on h.id = s.schema_id
               where s.id = ${idOrName} or s.name = ${idOrName} order by s.id = ${idOrName} desc limit 1`;
  }

  /** The source and schema version a `headedSourceSql` select returned (nothing: not found), checked against the actor's areas. */
  headedSource(actor: Actor, idOrName: string, row: { source: Record<string, unknown> | null; head: number | null } | undefined): { source: SourceRow; schemaVersion: number } {
    const source = row?.source ? sourceFromJson(row.source) : null;
    if (!source || !actor.inArea(source.businessAreaId)) throw AppError.notFound('Source', idOrName);
    return { source, schemaVersion: Number(row!.head) };
  }

  async byIds(ids: string[], ex?: Executor): Promise<Map<string, SourceRow>> {
    if (ids.length === 0) return new Map();
    const list = await (ex ?? this.database.db).select().from(sources).where(sql`${sources.id} = any(${sql.param(ids)}::text[])`);
    return new Map(list.map((s) => [s.id, s]));
  }
}

function iso(d: Date | null): string | null {
  return d ? d.toISOString() : null;
}

// A sources row as row_to_json gives it (column names, timestamps as text), mapped as drizzle maps a selected row.
function sourceFromJson(json: Record<string, unknown>): SourceRow {
  const out: Record<string, unknown> = {};
  for (const [key, col] of Object.entries(getTableColumns(sources))) {
    const v = json[col.name];
    out[key] = v === null || v === undefined ? null : col.mapFromDriverValue(v);
  }
  return out as SourceRow;
}

export function sourceView(r: SourceRow): SourceView {
  return {
    id: r.id,
    name: r.name,
    description: r.description,
    businessAreaId: r.businessAreaId,
    schemaId: r.schemaId,
    systemType: r.systemType,
    owner: r.owner,
    collectionMethod: r.collectionMethod,
    collectedFrom: iso(r.collectedFrom),
    collectedTo: iso(r.collectedTo),
    refreshFrequency: r.refreshFrequency,
    dataNature: r.dataNature,
    privacyTerms: r.privacyTerms,
    licence: r.licence,
    trustRank: r.trustRank,
    defaultRegion: r.defaultRegion,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
    archived: r.archivedAt !== null,
  };
}
