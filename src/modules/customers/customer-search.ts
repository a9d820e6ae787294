import type { SQL } from 'drizzle-orm';
import { sql } from 'drizzle-orm';
import { foldName, phoneDigits } from '../records/index.js';
import type { CustomerListQuery } from './customers.schemas.js';

export type SearchPlan = { kind: 'name' | 'email' | 'phone' | 'key' | 'id'; term: string; fuzzy: boolean };

/** Decides what a free-text query means: an e-mail, a phone number, a customer id, or a name. */
export function planSearch(q: CustomerListQuery): SearchPlan[] {
  const plans: SearchPlan[] = [];
  if (q.name) plans.push({ kind: 'name', term: foldName(q.name), fuzzy: q.fuzzy });
  if (q.email) plans.push({ kind: 'email', term: q.email.toLowerCase(), fuzzy: q.fuzzy });
  if (q.phone) plans.push({ kind: 'phone', term: phoneDigits(q.phone), fuzzy: q.fuzzy });
  if (q.key) plans.push({ kind: 'key', term: q.key.toLowerCase(), fuzzy: false });
  if (q.q) {
    const t = q.q.trim();
    if (t.includes('@')) plans.push({ kind: 'email', term: t.toLowerCase(), fuzzy: q.fuzzy });
    else if (/^\+?[\d\s().-]{5,}$/.test(t)) plans.push({ kind: 'phone', term: phoneDigits(t), fuzzy: q.fuzzy });
    else {
      plans.push({ kind: 'name', term: foldName(t), fuzzy: q.fuzzy });
      plans.push({ kind: 'key', term: t.toLowerCase(), fuzzy: false });
      plans.push({ kind: 'id', term: t.toLowerCase(), fuzzy: false });
    }
  }
  return plans.filter((p) => p.term.length > 0);
}

/** One scored candidate set per plan; each kind is a literal so the planner can use that kind's partial index. */
export function planSql(p: SearchPlan): SQL {
  const kind = sql.raw(`'${KINDS[p.kind]}'`);
  if (p.kind === 'phone') {
    // National and international spellings differ in their prefix, so compare the last 9 digits.
    const tail = p.term.slice(-9);
    return p.fuzzy && tail.length >= 6
      ? sql`select customer_id, case when term = ${p.term} then 1.0 else 0.9 end as score, 'phone' as matched_on
            from customer_search_terms where kind = 'phone' and term like ${'%' + tail}`
      : sql`select customer_id, 1.0 as score, 'phone' as matched_on from customer_search_terms where kind = 'phone' and term = ${p.term}`;
  }
  if (!p.fuzzy || p.term.length < 3) {
    return sql`select customer_id, 1.0 as score, ${kind} as matched_on from customer_search_terms where kind = ${kind} and term = ${p.term}`;
  }
  if (p.kind === 'email') {
    // Fuzzy on the local part (its own index), ranked by the whole address: a typo in either still finds it,
    // and other people at the same provider do not.
    const local = p.term.split('@')[0] ?? '';
    if (local.length < 3) return sql`select customer_id, 1.0 as score, 'email' as matched_on from customer_search_terms where kind = 'email' and term = ${p.term}`;
    return sql`select customer_id, similarity(term, ${p.term}) as score, 'email' as matched_on
               from customer_search_terms where kind = 'email' and split_part(term, '@', 1) % ${local}`;
  }
  return sql`select customer_id, similarity(term, ${p.term}) as score, ${kind} as matched_on
             from customer_search_terms where kind = ${kind} and term % ${p.term}`;
}

// The closed set of kinds, spelled as SQL literals (never user input).
const KINDS: Record<SearchPlan['kind'], string> = { name: 'name', email: 'email', phone: 'phone', key: 'key', id: 'id' };
