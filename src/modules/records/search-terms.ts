import type { SQL } from 'drizzle-orm';
import { sql } from 'drizzle-orm';
import type { Tx } from '../../platform/db/database.js';
import { rows } from '../../platform/db/database.js';
import type { SchemaDefinition } from '../schemas/index.js';

export type SearchTerm = { kind: 'name' | 'email' | 'phone' | 'key' | 'id'; term: string };

const GIVEN = /^(first_?name|given_?name|forename|fname)$/;
const FAMILY = /^(last_?name|family_?name|surname|lname)$/;
const FULL = /^(full_?name|name|display_?name|customer_?name)$/;

/** Lowercase, without diacritics or punctuation: what fuzzy name search compares. */
export function foldName(s: string): string {
  return s
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s'-]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

export function phoneDigits(s: string): string {
  return s.replace(/\D+/g, '');
}

/** A person-readable name for the customer from whichever name attributes the schema has. */
export function displayNameOf(definition: SchemaDefinition, values: Record<string, unknown>): string | null {
  let given = '';
  let family = '';
  let full = '';
  for (const a of definition.attributes) {
    const v = values[a.name];
    if (typeof v !== 'string' || v === '') continue;
    if (FULL.test(a.name)) full ||= v;
    else if (GIVEN.test(a.name)) given ||= v;
    else if (FAMILY.test(a.name)) family ||= v;
  }
  const name = full || [given, family].filter(Boolean).join(' ');
  return name || null;
}

/** The terms a record contributes to customer search. */
export function searchTermsOf(definition: SchemaDefinition, values: Record<string, unknown>, sourceKey: string): SearchTerm[] {
  const out: SearchTerm[] = [{ kind: 'key', term: sourceKey.toLowerCase() }];
  const name = displayNameOf(definition, values);
  if (name) out.push({ kind: 'name', term: foldName(name) });
  for (const a of definition.attributes) {
    const v = values[a.name];
    if (typeof v !== 'string' || v === '') continue;
    if (a.type === 'email') out.push({ kind: 'email', term: v.toLowerCase() });
    else if (a.type === 'phone') out.push({ kind: 'phone', term: phoneDigits(v) });
    else if (a.type === 'identifier') out.push({ kind: 'id', term: v.toLowerCase() });
  }
  return out;
}

/** A written record's new terms; `existed`: it may have stored terms (an update). */
export type RecordTerms = { id: string; customerId: string; existed: boolean; terms: SearchTerm[] };

/** What to change: delete the terms of `stale` records, insert `rows`. */
export type TermChanges = { stale: string[]; rows: { recordId: string; customerId: string; kind: string; term: string }[] };

/**
 * Which search terms of written records to replace. An update whose terms (and customer) did not change
 * keeps its rows: rewriting them cost the server most of a term's price again (trigram GIN maintenance) and
 * left dead rows behind, for the many updates that change no name, e-mail, phone or identifier.
 */
export async function planSearchTerms(tx: Tx, records: RecordTerms[]): Promise<TermChanges> {
  const updated = records.filter((r) => r.existed);
  const stored = new Map<string, string[]>();
  if (updated.length > 0) {
    // Its own statement, after the writer locked the records: it sees the terms a concurrent writer of the
    // same records committed meanwhile (the locking statement's snapshot may predate them).
    const old = await rows<{ record_id: string; customer_id: string; kind: string; term: string }>(
      tx,
      sql`select record_id, customer_id, kind, term from customer_search_terms where record_id = any(${sql.param(updated.map((r) => r.id))}::text[])`,
    );
    for (const t of old) {
      const list = stored.get(t.record_id) ?? [];
      list.push(termKey(t.customer_id, t.kind, t.term));
      stored.set(t.record_id, list);
    }
  }
  return diffSearchTerms(records, stored);
}

/** planSearchTerms for a caller that read the stored terms itself (`stored`: record id → termKey list). */
export function diffSearchTerms(records: RecordTerms[], stored: ReadonlyMap<string, string[]>): TermChanges {
  const updated = records.filter((r) => r.existed);
  const differ = new Set(updated.filter((r) => !sameTerms(stored.get(r.id) ?? [], r)).map((r) => r.id));
  const rewritten = records.filter((r) => !r.existed || differ.has(r.id));
  // Only records with stored terms have any to delete (most records the indexer takes are new).
  const stale = [...differ].filter((id) => stored.has(id));
  return { stale, rows: rewritten.flatMap((r) => r.terms.map((t) => ({ recordId: r.id, customerId: r.customerId, ...t }))) };
}

/**
 * The statements applying the changes, to run as data-modifying CTEs of one statement: the delete sees the
 * rows as they were before that statement, never the ones inserted with it.
 */
export function termStatements(changes: TermChanges): SQL[] {
  const out: SQL[] = [];
  if (changes.stale.length > 0) out.push(sql`delete from customer_search_terms where record_id = any(${sql.param(changes.stale)}::text[])`);
  const t = changes.rows;
  if (t.length > 0) {
    out.push(sql`
      insert into customer_search_terms (record_id, customer_id, kind, term)
      select * from unnest(${sql.param(t.map((r) => r.recordId))}::text[], ${sql.param(t.map((r) => r.customerId))}::text[],
                           ${sql.param(t.map((r) => r.kind))}::text[], ${sql.param(t.map((r) => r.term))}::text[])`);
  }
  return out;
}

export function termKey(customerId: string, kind: string, term: string): string {
  return `${customerId}\u0000${kind}\u0000${term}`;
}

/** The same rows, duplicates included (order does not matter). */
function sameTerms(stored: string[], r: RecordTerms): boolean {
  if (stored.length !== r.terms.length) return false;
  const fresh = r.terms.map((t) => termKey(r.customerId, t.kind, t.term)).sort();
  return [...stored].sort().every((k, i) => k === fresh[i]);
}
