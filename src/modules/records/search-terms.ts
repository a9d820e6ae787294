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
