import type { SchemaDefinition } from '../schemas/index.js';
import type { ColumnMapping, ColumnTarget, MappingOptions } from './column-mapping.js';
import { buildMapping } from './column-mapping.js';
import type { QuarantineError } from './ingest.schemas.js';
import type { ReadRow } from './reader.types.js';

/** A read row turned into a record input, or the reasons it cannot become one. */
export type MappedRow =
  | { ok: true; row: number; line: number; key: string; values: Record<string, unknown> }
  | { ok: false; row: number; line: number; key: string | null; values: Record<string, unknown> | null; rawText: string | null; errors: QuarantineError[] };

const KEY_MAX = 200;
const SURROGATE = /[\ud800-\udfff]/;
const LONE_SURROGATE = /\p{Surrogate}/u;

/**
 * Applies a column mapping to rows. Tabular rows (CSV) must have exactly the header's column count;
 * XLSX rows may be shorter (trailing empty cells). JSON Lines objects are mapped by their own keys.
 */
export class RowMapper {
  private readonly jsonlMappings = new Map<string, ColumnMapping>();

  constructor(
    private readonly definition: SchemaDefinition,
    private readonly headers: string[] | null,
    private readonly mapping: ColumnMapping | null,
    private readonly opts: MappingOptions & { strictColumns: boolean },
  ) {}

  map(r: ReadRow): MappedRow {
    if (r.kind === 'bad') return fail(r.row, r.line, null, null, r.raw, [{ field: '$row', rule: r.rule, message: r.message }]);
    let key: unknown;
    let values: Record<string, unknown>;
    if (r.kind === 'cells') {
      const headers = this.headers!;
      const m = this.mapping!;
      if (r.cells.length > headers.length || (this.opts.strictColumns && r.cells.length < headers.length)) {
        return fail(r.row, r.line, null, null, r.raw ?? JSON.stringify(r.cells), [
          { field: '$row', rule: 'column_count', message: `expected ${headers.length} columns, found ${r.cells.length}` },
        ]);
      }
      values = {};
      for (let i = 0; i < headers.length; i++) {
        const h = headers[i]!;
        const v = i < r.cells.length ? r.cells[i] : null;
        if (h === m.keyColumn) key = v;
        place(values, m.targets.get(h)!, v);
      }
    } else {
      const m = this.mappingFor(r.object);
      values = {};
      for (const [k, v] of Object.entries(r.object)) {
        if (k === m.keyColumn) key = v;
        place(values, m.targets.get(k)!, v);
      }
    }
    const bad = badText(values);
    const keyStr = key === null || key === undefined ? '' : typeof key === 'object' ? JSON.stringify(key) : String(key).trim();
    if (bad) return fail(r.row, r.line, keyStr || null, null, safeJson(values), [{ field: bad, rule: 'invalid_text', message: 'contains a NUL character or broken UTF-16 that the database cannot store' }]);
    if (keyStr === '') {
      const field = this.keyField(r);
      return fail(r.row, r.line, null, values, null, [{ field, rule: 'missing_key', message: field === '$key' ? 'no key column: name one with --key' : `the key column "${field}" is empty` }]);
    }
    if (keyStr.length > KEY_MAX) {
      return fail(r.row, r.line, null, values, null, [{ field: this.keyField(r), rule: 'invalid_key', message: `the key is longer than ${KEY_MAX} characters`, value: keyStr.slice(0, 200) }]);
    }
    return { ok: true, row: r.row, line: r.line, key: keyStr, values };
  }

  private keyField(r: ReadRow): string {
    const m = r.kind === 'object' ? this.mappingFor(r.object) : this.mapping;
    return m?.keyColumn ?? '$key';
  }

  private mappingFor(obj: Record<string, unknown>): ColumnMapping {
    const keys = Object.keys(obj);
    const sig = keys.join('\u0001');
    let m = this.jsonlMappings.get(sig);
    if (!m) {
      // Each distinct key set is mapped once; overrides naming absent keys are ignored for that set.
      const present = new Set(keys);
      const map = Object.fromEntries(Object.entries(this.opts.map ?? {}).filter(([c]) => present.has(c)));
      m = buildMapping(keys, this.definition, { map, key: this.opts.key !== undefined && present.has(this.opts.key) ? this.opts.key : undefined });
      if (this.opts.key !== undefined && !present.has(this.opts.key)) m = { ...m, keyColumn: null };
      if (this.jsonlMappings.size < 1000) this.jsonlMappings.set(sig, m);
    }
    return m;
  }
}

function place(values: Record<string, unknown>, t: ColumnTarget, v: unknown): void {
  switch (t.kind) {
    case 'attribute':
      values[t.attribute] = v;
      return;
    case 'address': {
      const cur = values[t.attribute];
      const obj = cur && typeof cur === 'object' ? (cur as Record<string, unknown>) : {};
      if (v !== null && v !== '') obj[t.part] = typeof v === 'number' ? String(v) : v;
      values[t.attribute] = obj;
      return;
    }
    case 'extra':
      setOwn(values, t.name, v);
      return;
    case 'key':
      return;
  }
}

function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

function fail(row: number, line: number, key: string | null, values: Record<string, unknown> | null, rawText: string | null, errors: QuarantineError[]): MappedRow {
  return { ok: false, row, line, key, values, rawText: rawText === null ? null : storableText(rawText), errors };
}

/** Path of the first string (or key) PostgreSQL cannot store (NUL, lone surrogate), or null. */
export function badText(v: unknown, path = ''): string | null {
  if (typeof v === 'string') return v.includes('\u0000') || (SURROGATE.test(v) && LONE_SURROGATE.test(v.replace(/[\ud800-\udbff][\udc00-\udfff]/g, ''))) ? path || '$row' : null;
  if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      const p = path ? `${path}.${k}` : k;
      if (badText(k) !== null) return p;
      const inner = badText(x, p);
      if (inner !== null) return inner;
    }
  }
  return null;
}

/** Text made storable: NUL and lone surrogates become U+FFFD. */
export function storableText(s: string): string {
  return s.replaceAll('\u0000', '\ufffd').replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
}

function safeJson(v: unknown): string {
  return storableText(JSON.stringify(v));
}
