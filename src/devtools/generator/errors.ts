import { DISPOSABLE_DOMAINS, DOMAIN_TYPOS, ROLE_LOCAL_PARTS } from './addresses.data.js';
import { type Ymd, isLeap, mailSlug } from './fields.js';
import type { CountrySamplers, Draft, Person } from './person.js';
import type { Rng } from './prng.js';
import { oddCase, whitespaceNoise } from './text-noise.js';

/** Invalid or messy values injected (errorRate > 0) for validator/ingestion tests. */
export const ERROR_KINDS = [
  'email_malformed', 'email_domain_typo', 'email_disposable', 'email_role',
  'date_impossible', 'date_future', 'date_format', 'phone_invalid', 'postcode_invalid',
  'country_name', 'name_case', 'whitespace', 'gender_variant',
] as const;

/** One kind of injected error. */
export type ErrorKind = (typeof ERROR_KINDS)[number];

const pad2 = (n: number): string => (n < 10 ? '0' + n : String(n));
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function parseIso(s: string): Ymd | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  return m ? { y: Number(m[1]), m: Number(m[2]), d: Number(m[3]) } : null;
}

function malformEmail(rng: Rng, email: string): string {
  const at = email.indexOf('@');
  const local = email.slice(0, at);
  const domain = email.slice(at + 1);
  switch (rng.int(7)) {
    case 0: return local + domain; // lost the @
    case 1: return `${local}@@${domain}`;
    case 2: return `${local}@${domain.slice(0, domain.lastIndexOf('.'))}`; // no TLD
    case 3: return `${local}..x@${domain}`;
    case 4: return `${local} @${domain}`;
    case 5: return `${local}@${domain.replace('.', ',')}`;
    default: return `${local}@${domain}.`;
  }
}

function impossibleDate(rng: Rng, y: number): string {
  switch (rng.int(5)) {
    case 0: return `${y}-11-31`;
    case 1: {
      let yy = y;
      while (isLeap(yy)) yy++;
      return `${yy}-02-29`;
    }
    case 2: return `${y}-13-${pad2(rng.range(1, 28))}`;
    case 3: return `${y}-${pad2(rng.range(1, 12))}-00`;
    default: return `${y}-04-31`;
  }
}

function otherDateFormat(rng: Rng, d: Ymd, country: string): string {
  switch (rng.int(6)) {
    case 0: return country === 'US' ? `${pad2(d.m)}/${pad2(d.d)}/${d.y}` : `${pad2(d.d)}/${pad2(d.m)}/${d.y}`;
    case 1: return `${d.d}.${d.m}.${d.y}`;
    case 2: return `${pad2(d.d)}.${pad2(d.m)}.${d.y}`;
    case 3: return `${d.d} ${MONTHS[d.m - 1]} ${d.y}`;
    case 4: return `${d.y}${pad2(d.m)}${pad2(d.d)}`;
    default: return `${d.m}/${d.d}/${String(d.y).slice(2)}`;
  }
}

function invalidPostcode(rng: Rng, pc: string, country: string): string {
  if (rng.chance(0.3)) return pc.toLowerCase().replace(' ', '') + (rng.chance(0.5) ? 'X' : '');
  switch (country) {
    case 'US': return rng.chance(0.5) ? pc.slice(0, 4) : pc + '0';
    case 'DE': return rng.chance(0.5) ? `D-${pc}` : pc.replace(/^0/, '').slice(0, 4);
    case 'AU': return rng.chance(0.5) ? pc.replace(/^0/, '').slice(0, 3) : pc + '1';
    default: return rng.chance(0.5) ? pc.replace(' ', '') + 'A' : pc.slice(0, 3) + ' ' + '1A';
  }
}

function invalidPhone(rng: Rng, phone: string): string {
  const digits = phone.replace(/\D/g, '');
  switch (rng.int(6)) {
    case 0: return digits.slice(0, 5 + rng.int(3)); // too short
    case 1: return digits + rng.digits(3); // too long
    case 2: return '0000000000';
    case 3: return rng.pick(['n/a', 'none', '-', 'unknown', '?']);
    case 4: return digits.slice(0, 3) + '-CALL-NOW';
    default: return '123456';
  }
}

function applicable(kind: ErrorKind, d: Draft): boolean {
  if (kind.startsWith('email_')) return d.email !== '';
  if (kind === 'date_format') return d.date_of_birth !== '';
  if (kind === 'phone_invalid') return d.phone !== '';
  if (kind === 'postcode_invalid') return d.postcode !== '';
  return true;
}

function applyOne(kind: ErrorKind, rng: Rng, d: Draft, p: Person, s: CountrySamplers): void {
  const year = p.dob?.y ?? 1980;
  switch (kind) {
    case 'email_malformed': d.email = malformEmail(rng, d.email); return;
    case 'email_domain_typo': d.email = d.email.slice(0, d.email.indexOf('@') + 1) + rng.pick(DOMAIN_TYPOS); return;
    case 'email_disposable': d.email = d.email.slice(0, d.email.indexOf('@') + 1) + rng.pick(DISPOSABLE_DOMAINS); return;
    case 'email_role': {
      const biz = mailSlug(p.last, s.german) || 'family';
      d.email = `${rng.pick(ROLE_LOCAL_PARTS)}@${biz}${rng.pick(['-plumbing', '-consulting', 'family', '-and-sons', 'shop'])}.${rng.pick(['com', 'net', 'co'])}`;
      return;
    }
    case 'date_impossible': d.date_of_birth = impossibleDate(rng, year); return;
    case 'date_future': {
      // Century slip (1984 -> 2084) or a birth date next to the data-entry date.
      const dt = parseIso(d.date_of_birth) ?? p.dob ?? { y: 1980, m: 1, d: 1 };
      const y = rng.chance(0.7) ? 2000 + (dt.y % 100) + (dt.y % 100 < 30 ? 100 : 0) : REFERENCE_FUTURE + rng.int(5);
      d.date_of_birth = `${y}-${pad2(dt.m)}-${pad2(Math.min(dt.d, 28))}`;
      return;
    }
    case 'date_format': {
      const dt = parseIso(d.date_of_birth);
      if (dt) d.date_of_birth = otherDateFormat(rng, dt, p.country.code);
      return;
    }
    case 'phone_invalid': d.phone = invalidPhone(rng, d.phone); return;
    case 'postcode_invalid': d.postcode = invalidPostcode(rng, d.postcode, p.country.code); return;
    case 'country_name': d.country = rng.pick(p.country.countryNames); return;
    case 'name_case':
      if (rng.chance(0.6)) d.last_name = oddCase(rng, d.last_name);
      else d.first_name = oddCase(rng, d.first_name);
      return;
    case 'whitespace': {
      const r = rng.int(4);
      if (r === 0) d.email = whitespaceNoise(rng, d.email);
      else if (r === 1) d.last_name = whitespaceNoise(rng, d.last_name);
      else if (r === 2) d.city = whitespaceNoise(rng, d.city);
      else d.postcode = whitespaceNoise(rng, d.postcode);
      return;
    }
    case 'gender_variant':
      d.gender = p.gender === 'M' ? rng.pick(['male', 'Male', 'm', 'Mr', 'H']) : rng.pick(['female', 'Female', 'f', 'W', 'Mrs']);
      return;
  }
}

// Years that are in the future for any plausible run of these tests.
const REFERENCE_FUTURE = 2031;

// Two e-mail or two date errors on one row would overwrite each other, so one of each at most.
const group = (k: ErrorKind): string => (k.startsWith('email_') ? 'email' : k.startsWith('date_') ? 'date' : k);
const usable = (kind: ErrorKind, d: Draft, done: readonly ErrorKind[]): boolean =>
  applicable(kind, d) && !done.some((k) => group(k) === group(kind));

/** Apply 1-2 injected errors to a draft; returns the kinds applied. */
export function applyErrors(rng: Rng, d: Draft, p: Person, s: CountrySamplers): ErrorKind[] {
  const n = rng.chance(0.7) ? 1 : 2;
  const out: ErrorKind[] = [];
  for (let i = 0; i < n; i++) {
    let kind = rng.pick(ERROR_KINDS);
    for (let t = 0; t < 3 && !usable(kind, d, out); t++) kind = rng.pick(ERROR_KINDS);
    if (!usable(kind, d, out)) continue;
    applyOne(kind, rng, d, p, s);
    out.push(kind);
  }
  return out;
}
