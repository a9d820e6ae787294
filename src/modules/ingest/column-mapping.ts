import type { SchemaDefinition } from '../schemas/index.js';

/** Groups of column names that mean the same thing; the first entry of a group is only a label. */
export const SYNONYM_GROUPS: readonly (readonly string[])[] = [
  ['first_name', 'firstname', 'given_name', 'givenname', 'forename', 'fname', 'first', 'prenom', 'vorname'],
  ['middle_name', 'middlename', 'middle', 'middle_initial', 'mname'],
  ['last_name', 'lastname', 'surname', 'family_name', 'familyname', 'lname', 'last', 'nom', 'nachname'],
  ['full_name', 'fullname', 'name', 'customer_name', 'display_name'],
  ['birth_date', 'date_of_birth', 'dob', 'birthdate', 'birthday', 'born', 'd_o_b', 'geburtsdatum'],
  ['email', 'e_mail', 'email_address', 'mail', 'emailaddress'],
  ['phone', 'phone_number', 'telephone', 'tel', 'mobile', 'mobile_phone', 'cell', 'phonenumber'],
  ['gender', 'sex'],
  ['postcode', 'zip', 'zipcode', 'zip_code', 'postal_code', 'postalcode', 'post_code', 'plz'],
  ['street', 'street_address', 'address_line_1', 'address_line1', 'address1', 'addr1', 'line1'],
  ['address_line_2', 'address_line2', 'address2', 'addr2', 'line2'],
  ['city', 'town', 'locality', 'ort'],
  ['state', 'region', 'province', 'county', 'state_province'],
  ['country', 'country_code', 'nation'],
  ['loyalty_id', 'loyalty_card', 'loyalty_number', 'loyalty_card_number', 'member_number', 'membership_number'],
  ['company', 'company_name', 'organisation', 'organization', 'employer'],
];

/** Column names taken as the source key when no `--key` is given, in order of preference. */
export const KEY_COLUMN_NAMES: readonly string[] = [
  'customer_id', 'customer_number', 'customer_no', 'customer_key', 'cust_id', 'client_id', 'external_id',
  'source_key', 'record_id', 'account_id', 'account_number', 'member_id', 'id', 'key',
];

// Address parts fill an `address` attribute when the schema has no attribute of that name itself.
const ADDRESS_PARTS: Record<string, string> = {
  street: 'line1',
  address_line_2: 'line2',
  city: 'city',
  state: 'region',
  postcode: 'postcode',
  country: 'country',
};

/** Lowercase, accents removed, runs of non-alphanumerics as one `_`: "E-Mail Address" → "e_mail_address". */
export function normaliseHeader(h: string): string {
  return h
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

const GROUP_OF = new Map<string, readonly string[]>();
for (const g of SYNONYM_GROUPS) for (const name of g) GROUP_OF.set(name, g);

/** Where a column's values go: an attribute, a part of an address attribute, extras, or the key. */
export type ColumnTarget =
  | { kind: 'attribute'; attribute: string }
  | { kind: 'address'; attribute: string; part: string }
  | { kind: 'extra'; name: string }
  | { kind: 'key' };

export type MappingOptions = {
  /** Explicit `column=attribute` overrides (column by exact or normalised name). */
  map?: Record<string, string>;
  /** The key column (exact or normalised name); default: the first of KEY_COLUMN_NAMES present. */
  key?: string;
};

export type ColumnMapping = {
  /** Which column holds the source key (name as in the file), or null when none was found. */
  keyColumn: string | null;
  /** The key column's value also feeds this attribute (when it names one). */
  keyAttribute: string | null;
  targets: Map<string, ColumnTarget>;
  warnings: string[];
};

export class MappingError extends Error {
  constructor(
    readonly field: string,
    readonly rule: string,
    message: string,
  ) {
    super(message);
    this.name = 'MappingError';
  }
}

/**
 * Maps file columns to schema attributes: `--map` overrides first, then exact (normalised) attribute
 * names, then synonyms, then address parts into the schema's address attribute. Each attribute takes one
 * column; every other column is kept as an extra under its own name (never dropped).
 */
export function buildMapping(headers: readonly string[], definition: SchemaDefinition, opts: MappingOptions = {}): ColumnMapping {
  const attrs = new Map(definition.attributes.map((a) => [a.name, a]));
  const byNorm = new Map<string, string>();
  for (const h of headers) if (!byNorm.has(normaliseHeader(h))) byNorm.set(normaliseHeader(h), h);
  const findColumn = (name: string): string | undefined => (headers.includes(name) ? name : byNorm.get(normaliseHeader(name)));
  const targets = new Map<string, ColumnTarget>();
  const claimed = new Set<string>();
  const warnings: string[] = [];

  let keyColumn: string | null = null;
  if (opts.key !== undefined) {
    const col = findColumn(opts.key);
    if (!col) throw new MappingError('key', 'unknown_column', `key column "${opts.key}" is not in the file (columns: ${headers.join(', ')})`);
    keyColumn = col;
  } else {
    for (const name of KEY_COLUMN_NAMES) {
      const col = byNorm.get(name);
      if (col) {
        keyColumn = col;
        break;
      }
    }
  }

  for (const [col, attr] of Object.entries(opts.map ?? {})) {
    const column = findColumn(col);
    if (!column) throw new MappingError(`map.${col}`, 'unknown_column', `--map names column "${col}", which is not in the file`);
    const [name, part] = attr.split('.', 2) as [string, string | undefined];
    const def = attrs.get(name);
    if (!def) throw new MappingError(`map.${col}`, 'unknown_attribute', `--map target "${attr}" is not an attribute of the schema`);
    if (part !== undefined && def.type !== 'address') throw new MappingError(`map.${col}`, 'unknown_attribute', `"${name}" is not an address attribute, so "${attr}" is not a target`);
    if (claimed.has(attr)) throw new MappingError(`map.${col}`, 'duplicate_target', `two columns are mapped to "${attr}"`);
    claimed.add(attr);
    targets.set(column, part === undefined ? { kind: 'attribute', attribute: name } : { kind: 'address', attribute: name, part });
  }

  const addressAttr = definition.attributes.find((a) => a.type === 'address')?.name;
  for (const h of headers) {
    if (targets.has(h)) continue;
    const norm = normaliseHeader(h);
    let target: ColumnTarget | null = null;
    const take = (t: ColumnTarget, id: string): boolean => {
      if (claimed.has(id)) return false;
      claimed.add(id);
      target = t;
      return true;
    };
    if (attrs.has(norm)) take({ kind: 'attribute', attribute: norm }, norm);
    const group = GROUP_OF.get(norm);
    if (!target && group) {
      for (const name of group) if (attrs.has(name) && take({ kind: 'attribute', attribute: name }, name)) break;
      if (!target && addressAttr && group[0]! in ADDRESS_PARTS) {
        const part = ADDRESS_PARTS[group[0]!]!;
        take({ kind: 'address', attribute: addressAttr, part }, `${addressAttr}.${part}`);
      }
    }
    if (target) targets.set(h, target);
    else if (h === keyColumn) targets.set(h, { kind: 'key' });
    else {
      // An extra must not be named like an attribute, or validation would read it as one.
      const name = attrs.has(h) ? `${h}__extra` : h;
      if ((attrs.has(norm) || group) && !attrs.has(h)) warnings.push(`column "${h}" looks like an attribute that another column already fills; kept as extra "${name}"`);
      targets.set(h, { kind: 'extra', name });
    }
  }
  const keyTarget = keyColumn ? targets.get(keyColumn) : undefined;
  const keyAttribute = keyTarget?.kind === 'attribute' ? keyTarget.attribute : null;
  return { keyColumn, keyAttribute, targets, warnings };
}

/** The mapping as `column → target` strings, for the job view and the CLI. */
export function describeMapping(m: ColumnMapping): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [col, t] of m.targets) {
    out[col] = t.kind === 'attribute' ? t.attribute : t.kind === 'address' ? `${t.attribute}.${t.part}` : t.kind === 'key' ? '(key)' : `extra:${t.name}`;
  }
  if (m.keyColumn && out[m.keyColumn] !== '(key)') out[m.keyColumn] = `${out[m.keyColumn]} (key)`;
  return out;
}
