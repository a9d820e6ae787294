import { and, asc, desc, eq, sql } from 'drizzle-orm';
import type { Actor } from '../../platform/auth/actor.js';
import type { Database, Executor } from '../../platform/db/database.js';
import { AppError } from '../../platform/errors/app-error.js';
import { parseOrThrow } from '../../platform/errors/zod-details.js';
import { newId } from '../../platform/ids.js';
import { canonicalJson } from '../../platform/canonical-json.js';
import type { AuditService } from '../audit/index.js';
import type { GovernanceService } from '../governance/index.js';
import type { SchemaDefinition } from './definition.js';
import { schemaDefinitionSchema } from './definition.js';
import { compileSchema, type CompiledSchema } from './validation/index.js';
import type { SchemaVersionView, SchemaView } from './schemas.schemas.js';
import { createSchemaBody, updateSchemaBody } from './schemas.schemas.js';
import { schemas, schemaVersions } from './schemas.tables.js';

type SchemaRow = typeof schemas.$inferSelect;
export type LoadedSchemaVersion = { schemaId: string; version: number; definition: SchemaDefinition; compiled: CompiledSchema };

/** Customer schemas: versioned attribute definitions that records are validated against. */
export class SchemasService {
  // Versions never change once written, so compiled validators can be cached forever.
  private readonly versionCache = new Map<string, LoadedSchemaVersion>();

  constructor(
    private readonly database: Database,
    private readonly audit: AuditService,
    private readonly governance: GovernanceService,
  ) {}

  async create(actor: Actor, input: unknown): Promise<SchemaView & { definition: SchemaDefinition }> {
    actor.require('schemas:write');
    const body = parseOrThrow(createSchemaBody, input, 'schema');
    const definition = parseOrThrow(schemaDefinitionSchema, body.definition, 'schema definition', 'definition');
    return this.database.db.transaction(async (tx) => {
      const areaId = body.businessArea
        ? (await this.governance.getBusinessArea(actor, body.businessArea, tx)).id
        : await this.governance.ensureBusinessArea(tx, 'default');
      actor.requireArea(areaId);
      const clash = await tx.select({ id: schemas.id }).from(schemas).where(eq(schemas.name, body.name));
      if (clash.length > 0) throw AppError.conflict(`Schema "${body.name}" already exists`, [{ field: 'name', rule: 'unique', message: 'already exists' }]);
      const id = newId('schema');
      const [row] = await tx
        .insert(schemas)
        .values({ id, name: body.name, description: body.description ?? null, businessAreaId: areaId, currentVersion: 1 })
        .returning();
      await tx.insert(schemaVersions).values({ schemaId: id, version: 1, definition, changeNote: 'created', createdBy: actor.id ?? actor.name });
      await this.audit.append(tx, actor, { action: 'schema.create', entityType: 'schema', entityId: id, payload: { after: { ...schemaView(row!), definition } } });
      return { ...schemaView(row!), definition };
    });
  }

  async list(actor: Actor): Promise<SchemaView[]> {
    actor.require('schemas:read');
    const list = await this.database.db.select().from(schemas).orderBy(asc(schemas.name));
    return list.filter((s) => actor.inArea(s.businessAreaId)).map(schemaView);
  }

  async get(actor: Actor, idOrName: string): Promise<SchemaView & { definition: SchemaDefinition }> {
    actor.require('schemas:read');
    const row = await this.findRow(this.database.db, idOrName);
    if (!row || !actor.inArea(row.businessAreaId)) throw AppError.notFound('Schema', idOrName);
    const v = await this.loadVersion(row.id, row.currentVersion);
    return { ...schemaView(row), definition: v.definition };
  }

  async listVersions(actor: Actor, idOrName: string): Promise<SchemaVersionView[]> {
    const s = await this.get(actor, idOrName);
    const list = await this.database.db
      .select()
      .from(schemaVersions)
      .where(eq(schemaVersions.schemaId, s.id))
      .orderBy(desc(schemaVersions.version));
    return list.map(versionView);
  }

  async getVersion(actor: Actor, idOrName: string, version: number): Promise<SchemaVersionView> {
    const s = await this.get(actor, idOrName);
    const [row] = await this.database.db
      .select()
      .from(schemaVersions)
      .where(and(eq(schemaVersions.schemaId, s.id), eq(schemaVersions.version, version)));
    if (!row) throw AppError.notFound('Schema version', `${s.name}@${version}`);
    return versionView(row);
  }

  /** A changed definition becomes a new version; records keep the version they were validated with. */
  async update(actor: Actor, idOrName: string, input: unknown): Promise<SchemaView & { definition: SchemaDefinition; created: boolean }> {
    actor.require('schemas:write');
    const body = parseOrThrow(updateSchemaBody, input, 'schema update');
    const definition = parseOrThrow(schemaDefinitionSchema, body.definition, 'schema definition', 'definition');
    return this.database.db.transaction(async (tx) => {
      const before = await this.findRow(tx, idOrName, true);
      if (!before || !actor.inArea(before.businessAreaId)) throw AppError.notFound('Schema', idOrName);
      const current = await this.loadVersion(before.id, before.currentVersion, tx);
      if (canonicalJson(current.definition) === canonicalJson(definition) && body.description === undefined) {
        return { ...schemaView(before), definition, created: false };
      }
      const changed = canonicalJson(current.definition) !== canonicalJson(definition);
      const version = changed ? before.currentVersion + 1 : before.currentVersion;
      if (changed) {
        await tx.insert(schemaVersions).values({
          schemaId: before.id,
          version,
          definition,
          changeNote: body.changeNote ?? null,
          createdBy: actor.id ?? actor.name,
        });
      }
      const [row] = await tx
        .update(schemas)
        .set({ currentVersion: version, description: body.description ?? before.description, updatedAt: new Date() })
        .where(eq(schemas.id, before.id))
        .returning();
      await this.audit.append(tx, actor, {
        action: 'schema.update',
        entityType: 'schema',
        entityId: before.id,
        payload: { before: { ...schemaView(before), definition: current.definition }, after: { ...schemaView(row!), definition } },
      });
      return { ...schemaView(row!), definition, created: changed };
    });
  }

  /** The compiled validator of one version (cached). */
  async loadVersion(schemaId: string, version: number, ex?: Executor): Promise<LoadedSchemaVersion> {
    const key = `${schemaId}@${version}`;
    const hit = this.versionCache.get(key);
    if (hit) return hit;
    const [row] = await (ex ?? this.database.db)
      .select()
      .from(schemaVersions)
      .where(and(eq(schemaVersions.schemaId, schemaId), eq(schemaVersions.version, version)));
    if (!row) throw AppError.notFound('Schema version', key);
    const definition = schemaDefinitionSchema.parse(row.definition);
    const loaded = { schemaId, version, definition, compiled: compileSchema(definition) };
    this.versionCache.set(key, loaded);
    return loaded;
  }

  async currentVersionOf(schemaId: string, ex?: Executor): Promise<LoadedSchemaVersion> {
    const [row] = await (ex ?? this.database.db).select({ v: schemas.currentVersion }).from(schemas).where(eq(schemas.id, schemaId));
    if (!row) throw AppError.notFound('Schema', schemaId);
    return this.loadVersion(schemaId, row.v, ex);
  }

  async resolveId(actor: Actor, idOrName: string, ex?: Executor): Promise<SchemaRow> {
    const row = await this.findRow(ex ?? this.database.db, idOrName);
    if (!row || !actor.inArea(row.businessAreaId)) throw AppError.notFound('Schema', idOrName);
    return row;
  }

  private async findRow(ex: Executor, idOrName: string, forUpdate = false): Promise<SchemaRow | undefined> {
    const q = ex.select().from(schemas).where(sql`${schemas.id} = ${idOrName} or ${schemas.name} = ${idOrName}`);
    const [row] = forUpdate ? await q.for('update') : await q;
    return row;
  }
}

function schemaView(r: SchemaRow): SchemaView {
  return {
    id: r.id,
    name: r.name,
    description: r.description,
    businessAreaId: r.businessAreaId,
    currentVersion: r.currentVersion,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}

function versionView(r: typeof schemaVersions.$inferSelect): SchemaVersionView {
  return {
    schemaId: r.schemaId,
    version: r.version,
    definition: r.definition,
    changeNote: r.changeNote,
    createdAt: r.createdAt.toISOString(),
    createdBy: r.createdBy,
  };
}
