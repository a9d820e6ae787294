import { sql } from 'drizzle-orm';
import type { Executor } from '../../platform/db/database.js';
import { rows } from '../../platform/db/database.js';
import type { MatchModel, RoleMapping } from '../matching/engine/index.js';
import { modelFromJson } from '../matching/engine/index.js';
import { bootstrapModel } from './bootstrap-model.js';
import { rolesKey } from './match-fields.js';

/** The model matching uses for a schema: its active trained version, else the bootstrap model. */
export type ActiveModel = { id: string; version: number | null; model: MatchModel };

const byId = new Map<string, MatchModel>();

/** The schema's active model (cached by id; only the id is read per call). */
export async function activeModel(ex: Executor, schemaId: string, roles: RoleMapping): Promise<ActiveModel> {
  const [row] = await rows<{ id: string; version: number }>(ex, sql`select id, version from match_models where schema_id = ${schemaId} and active limit 1`);
  if (!row) return { id: `bootstrap:${rolesKey(roles)}`, version: null, model: await bootstrapModel(roles) };
  let model = byId.get(row.id);
  if (!model) {
    const [m] = await rows<{ model: unknown }>(ex, sql`select model from match_models where id = ${row.id}`);
    model = modelFromJson(JSON.stringify(m!.model));
    byId.set(row.id, model);
  }
  return { id: row.id, version: Number(row.version), model };
}
