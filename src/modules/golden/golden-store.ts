import { sql } from 'drizzle-orm';
import { canonicalJson } from '../../platform/canonical-json.js';
import type { Executor } from '../../platform/db/database.js';
import { preparedRows, rows } from '../../platform/db/database.js';
import type { RecordRow } from './golden-inputs.js';
import { goldenInputsSql, groupRecords } from './golden-inputs.js';
import type { ContributingRecord, GoldenRecord, Pin, SurvivorshipConfig } from './survivorship.js';
import { DEFAULT_SURVIVORSHIP, computeGolden, survivorshipConfig } from './survivorship.js';

/** Default match thresholds: at or above `upper` a record joins the customer, between them a steward decides. */
export const DEFAULT_THRESHOLDS = { upper: 0.95, lower: 0.5 } as const;

export type GoldenSettings = { schemaId: string; upper: number; lower: number; survivorship: SurvivorshipConfig; custom: boolean };

/** A schema's thresholds and survivorship rules (defaults when none were set). */
export async function loadSettings(ex: Executor, schemaId: string): Promise<GoldenSettings> {
  const [r] = await rows<{ upper_threshold: number; lower_threshold: number; survivorship: unknown }>(
    ex,
    sql`select upper_threshold, lower_threshold, survivorship from golden_settings where schema_id = ${schemaId}`,
  );
  if (!r) return { schemaId, upper: DEFAULT_THRESHOLDS.upper, lower: DEFAULT_THRESHOLDS.lower, survivorship: DEFAULT_SURVIVORSHIP, custom: false };
  return { schemaId, upper: Number(r.upper_threshold), lower: Number(r.lower_threshold), survivorship: survivorshipConfig.parse(r.survivorship), custom: true };
}

// Match on arrival reads a schema's settings on every write; they change rarely. Changes made through this
// process clear the entry at once (after commit); another process's changes apply within SETTINGS_TTL_MS.
const SETTINGS_TTL_MS = 2000;
const settingsCache = new Map<string, { at: number; value: GoldenSettings }>();

/** `loadSettings` with a short in-process cache (for match on arrival's hot path). */
export async function cachedSettings(ex: Executor, schemaId: string): Promise<GoldenSettings> {
  const hit = settingsCache.get(schemaId);
  if (hit && Date.now() - hit.at < SETTINGS_TTL_MS) return hit.value;
  const value = await loadSettings(ex, schemaId);
  settingsCache.set(schemaId, { at: Date.now(), value });
  return value;
}

export function forgetSettings(schemaId: string): void {
  settingsCache.delete(schemaId);
}

/** Valid source records of customers with their source's name and trust rank. */
export async function contributingRecords(ex: Executor, customerIds: string[]): Promise<Map<string, (ContributingRecord & { schemaId: string })[]>> {
  const list = await rows<RecordRow>(
    ex,
    sql`select r.id, r.customer_id, r.source_id, r.source_key, r.schema_id, r."values", r.verification, r.updated_at, s.name as source_name, s.trust_rank
        from source_records r join sources s on s.id = r.source_id
        where r.customer_id = any(${sql.param(customerIds)}::text[]) and r.status = 'valid' order by r.id`,
  );
  return groupRecords(list);
}


type PinRow = { customer_id: string; attribute: string; value: unknown; pinned_at: Date | string };

/**
 * What a recompute reads: the records of `toRead`, and the stored golden records and pins of `known`
 * (fresh customers have an empty golden record and no pins). Records, golden records and pins come back
 * in one statement: a single write recomputes one customer, and each round trip adds to its latency.
 */
async function readCustomers(ex: Executor, toRead: string[], known: string[]) {
  if (known.length === 0) {
    const byCustomer = toRead.length > 0 ? await contributingRecords(ex, toRead) : new Map<string, (ContributingRecord & { schemaId: string })[]>();
    return { byCustomer, stored: [] as { id: string; golden: GoldenRecord }[], pinRows: [] as PinRow[] };
  }
  const list = await preparedRows<{ kind: 'r' | 'c' | 'p'; customer_id: string; doc: RecordRow & { golden?: GoldenRecord } & Partial<PinRow> }>(
    ex,
    goldenInputsSql(sql`${sql.param(toRead)}::text[]`, sql`${sql.param(known)}::text[]`),
  );
  const records = list.filter((l) => l.kind === 'r').map((l) => ({ ...l.doc, customer_id: l.customer_id }));
  records.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return {
    byCustomer: groupRecords(records),
    stored: list.filter((l) => l.kind === 'c').map((l) => ({ id: l.customer_id, golden: l.doc.golden! })),
    pinRows: list.filter((l) => l.kind === 'p').map((l) => ({ customer_id: l.customer_id, attribute: l.doc.attribute!, value: l.doc.value, pinned_at: l.doc.pinned_at! })),
  };
}

/** Attribute names of a schema's current version, in definition order. */
export async function schemaAttributes(ex: Executor, schemaIds: string[]): Promise<Map<string, string[]>> {
  const list = await rows<{ schema_id: string; definition: { attributes: { name: string }[] } }>(
    ex,
    sql`select v.schema_id, v.definition from schema_versions v join schemas s on s.id = v.schema_id and s.current_version = v.version
        where v.schema_id = any(${sql.param(schemaIds)}::text[])`,
  );
  return new Map(list.map((r) => [r.schema_id, r.definition.attributes.map((a) => a.name)]));
}

/** What a caller already knows, so recomputing skips reads (match on arrival knows its schema and its new customers). */
export type RecomputeHints = {
  /** Settings and attribute names of schemas the caller has loaded. */
  schemas?: Map<string, { settings: GoldenSettings; attributes: string[] }>;
  /** Customers created in this transaction: no stored golden record and no pins yet. */
  fresh?: ReadonlySet<string>;
  /** Customers of `fresh` whose only record the caller has just written: their records are not read either. */
  sole?: ReadonlyMap<string, ContributingRecord & { schemaId: string }>;
};

/**
 * Recomputes the golden record (values + lineage) of the given customers from their valid records,
 * pins and their schema's survivorship rules. Customers whose golden record changes get a new version.
 * Returns the ids that changed.
 */
export async function recomputeGolden(ex: Executor, customerIds: string[], hints: RecomputeHints = {}): Promise<string[]> {
  const ids = [...new Set(customerIds)].sort();
  if (ids.length === 0) return [];
  const fresh = hints.fresh ?? new Set<string>();
  const sole = hints.sole ?? new Map<string, ContributingRecord & { schemaId: string }>();
  const known = ids.filter((id) => !fresh.has(id));
  const toRead = ids.filter((id) => !sole.has(id));
  const { byCustomer, stored, pinRows } = await readCustomers(ex, toRead, known);
  for (const [id, r] of sole) byCustomer.set(id, [r]);
  const current = [...stored, ...ids.filter((id) => fresh.has(id)).map((id) => ({ id, golden: {} as GoldenRecord }))];
  const schemaIds = [...new Set([...byCustomer.values()].flatMap((list) => list.map((r) => r.schemaId)))];
  const missing = schemaIds.filter((sid) => !hints.schemas?.has(sid));
  const attrsBySchema = missing.length > 0 ? await schemaAttributes(ex, missing) : new Map<string, string[]>();
  const settings = new Map<string, GoldenSettings>();
  for (const sid of schemaIds) {
    const hint = hints.schemas?.get(sid);
    if (hint) {
      settings.set(sid, hint.settings);
      attrsBySchema.set(sid, hint.attributes);
    } else settings.set(sid, await loadSettings(ex, sid));
  }
  const pins = new Map<string, Pin[]>();
  for (const p of pinRows) {
    const arr = pins.get(p.customer_id) ?? [];
    arr.push({ attribute: p.attribute, value: p.value, pinnedAt: new Date(p.pinned_at).toISOString() });
    pins.set(p.customer_id, arr);
  }
  const now = new Date().toISOString();
  const changed: { id: string; golden: GoldenRecord }[] = [];
  for (const c of current) {
    const records = byCustomer.get(c.id) ?? [];
    // The schema of the most records decides the rules (customers normally hold one schema).
    const counts = new Map<string, number>();
    for (const r of records) counts.set(r.schemaId, (counts.get(r.schemaId) ?? 0) + 1);
    const schemaId = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]?.[0];
    const attrs = new Set<string>();
    for (const r of records) for (const a of attrsBySchema.get(r.schemaId) ?? Object.keys(r.values)) attrs.add(a);
    for (const p of pins.get(c.id) ?? []) attrs.add(p.attribute);
    const config = schemaId ? settings.get(schemaId)!.survivorship : DEFAULT_SURVIVORSHIP;
    const golden = computeGolden([...attrs], records, config, pins.get(c.id) ?? [], c.golden ?? {}, now);
    const differs = fresh.has(c.id) ? Object.keys(golden).length > 0 : canonicalJson(golden) !== canonicalJson(c.golden ?? {});
    if (differs) changed.push({ id: c.id, golden });
  }
  if (changed.length > 0) {
    // One JSON document keyed by customer id: the server parses it once, where a text[] of documents
    // would first have every element unescaped by array_in.
    const doc = JSON.stringify(Object.fromEntries(changed.map((c) => [c.id, c.golden])));
    await preparedRows(ex, sql`
      update customers c set golden = u.value, version = c.version + 1, updated_at = now()
      from jsonb_each(${doc}::jsonb) as u(key, value)
      where c.id = u.key`);
  }
  return changed.map((c) => c.id);
}
