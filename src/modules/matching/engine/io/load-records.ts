import type { CsvTable } from './csv.js';
import { detectRoles } from '../roles.js';
import type { MatchRecord, Role, RoleMapping } from '../types.js';

/** Input problem that should end the CLI with a clear message and a non-zero exit. */
export class InputError extends Error {}

/** Records of a CSV table plus the role mapping decided for it. */
export interface LoadedInput {
  records: MatchRecord[];
  roles: RoleMapping;
  warnings: string[];
}

/**
 * Validate a table and turn it into records: id column present, ids unique and non-empty,
 * at least one column with a recognisable role and some data. Unrecognised or empty columns
 * are ignored with a warning; explicitly mapped empty columns are an error.
 */
export function recordsFromTable(name: string, t: CsvTable, idColumn: string, explicit: RoleMapping): LoadedInput {
  if (t.header.length === 0 || t.rows === 0) throw new InputError(`${name}: the file is empty (a header and at least one record are required)`);
  const idIdx = t.header.indexOf(idColumn);
  if (idIdx < 0) throw new InputError(`${name}: id column "${idColumn}" not found; columns are: ${t.header.join(', ')}`);
  for (const c of Object.keys(explicit)) {
    if (!t.header.includes(c)) throw new InputError(`${name}: --map refers to unknown column "${c}"`);
    if (c === idColumn) throw new InputError(`${name}: the id column "${c}" cannot be used as a matching feature`);
  }
  const ids = t.columns[idIdx]!;
  const seen = new Set<string>();
  const dups: string[] = [];
  for (let r = 0; r < ids.length; r++) {
    const id = ids[r]!;
    if (id === '') throw new InputError(`${name}: record on data line ${r + 1} has an empty id in column "${idColumn}"`);
    if (seen.has(id) && dups.length < 5) dups.push(id);
    seen.add(id);
  }
  if (dups.length > 0) throw new InputError(`${name}: duplicate ids in column "${idColumn}": ${dups.join(', ')}`);
  const warnings: string[] = [];
  const { roles, unrecognised } = detectRoles(t.header, idColumn, explicit);
  if (unrecognised.length > 0) warnings.push(`${name}: ignoring column(s) with no recognisable role: ${unrecognised.join(', ')} (use --map column=role)`);
  const usable: RoleMapping = {};
  for (const [c, role] of Object.entries(roles) as Array<[string, Role]>) {
    const col = t.columns[t.header.indexOf(c)]!;
    if (col.some((v) => v !== '')) usable[c] = role;
    else if (explicit[c]) throw new InputError(`${name}: column "${c}" (mapped to ${role}) is empty in every record`);
    else warnings.push(`${name}: ignoring column "${c}": it is empty in every record`);
  }
  if (Object.keys(roles).length === 0) throw new InputError(`${name}: no column has a recognisable role (columns: ${t.header.join(', ')}); map them with --map column=role`);
  if (Object.keys(usable).length === 0) throw new InputError(`${name}: every column with a role is empty; nothing to match on`);
  const cols = Object.keys(usable).map((c) => [c, t.columns[t.header.indexOf(c)]!] as const);
  const records: MatchRecord[] = new Array(t.rows);
  for (let r = 0; r < t.rows; r++) {
    const fields: Record<string, string | null> = {};
    for (const [c, col] of cols) {
      const v = col[r]!;
      fields[c] = v === '' ? null : v;
    }
    records[r] = { id: ids[r]!, fields };
  }
  return { records, roles: usable, warnings };
}
