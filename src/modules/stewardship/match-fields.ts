import type { MatchRecord, Role, RoleMapping } from '../matching/engine/index.js';
import { detectRoles } from '../matching/engine/index.js';
import type { SchemaDefinition } from '../schemas/index.js';

// Attribute types whose values the engine can compare as text (address objects and numbers are left out).
const COMPARABLE = new Set(['text', 'email', 'phone', 'date', 'identifier', 'country', 'enum']);

/** Engine roles of a schema's attributes, detected from their names (unrecognised attributes are ignored). */
export function rolesOf(definition: SchemaDefinition): RoleMapping {
  const names = definition.attributes.filter((a) => COMPARABLE.has(a.type)).map((a) => a.name);
  const { roles } = detectRoles(names, null);
  // A free-text role would compare anything; only person attributes take part.
  for (const [col, role] of Object.entries(roles)) if (role === 'text') delete roles[col];
  return roles;
}

/** A stored record's validated values as the engine's input. */
export function toMatchRecord(id: string, values: Record<string, unknown>, roles: RoleMapping): MatchRecord {
  const fields: Record<string, string | null> = {};
  for (const col of Object.keys(roles)) {
    const v = values[col];
    fields[col] = v === null || v === undefined ? null : typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : null;
  }
  return { id, fields };
}

/** A stable key for a role mapping (models and indexes are per mapping). */
export function rolesKey(roles: RoleMapping): string {
  return Object.entries(roles)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([c, r]) => `${c}=${r}`)
    .join(',');
}

export type { Role };
