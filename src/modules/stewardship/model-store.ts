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
// Which model is active, per schema, for match on arrival's hot path: activations through this process
// clear it at once, another process's within ACTIVE_TTL_MS.
const ACTIVE_TTL_MS = 2000;
const activeRow = new Map<string, { at: number; row: { id: string; version: number } | undefined }>();

export function forgetActiveModel(schemaId: string): void {
  activeRow.delete(schemaId);
}

/** The schema's active model (cached by id; only the id is read per call, or not even that with `cached`). */
export async function activeModel(ex: Executor, schemaId: string, roles: RoleMapping, opts: { cached?: boolean } = {}): Promise<ActiveModel> {
  const hit = opts.cached ? activeRow.get(schemaId) : undefined;
  let row: { id: string; version: number } | undefined;
  if (hit && Date.now() - hit.at < ACTIVE_TTL_MS) row = hit.row;
  else {
    [row] = await rows<{ id: string; version: number }>(ex, sql`select id, version from match_models where schema_id = ${schemaId} and active limit 1`);
    activeRow.set(schemaId, { at: Date.now(), row });
  }
  if (!row) return { id: `bootstrap:${rolesKey(roles)}`, version: null, model: await bootstrapModel(roles) };
  let model = byId.get(row.id);
  if (!model) {
    const [m] = await rows<{ model: unknown }>(ex, sql`select model from match_models where id = ${row.id}`);
    model = modelFromJson(JSON.stringify(m!.model));
    byId.set(row.id, model);
  }
  return { id: row.id, version: Number(row.version), model };
}
