import type { SQL } from 'drizzle-orm';
import { sql } from 'drizzle-orm';
import { canonicalJson } from '../../platform/canonical-json.js';
import type { ContributingRecord, GoldenRecord, Pin, SurvivorshipConfig } from './survivorship.js';
import { computeGolden } from './survivorship.js';

/** A contributing record as read for survivorship. */
export type RecordRow = {
  id: string;
  customer_id: string;
  source_id: string;
  source_key: string;
  schema_id: string;
  values: Record<string, unknown> | null;
  verification: ContributingRecord['verification'];
  updated_at: Date | string;
  source_name: string;
  trust_rank: number;
};

/** A record's fields survivorship reads, as one JSON document (`r`: source_records, `s`: its source). */
const RECORD_DOC = sql`json_build_object('id', r.id, 'source_id', r.source_id, 'source_key', r.source_key, 'schema_id', r.schema_id,
  'values', r."values", 'verification', r.verification, 'updated_at', r.updated_at, 'source_name', s.name, 'trust_rank', s.trust_rank)`;

export type ContributingRow = ContributingRecord & { schemaId: string };

export function groupRecords(list: RecordRow[]): Map<string, ContributingRow[]> {
  const out = new Map<string, ContributingRow[]>();
  for (const r of list) {
    const arr = out.get(r.customer_id) ?? [];
    arr.push({
      id: r.id,
      schemaId: r.schema_id,
      sourceId: r.source_id,
      sourceName: r.source_name,
      sourceKey: r.source_key,
      trustRank: Number(r.trust_rank),
      updatedAt: new Date(r.updated_at).toISOString(),
      values: r.values ?? {},
      verification: r.verification,
    });
    out.set(r.customer_id, arr);
  }
  return out;
}

/**
 * What a customer's golden record is computed from, read in one snapshot: its valid records, stored golden record (at
 * `version`) and pins; `txNow`: the reading transaction's timestamp, which records it writes carry as `updated_at`.
 */
export type GoldenInputs = { version: number; golden: GoldenRecord; records: ContributingRow[]; pins: Pin[]; txNow: string };
export type GoldenInputRow = { kind: 'r' | 'c' | 'p'; customer_id: string; doc: Record<string, unknown> };

/**
 * Rows (kind, customer_id, doc) holding golden inputs, in one statement: the valid records ('r') of the customers in
 * `recordsOf`, and the stored golden record with its version and the transaction's timestamp ('c') and the pins ('p')
 * of those in `customers` (each a text[] expression).
 */
export function goldenInputsSql(recordsOf: SQL, customers: SQL): SQL {
  return sql`select 'r' as kind, r.customer_id, ${RECORD_DOC} as doc
      from source_records r join sources s on s.id = r.source_id
      where r.customer_id = any(${recordsOf}) and r.status = 'valid'
      union all
      select 'c', c.id, json_build_object('golden', c.golden, 'version', c.version, 'now', now()) from customers c where c.id = any(${customers})
      union all
      select 'p', p.customer_id, json_build_object('attribute', p.attribute, 'value', p.value, 'pinned_at', p.pinned_at) from golden_pins p
      where p.customer_id = any(${customers})`;
}

/** Golden inputs per customer from goldenInputsSql's rows (customers without their 'c' row are left out). */
export function goldenInputsOf(list: GoldenInputRow[]): Map<string, GoldenInputs> {
  const out = new Map<string, GoldenInputs>();
  for (const l of list) if (l.kind === 'c') out.set(l.customer_id, { version: Number(l.doc.version), golden: (l.doc.golden ?? {}) as GoldenRecord, records: [], pins: [], txNow: new Date(l.doc.now as string).toISOString() });
  const records = groupRecords(list.filter((l) => l.kind === 'r').map((l) => ({ ...(l.doc as RecordRow), customer_id: l.customer_id })));
  for (const [id, list] of records) {
    const inputs = out.get(id);
    if (inputs) inputs.records = list.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }
  for (const l of list) {
    if (l.kind !== 'p') continue;
    out.get(l.customer_id)?.pins.push({ attribute: String(l.doc.attribute), value: l.doc.value, pinnedAt: new Date(l.doc.pinned_at as string).toISOString() });
  }
  return out;
}

/**
 * A customer's golden record from its `records` as they are now and the pins and stored golden record of `inputs`
 * (attributes: the schema's, then pinned ones); null when it equals the stored one.
 */
export function goldenFrom(inputs: GoldenInputs, records: readonly ContributingRow[], attributes: readonly string[], config: SurvivorshipConfig, now: string): GoldenRecord | null {
  const attrs = new Set(attributes);
  for (const p of inputs.pins) attrs.add(p.attribute);
  const golden = computeGolden([...attrs], records, config, inputs.pins, inputs.golden, now);
  return canonicalJson(golden) !== canonicalJson(inputs.golden) ? golden : null;
}
