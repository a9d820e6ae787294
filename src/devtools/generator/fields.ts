import type { City, CountryData } from './addresses.data.js';
import type { Rng } from './prng.js';

// Field builders and formatters shared by the base generator, duplicate variations and error injection.

/** Dates are fixed relative to this year (never the clock) so output is reproducible. */
export const REFERENCE_YEAR = 2025;

/** A calendar date. */
export type Ymd = { y: number; m: number; d: number };

/** A phone number: national significant digits plus the area-code length used for grouping. */
export type Phone = { nsn: string; areaLen: number; mobile: boolean };

/** A postal address inside one country. */
export type Address = { street: string; city: string; postcode: string; state: string; cityRef: City };

const pad2 = (n: number): string => (n < 10 ? '0' + n : String(n));

/** True for Gregorian leap years. */
export function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

/** Number of days in month m (1-12) of year y. */
export function daysInMonth(y: number, m: number): number {
  if (m === 2) return isLeap(y) ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

/** ISO `YYYY-MM-DD`. */
export function isoDate(d: Ymd): string {
  return `${d.y}-${pad2(d.m)}-${pad2(d.d)}`;
}

/** A birth date for an adult aged 18-95, skewed towards working ages. */
export function randomDob(rng: Rng, minAge = 18, maxAge = 95): Ymd {
  // Mean of two uniforms: a gentle hump around middle age rather than a flat spread.
  const t = (rng.float() + rng.float()) / 2;
  const age = minAge + Math.floor(t * (maxAge - minAge + 1));
  const y = REFERENCE_YEAR - age;
  const m = rng.range(1, 12);
  return { y, m, d: rng.range(1, daysInMonth(y, m)) };
}

/** Clamp a date so its day exists in its month (after shifting years/months). */
export function fixDay(d: Ymd): Ymd {
  const max = daysInMonth(d.y, d.m);
  return d.d > max ? { y: d.y, m: d.m, d: max } : d;
}

// ---------- phones ----------

/** A landline in the city's area code, or a mobile, valid for the country's numbering plan. */
export function randomPhone(rng: Rng, country: CountryData, city: City, mobile: boolean): Phone {
  if (mobile && country.code !== 'US') {
    const p = rng.pick(country.mobilePrefixes);
    // NSN lengths: GB 10, AU 9, DE 10-11 (015x mobiles are one digit longer).
    const len = country.code === 'GB' ? 10 : country.code === 'AU' ? 9 : p.startsWith('15') ? 11 : 10;
    return { nsn: p + rng.digits(len - p.length), areaLen: country.code === 'GB' ? 4 : 3, mobile };
  }
  const a = rng.pick(city.areas);
  const first = rng.pick(a.first);
  switch (country.code) {
    case 'US': {
      // NXX exchange: never 555 (fictional) or N11 (service codes).
      let exch = first + rng.digits(3 - first.length);
      if (exch === '555' || exch.endsWith('11')) exch = first + '47';
      return { nsn: a.code + exch + rng.digits(4), areaLen: 3, mobile };
    }
    case 'GB':
      return { nsn: a.code + first + rng.digits(10 - a.code.length - first.length), areaLen: a.code.length, mobile };
    case 'DE':
      return { nsn: a.code + first + rng.digits((a.code.length === 2 ? 8 : 7) - first.length), areaLen: a.code.length, mobile };
    default:
      return { nsn: a.code + first + rng.digits(8 - first.length), areaLen: 1, mobile };
  }
}

function groupRest(rest: string, sep: string): string {
  if (rest.length === 8) return rest.slice(0, 4) + sep + rest.slice(4);
  if (rest.length === 7) return rest.slice(0, 3) + sep + rest.slice(3);
  if (rest.length === 6) return rest.slice(0, 3) + sep + rest.slice(3);
  return rest;
}

/** Number of distinct valid formats per country (see formatPhone). */
export const PHONE_FORMAT_COUNT = 6;

/**
 * Render a phone in one of several valid real-world styles. Format 0 is the country's most common
 * national style; 1-2 are international; the rest are compact or alternative punctuation.
 */
export function formatPhone(p: Phone, country: CountryData, format: number): string {
  const cc = country.dialCode;
  const area = p.nsn.slice(0, p.areaLen);
  const rest = p.nsn.slice(p.areaLen);
  if (country.code === 'US') {
    const a = area;
    const b = rest.slice(0, 3);
    const c = rest.slice(3);
    switch (format % PHONE_FORMAT_COUNT) {
      case 0: return `(${a}) ${b}-${c}`;
      case 1: return `+1 ${a} ${b} ${c}`;
      case 2: return `+1${p.nsn}`;
      case 3: return `${a}.${b}.${c}`;
      case 4: return p.nsn;
      default: return `${a}-${b}-${c}`;
    }
  }
  const auMobile = country.code === 'AU' && p.mobile;
  const grouped = auMobile ? `${rest.slice(0, 3)} ${rest.slice(3)}` : groupRest(rest, ' ');
  switch (format % PHONE_FORMAT_COUNT) {
    case 0: return country.code === 'AU' && !p.mobile ? `(0${area}) ${grouped}` : `0${area} ${grouped}`;
    case 1: return `+${cc} ${area} ${grouped}`;
    case 2: return `+${cc}${p.nsn}`;
    case 3: return country.code === 'DE' ? `0${area}/${rest}` : `0${area}${rest}`;
    case 4: return `${country.idd} ${cc} ${area} ${rest}`;
    default: return `+${cc} (0)${area} ${grouped}`;
  }
}

// ---------- addresses ----------

const GB_INWARD_LETTERS = 'ABDEFGHJLNPQRSTUWXYZ';

/** A postcode consistent with the city. */
export function randomPostcode(rng: Rng, country: CountryData, city: City): string {
  switch (country.code) {
    case 'US':
      return city.post + rng.digits(2);
    case 'DE':
      return rng.pick(city.post.split(' ')) + rng.digits(3);
    case 'AU': {
      const [lo, hi] = city.post.split('-');
      const n = rng.range(Number(lo), Number(hi));
      return String(n).padStart(4, '0');
    }
    default: {
      const area = rng.pick(city.post.split(' '));
      const inward = String(rng.range(1, 9)) + GB_INWARD_LETTERS[rng.int(20)] + GB_INWARD_LETTERS[rng.int(20)];
      return `${area}${rng.range(1, area.length === 1 ? 40 : 20)} ${inward}`;
    }
  }
}

/** A street line in the country's usual order, sometimes with a flat/apartment. */
export function randomStreet(rng: Rng, country: CountryData): string {
  const name = rng.pick(country.streets);
  switch (country.code) {
    case 'US': {
      const line = `${rng.range(1, 9899)} ${name}`;
      if (!rng.chance(0.12)) return line;
      const apt = `${rng.range(1, 30)}${rng.chance(0.4) ? 'ABCD'[rng.int(4)] : ''}`;
      return rng.chance(0.5) ? `${line}, Apt ${apt}` : `${line} Apt ${apt}`;
    }
    case 'DE':
      return `${name} ${rng.range(1, 180)}${rng.chance(0.08) ? 'abc'[rng.int(3)] : ''}`;
    case 'AU':
      return rng.chance(0.15) ? `${rng.range(1, 40)}/${rng.range(1, 300)} ${name}` : `${rng.range(1, 300)} ${name}`;
    default:
      return rng.chance(0.12) ? `Flat ${rng.range(1, 40)}, ${rng.range(1, 250)} ${name}` : `${rng.range(1, 250)} ${name}`;
  }
}

/** A full address in the given city. */
export function randomAddress(rng: Rng, country: CountryData, city: City): Address {
  return { street: randomStreet(rng, country), city: city.city, postcode: randomPostcode(rng, country, city), state: city.state, cityRef: city };
}

// ---------- e-mail ----------

const GERMAN_FOLD: Record<string, string> = { ä: 'ae', ö: 'oe', ü: 'ue', ß: 'ss', Ä: 'ae', Ö: 'oe', Ü: 'ue' };
const NON_ASCII = /[^\x20-\x7e]/;

/** Lower-case ASCII slug of a name for mailbox local parts (José -> jose, Müller -> mueller in DE). */
export function mailSlug(name: string, german: boolean): string {
  let s = name;
  if (NON_ASCII.test(s)) {
    if (german) s = s.replace(/[äöüßÄÖÜ]/g, (c) => GERMAN_FOLD[c] ?? c);
    s = s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/ı/g, 'i');
  }
  return s.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/**
 * A plausible personal e-mail derived from the name (j.smith84@gmail.com and friends).
 * `numbered` forces a numeric suffix, used where distinct people share a name.
 */
export function makeEmail(rng: Rng, first: string, last: string, birthYear: number, domain: string, german: boolean, numbered = false): string {
  const f = mailSlug(first, german) || 'user';
  const l = mailSlug(last, german) || 'mail';
  const yy = pad2(birthYear % 100);
  const n = String(rng.range(1, 999));
  let local: string;
  const r = rng.int(numbered ? 4 : 10);
  switch (r) {
    case 0: local = `${f}.${l}${yy}`; break;
    case 1: local = `${f}${l}${n}`; break;
    case 2: local = `${f[0]}.${l}${yy}`; break;
    case 3: local = `${l}${f[0]}${n}`; break;
    case 4: local = `${f}.${l}`; break;
    case 5: local = `${f}.${l}`; break;
    case 6: local = `${f}${l}`; break;
    case 7: local = `${f[0]}${l}`; break;
    case 8: local = `${f}_${l}`; break;
    default: local = `${f}${yy}`; break;
  }
  return `${local}@${domain}`;
}

// ---------- loyalty card ----------

/** Luhn check digit for a string of digits. */
export function luhnCheckDigit(digits: string): number {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let v = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 0) {
      v *= 2;
      if (v > 9) v -= 9;
    }
    sum += v;
  }
  return (10 - (sum % 10)) % 10;
}

/** True when the digit string passes the Luhn check. */
export function isLuhnValid(num: string): boolean {
  return /^\d{2,}$/.test(num) && luhnCheckDigit(num.slice(0, -1)) === Number(num[num.length - 1]);
}

/** A 16-digit loyalty card number with a Luhn check digit. */
export function randomLoyaltyCard(rng: Rng): string {
  const body = '6035' + rng.digits(11);
  return body + luhnCheckDigit(body);
}
