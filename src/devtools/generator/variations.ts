import { type Ymd, daysInMonth, formatPhone, isoDate, makeEmail, randomAddress, PHONE_FORMAT_COUNT, REFERENCE_YEAR } from './fields.js';
import { NICKNAMES } from './names.data.js';
import { type CountrySamplers, type Draft, type Person } from './person.js';
import type { Rng } from './prng.js';
import { oddCase, typo, whitespaceNoise } from './text-noise.js';

/** Ways a duplicate record differs from its entity's canonical record. */
export const VARIATION_KINDS = [
  'married_name', 'move', 'email_change', 'nickname', 'name_swap', 'middle_name',
  'date_slip', 'phone_format', 'typo', 'missing', 'case_noise',
] as const;

/** One kind of duplicate variation. */
export type VariationKind = (typeof VARIATION_KINDS)[number];

/** Relative weights when picking variations for a duplicate (before applicability filtering). */
export const VARIATION_WEIGHTS: Readonly<Record<VariationKind, number>> = {
  typo: 18, missing: 14, nickname: 30, move: 10, phone_format: 10, email_change: 8,
  date_slip: 8, case_noise: 8, married_name: 6, middle_name: 6, name_swap: 4,
};

function applicable(kind: VariationKind, p: Person): boolean {
  switch (kind) {
    case 'nickname': return NICKNAMES.has(p.first);
    case 'married_name': return p.gender === 'F' && (!p.dob || REFERENCE_YEAR - p.dob.y >= 20);
    case 'phone_format': return p.phone !== null;
    case 'date_slip': return p.dob !== null;
    case 'middle_name': return p.middle !== '';
    default: return true;
  }
}

/** Distinct, valid date one "slip" away: day/month swap, year off by one, or a mistyped digit. */
function slipDate(rng: Rng, d: Ymd): Ymd {
  for (let attempt = 0; attempt < 6; attempt++) {
    const r = rng.int(4);
    let c: Ymd;
    if (r === 0) {
      if (d.d > 12 || d.d === d.m) continue;
      c = { y: d.y, m: d.d, d: d.m };
    } else if (r === 1) {
      c = { y: d.y + (rng.chance(0.5) ? 1 : -1), m: d.m, d: d.d };
    } else if (r === 2) {
      // One wrong digit in the day (12 -> 13, 21 -> 27).
      const s = String(d.d).padStart(2, '0');
      const pos = rng.int(2);
      const digit = rng.int(10);
      c = { y: d.y, m: d.m, d: Number(pos === 0 ? digit + s[1]! : s[0]! + digit) };
    } else {
      c = { y: d.y - (d.y % 10) + rng.int(10), m: d.m, d: d.d };
    }
    if (c.d >= 1 && c.d <= daysInMonth(c.y, c.m) && c.y <= REFERENCE_YEAR - 16 && (c.y !== d.y || c.m !== d.m || c.d !== d.d)) return c;
  }
  return { y: d.y - 1, m: d.m, d: Math.min(d.d, daysInMonth(d.y - 1, d.m)) };
}

const MISSABLE: readonly (keyof Draft)[] = [
  'email', 'phone', 'date_of_birth', 'street', 'postcode', 'middle_name', 'gender', 'loyalty_card', 'state', 'email', 'phone',
];

function applyOne(kind: VariationKind, rng: Rng, d: Draft, p: Person, s: CountrySamplers): void {
  switch (kind) {
    case 'nickname': {
      const nick = rng.pick(NICKNAMES.get(p.first) ?? [p.first]);
      // Occasionally the nickname is kept alongside the given name, with quotes (CSV quoting test).
      d.first_name = rng.chance(0.05) ? `${p.first} "${nick}"` : nick;
      return;
    }
    case 'typo': {
      const r = rng.float();
      const field: 'first_name' | 'last_name' | 'street' = r < 0.45 ? 'last_name' : r < 0.85 ? 'first_name' : 'street';
      d[field] = typo(rng, d[field]);
      if (rng.chance(0.2)) d[field] = typo(rng, d[field]);
      return;
    }
    case 'name_swap': {
      const f = d.first_name;
      d.first_name = d.last_name;
      d.last_name = f;
      return;
    }
    case 'married_name': {
      let newLast = s.last.pick(rng);
      if (newLast === p.last) newLast = s.last.pick(rng);
      d.last_name = rng.chance(0.15) ? `${p.last}-${newLast}` : newLast;
      if (rng.chance(0.1) && !d.middle_name) d.middle_name = p.last;
      if (rng.chance(0.6)) d.email = makeEmail(rng, p.first, newLast, p.dob?.y ?? 1980, s.domains.pick(rng), s.german);
      return;
    }
    case 'move': {
      const city = rng.chance(0.5) ? p.address.cityRef : s.cities.pick(rng);
      const a = randomAddress(rng, s.data, city);
      d.street = a.street;
      d.city = a.city;
      d.postcode = a.postcode;
      d.state = a.state;
      return;
    }
    case 'email_change': {
      const oldDomain = p.email.slice(p.email.indexOf('@') + 1);
      let domain = s.domains.pick(rng);
      for (let i = 0; i < 3 && domain === oldDomain; i++) domain = rng.pick(s.data.emailDomains);
      if (domain === oldDomain) domain = 'outlook.com' === oldDomain ? 'gmail.com' : 'outlook.com';
      d.email = p.email && rng.chance(0.5)
        ? p.email.slice(0, p.email.indexOf('@') + 1) + domain
        : makeEmail(rng, p.first, p.last, p.dob?.y ?? 1980, domain, s.german);
      return;
    }
    case 'missing': {
      const n = rng.chance(0.7) ? 1 : 2;
      for (let i = 0; i < n; i++) {
        const field = rng.pick(MISSABLE);
        if (field === 'street') d.city = '';
        d[field] = '';
      }
      return;
    }
    case 'phone_format': {
      const p0 = p.phone;
      if (!p0) return;
      d.phone = formatPhone(p0, p.country, (p.phoneFormat + 1 + rng.int(PHONE_FORMAT_COUNT - 1)) % PHONE_FORMAT_COUNT);
      return;
    }
    case 'date_slip':
      if (p.dob) d.date_of_birth = isoDate(slipDate(rng, p.dob));
      return;
    case 'middle_name': {
      const mode = (p.middleMode + 1 + rng.int(2)) % 3;
      d.middle_name = mode === 0 ? p.middle : mode === 1 ? p.middle[0] + (rng.chance(0.3) ? '.' : '') : '';
      return;
    }
    case 'case_noise': {
      const r = rng.int(4);
      if (r === 0) d.last_name = oddCase(rng, d.last_name);
      else if (r === 1) d.first_name = oddCase(rng, d.first_name);
      else if (r === 2) d.first_name = whitespaceNoise(rng, d.first_name);
      else d.street = rng.chance(0.5) ? d.street.toUpperCase() : whitespaceNoise(rng, d.street);
      return;
    }
  }
}

const CHANGE_COUNT_CUMULATIVE = [0.5, 0.85, 1];

/**
 * Apply 1-3 seeded variations to a duplicate's draft. Kinds are drawn by weight among those that
 * apply to the person, then applied in a fixed order (life events first, noise last) so a typo can
 * land on a married name but a move never undoes a blanked field.
 */
export function applyVariations(rng: Rng, d: Draft, p: Person, s: CountrySamplers): VariationKind[] {
  const r = rng.float();
  const n = r < CHANGE_COUNT_CUMULATIVE[0]! ? 1 : r < CHANGE_COUNT_CUMULATIVE[1]! ? 2 : 3;
  const candidates = VARIATION_KINDS.filter((k) => applicable(k, p));
  const chosen = new Set<VariationKind>();
  for (let i = 0; i < n && candidates.length > 0; i++) {
    let total = 0;
    for (const k of candidates) total += VARIATION_WEIGHTS[k];
    let t = rng.float() * total;
    let idx = 0;
    for (; idx < candidates.length - 1; idx++) {
      t -= VARIATION_WEIGHTS[candidates[idx]!];
      if (t < 0) break;
    }
    chosen.add(candidates[idx]!);
    candidates.splice(idx, 1);
  }
  const applied: VariationKind[] = [];
  for (const k of VARIATION_KINDS) {
    if (!chosen.has(k)) continue;
    applyOne(k, rng, d, p, s);
    applied.push(k);
  }
  return applied;
}
