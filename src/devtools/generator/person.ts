import { COUNTRIES, type CountryData } from './addresses.data.js';
import { type Address, type Phone, type Ymd, formatPhone, isoDate, makeEmail, randomAddress, randomDob, randomLoyaltyCard, randomPhone, PHONE_FORMAT_COUNT } from './fields.js';
import { NAME_SETS } from './names.data.js';
import { type Rng, WeightedPicker } from './prng.js';

/** The true identity behind one or more records. Internal to the generator. */
export type Person = {
  entityId: string;
  country: CountryData;
  first: string;
  middle: string;
  last: string;
  /** Generational suffix shown on some of the person's records ("Jr" for the son in father & son). */
  suffix: '' | 'Jr' | 'Sr';
  gender: 'M' | 'F';
  showGender: boolean;
  /** How the middle name is usually written: 0 full, 1 initial, 2 omitted. */
  middleMode: number;
  dob: Ymd | null;
  email: string;
  phone: Phone | null;
  phoneFormat: number;
  address: Address;
  loyalty: string;
  /** Records emitted so far for this person (original + duplicates). */
  records: number;
};

/** A record being assembled; the same fields as the CSV minus the ids. */
export type Draft = {
  first_name: string;
  middle_name: string;
  last_name: string;
  date_of_birth: string;
  gender: string;
  email: string;
  phone: string;
  street: string;
  city: string;
  postcode: string;
  state: string;
  country: string;
  loyalty_card: string;
};

/** Pre-built weighted samplers for one country. */
export type CountrySamplers = {
  data: CountryData;
  german: boolean;
  male: WeightedPicker<string>;
  female: WeightedPicker<string>;
  last: WeightedPicker<string>;
  cities: WeightedPicker<CountryData['cities'][number]>;
  domains: WeightedPicker<string>;
};

const samplerCache = new Map<string, CountrySamplers>();

/** Samplers for a country (built once; the lists are constant). */
export function samplersFor(code: string): CountrySamplers {
  const cached = samplerCache.get(code);
  if (cached) return cached;
  const data = COUNTRIES[code];
  const names = NAME_SETS[code];
  if (!data || !names) throw new Error(`Unsupported country: ${code}`);
  // Offsets tuned so the top surname is ~1-2% and the top given name ~2-3%, with a long tail.
  const s: CountrySamplers = {
    data,
    german: code === 'DE',
    male: WeightedPicker.zipf(names.male, 1.05, 6),
    female: WeightedPicker.zipf(names.female, 1.05, 6),
    last: WeightedPicker.zipf(names.last, 1.0, 20),
    cities: WeightedPicker.zipf(data.cities, 0.9, 2),
    domains: WeightedPicker.zipf(data.emailDomains, 1.3, 1),
  };
  samplerCache.set(code, s);
  return s;
}

/** A given name of the given gender. */
export function randomFirst(rng: Rng, s: CountrySamplers, gender: 'M' | 'F'): string {
  return (gender === 'M' ? s.male : s.female).pick(rng);
}

/** A fresh, independent person. */
export function newPerson(rng: Rng, s: CountrySamplers, overrides: Partial<Person> = {}): Person {
  const gender = overrides.gender ?? (rng.chance(0.5) ? 'F' : 'M');
  const first = overrides.first ?? randomFirst(rng, s, gender);
  const last = overrides.last ?? s.last.pick(rng);
  const dob = overrides.dob !== undefined ? overrides.dob : rng.chance(0.97) ? randomDob(rng) : null;
  const city = overrides.address?.cityRef ?? s.cities.pick(rng);
  const address = overrides.address ?? randomAddress(rng, s.data, city);
  const birthYear = dob?.y ?? 1980;
  const p: Person = {
    entityId: '',
    country: s.data,
    first,
    middle: overrides.middle ?? (rng.chance(0.6) ? randomFirst(rng, s, gender) : ''),
    last,
    suffix: overrides.suffix ?? '',
    gender,
    showGender: rng.chance(0.92),
    middleMode: rng.chance(0.35) ? 0 : rng.chance(0.4) ? 1 : 2,
    dob,
    email: overrides.email ?? (rng.chance(0.92) ? makeEmail(rng, first, last, birthYear, s.domains.pick(rng), s.german) : ''),
    phone: overrides.phone !== undefined ? overrides.phone : rng.chance(0.9) ? randomPhone(rng, s.data, city, rng.chance(0.65)) : null,
    // Most people's numbers are written in the country's usual national style.
    phoneFormat: rng.chance(0.55) ? 0 : rng.int(PHONE_FORMAT_COUNT),
    address,
    loyalty: overrides.loyalty ?? (rng.chance(0.4) ? randomLoyaltyCard(rng) : ''),
    records: 0,
  };
  return p;
}

/** Render the middle name in one of its written forms. */
export function renderMiddle(middle: string, mode: number): string {
  if (!middle || mode === 2) return '';
  return mode === 1 ? middle[0] as string : middle;
}

/** Last name with the generational suffix, written in one of its common styles. */
export function renderLast(rng: Rng, p: Person): string {
  if (!p.suffix || rng.chance(0.4)) return p.last;
  const r = rng.int(3);
  return r === 0 ? `${p.last} ${p.suffix}` : r === 1 ? `${p.last} ${p.suffix}.` : `${p.last}, ${p.suffix}.`;
}

/** The person's canonical record (before duplicate variations or errors). */
export function baseDraft(rng: Rng, p: Person): Draft {
  return {
    first_name: p.first,
    middle_name: renderMiddle(p.middle, p.middleMode),
    last_name: renderLast(rng, p),
    date_of_birth: p.dob ? isoDate(p.dob) : '',
    gender: p.showGender ? p.gender : '',
    email: p.email,
    phone: p.phone ? formatPhone(p.phone, p.country, p.phoneFormat) : '',
    street: p.address.street,
    city: p.address.city,
    postcode: p.address.postcode,
    state: p.address.state,
    country: p.country.code,
    loyalty_card: p.loyalty,
  };
}
