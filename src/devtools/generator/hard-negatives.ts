import { type Ymd, daysInMonth, makeEmail, randomDob, randomPhone, REFERENCE_YEAR } from './fields.js';
import { COMMON_FULL_NAMES } from './names.data.js';
import { type CountrySamplers, type Person, newPerson, randomFirst } from './person.js';
import type { Rng } from './prng.js';

/** Distinct people who look alike: the cases a matcher must NOT merge. */
export const HARD_NEGATIVE_KINDS = ['household', 'twins', 'father_son', 'common_name'] as const;

/** One kind of hard non-match cluster. */
export type HardNegativeKind = (typeof HARD_NEGATIVE_KINDS)[number];

/** A cluster of distinct people generated together. */
export type HardNegativeCluster = { kind: HardNegativeKind; members: Person[] };

function firstNotIn(rng: Rng, s: CountrySamplers, gender: 'M' | 'F', taken: readonly string[]): string {
  for (let i = 0; i < 8; i++) {
    const f = randomFirst(rng, s, gender);
    if (!taken.includes(f)) return f;
  }
  return gender === 'M' ? 'Oliver' : 'Olivia';
}

function shiftYears(rng: Rng, d: Ymd, years: number): Ymd {
  const y = Math.min(d.y + years, REFERENCE_YEAR - 18);
  const m = rng.range(1, 12);
  return { y, m, d: rng.range(1, daysInMonth(y, m)) };
}

function email(rng: Rng, s: CountrySamplers, first: string, last: string, dob: Ymd | null): string {
  return makeEmail(rng, first, last, dob?.y ?? 1980, s.domains.pick(rng), s.german, true);
}

function household(rng: Rng, s: CountrySamplers): Person[] {
  const anchor = newPerson(rng, s, { dob: randomDob(rng, 35, 85) });
  const landline = randomPhone(rng, s.data, anchor.address.cityRef, false);
  anchor.phone = landline;
  const taken = [anchor.first];
  const spouseGender = rng.chance(0.9) ? (anchor.gender === 'M' ? 'F' : 'M') : anchor.gender;
  const spouseFirst = firstNotIn(rng, s, spouseGender, taken);
  taken.push(spouseFirst);
  const spouseDob = anchor.dob ? shiftYears(rng, anchor.dob, rng.range(-6, 6)) : null;
  const spouseLast = rng.chance(0.85) ? anchor.last : s.last.pick(rng);
  const spouse = newPerson(rng, s, {
    gender: spouseGender, first: spouseFirst, last: spouseLast, dob: spouseDob, address: anchor.address,
    // Couples sometimes share one mailbox: a strong but misleading signal.
    email: rng.chance(0.1) ? anchor.email : email(rng, s, spouseFirst, spouseLast, spouseDob),
    phone: rng.chance(0.7) ? landline : randomPhone(rng, s.data, anchor.address.cityRef, true),
  });
  const members = [anchor, spouse];
  const kids = rng.int(3);
  for (let k = 0; k < kids && anchor.dob; k++) {
    const g = rng.chance(0.5) ? 'M' : 'F';
    const f = firstNotIn(rng, s, g, taken);
    taken.push(f);
    const dob = shiftYears(rng, anchor.dob, rng.range(22, 38));
    members.push(newPerson(rng, s, {
      gender: g, first: f, last: anchor.last, dob, address: anchor.address, email: email(rng, s, f, anchor.last, dob),
      phone: rng.chance(0.5) ? landline : randomPhone(rng, s.data, anchor.address.cityRef, true),
    }));
  }
  return members;
}

function twins(rng: Rng, s: CountrySamplers): Person[] {
  const a = newPerson(rng, s, { dob: randomDob(rng, 18, 70) });
  const g = rng.chance(0.5) ? 'M' : 'F';
  const f = firstNotIn(rng, s, g, [a.first]);
  const shared = rng.chance(0.4);
  if (shared) a.phone = randomPhone(rng, s.data, a.address.cityRef, false);
  const b = newPerson(rng, s, {
    gender: g, first: f, last: a.last, dob: a.dob, address: a.address, email: email(rng, s, f, a.last, a.dob),
    phone: shared ? a.phone : randomPhone(rng, s.data, a.address.cityRef, true),
  });
  return [a, b];
}

function fatherSon(rng: Rng, s: CountrySamplers): Person[] {
  const father = newPerson(rng, s, { gender: 'M', dob: randomDob(rng, 48, 90), suffix: rng.chance(0.15) ? 'Sr' : '' });
  const dob = father.dob ? shiftYears(rng, father.dob, rng.range(25, 35)) : randomDob(rng, 18, 40);
  const shared = rng.chance(0.5);
  if (shared) father.phone = randomPhone(rng, s.data, father.address.cityRef, false);
  const son = newPerson(rng, s, {
    gender: 'M', first: father.first, last: father.last, middle: rng.chance(0.7) ? father.middle : undefined, dob, suffix: 'Jr',
    address: father.address, email: email(rng, s, father.first, father.last, dob),
    phone: shared ? father.phone : randomPhone(rng, s.data, father.address.cityRef, true),
  });
  son.middleMode = father.middleMode;
  return [father, son];
}

function commonName(rng: Rng, s: CountrySamplers): Person[] {
  const names = COMMON_FULL_NAMES[s.data.code] ?? COMMON_FULL_NAMES.US!;
  const [first, last, gender] = rng.pick(names);
  const n = rng.range(3, 6);
  const out: Person[] = [];
  for (let i = 0; i < n; i++) {
    const dob = randomDob(rng);
    out.push(newPerson(rng, s, { first, last, gender, dob, email: rng.chance(0.9) ? email(rng, s, first, last, dob) : '' }));
  }
  return out;
}

/** Relative frequency of each cluster kind. */
const KIND_CUMULATIVE: readonly (readonly [number, HardNegativeKind])[] = [
  [0.4, 'household'], [0.6, 'twins'], [0.8, 'father_son'], [1, 'common_name'],
];

/** Build one hard non-match cluster of distinct people. */
export function makeHardNegativeCluster(rng: Rng, s: CountrySamplers): HardNegativeCluster {
  const r = rng.float();
  const kind = KIND_CUMULATIVE.find(([p]) => r < p)?.[1] ?? 'common_name';
  const members = kind === 'household' ? household(rng, s) : kind === 'twins' ? twins(rng, s) : kind === 'father_son' ? fatherSon(rng, s) : commonName(rng, s);
  return { kind, members };
}
