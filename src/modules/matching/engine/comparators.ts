import { jaroWinkler } from './compare/jaro-winkler.js';
import { withinOneEdit } from './compare/damerau-levenshtein.js';
import { sortedCommon, sortedJaccard } from './compare/token-similarity.js';
import { areNicknames } from './nicknames.js';
import type { EncodedDataset, Feature } from './encoded-dataset.js';

/** Computes the comparison level (0 = null) of one column for a record pair. */
export type LevelFn = (i: number, j: number) => number;

const CACHE_BITS = 18;

// Level of a value pair depends only on the two value ids: a direct-mapped cache in typed arrays
// (no allocation, collisions simply overwrite) saves repeated Jaro-Winkler work inside blocks.
// `symmetric` false: the ids come from two different dictionaries, so (a, b) and (b, a) differ.
function memo(compute: (va: number, vb: number) => number, symmetric = true): (va: number, vb: number) => number {
  const size = 1 << CACHE_BITS;
  const mask = size - 1;
  const keyA = new Int32Array(size).fill(-1);
  const keyB = new Int32Array(size);
  const lev = new Int8Array(size);
  return (va, vb) => {
    if (symmetric && va > vb) {
      const t = va;
      va = vb;
      vb = t;
    }
    const h = (Math.imul(va, 0x9e3779b1) ^ Math.imul(vb, 0x85ebca6b)) >>> (32 - CACHE_BITS);
    const slot = h & mask;
    if (keyA[slot] === va && keyB[slot] === vb) return lev[slot]!;
    const l = compute(va, vb);
    keyA[slot] = va;
    keyB[slot] = vb;
    lev[slot] = l;
    return l;
  };
}

function nameLevel(f: Feature, partner: Feature | null): LevelFn {
  const off = partner ? 1 : 0;
  const values = f.dict.values;
  // My value against the other record's partner value (given vs family name), for the swap level.
  const crossClose = partner
    ? memo((v, pv) => {
        const a = values[v]!;
        const b = partner.dict.values[pv]!;
        return a === b || jaroWinkler(a, b) >= 0.92 ? 1 : 0;
      }, false)
    : null;
  const fuzzy = memo((va, vb) => {
    const a = values[va]!;
    const b = values[vb]!;
    const jw = jaroWinkler(a, b);
    if (jw >= 0.92) return 2 + off;
    if (jw >= 0.88) return 3 + off;
    if (areNicknames(a, b)) return 4 + off;
    return -1;
  });
  return (i, j) => {
    const v = f.val.data;
    const va = v[i]!;
    const vb = v[j]!;
    if (va < 0 || vb < 0) return 0;
    if (va === vb) return 1;
    if (partner) {
      const pv = partner.val.data;
      const pa = pv[i]!;
      const pb = pv[j]!;
      // Swap: my value equals the other's partner value and vice versa (exact or close).
      if (pa >= 0 && pb >= 0 && pa !== pb && crossClose!(va, pb) === 1 && crossClose!(vb, pa) === 1) return 2;
    }
    const l = fuzzy(va, vb);
    if (l >= 0) return l;
    const a1 = f.a1.data;
    const a2 = f.a2.data;
    const p1 = a1[i]!, p2 = a2[i]!, q1 = a1[j]!, q2 = a2[j]!;
    if (p1 >= 0 && (p1 === q1 || p1 === q2)) return 5 + off;
    if (p2 >= 0 && (p2 === q1 || p2 === q2)) return 5 + off;
    return 6 + off;
  };
}

function fullNameLevel(f: Feature): LevelFn {
  return (i, j) => {
    const v = f.val.data;
    const va = v[i]!;
    const vb = v[j]!;
    if (va < 0 || vb < 0) return 0;
    if (va === vb) return 1;
    const o = f.tokOff.data;
    const t = f.tokens.data;
    const jac = sortedJaccard(t, o[i]!, o[i + 1]!, t, o[j]!, o[j + 1]!);
    if (jac >= 0.7) return 2;
    if (jac >= 0.4) return 3;
    if (jac > 0 && sortedCommon(t, o[i]!, o[i + 1]!, t, o[j]!, o[j + 1]!) > 0) return 4;
    return 5;
  };
}

/** YYYYMMDD keys with the same year and month and day swapped (compared in place: this runs per candidate pair). */
function dayMonthSwapped(a: string, b: string): boolean {
  if (a.length !== 8 || b.length !== 8) return false;
  for (let k = 0; k < 4; k++) if (a.charCodeAt(k) !== b.charCodeAt(k)) return false;
  return a.charCodeAt(4) === b.charCodeAt(6) && a.charCodeAt(5) === b.charCodeAt(7) && a.charCodeAt(6) === b.charCodeAt(4) && a.charCodeAt(7) === b.charCodeAt(5);
}

function dateLevel(f: Feature): LevelFn {
  const values = f.dict.values;
  return (i, j) => {
    const v = f.val.data;
    const va = v[i]!;
    const vb = v[j]!;
    if (va < 0 || vb < 0) return 0;
    if (va === vb) return 1;
    const a = values[va]!;
    const b = values[vb]!;
    if (dayMonthSwapped(a, b)) return 2;
    if (withinOneEdit(a, b)) return 3;
    const da = f.a1.data[i]!;
    const db = f.a1.data[j]!;
    if (da < 0 || db < 0) return 6;
    const dd = Math.abs(da - db);
    if (dd <= 366) return 4;
    if (dd <= 3653) return 5;
    return 6;
  };
}

function emailLevel(f: Feature): LevelFn {
  const aux = f.aux.values;
  return (i, j) => {
    const v = f.val.data;
    const va = v[i]!;
    const vb = v[j]!;
    if (va < 0 || vb < 0) return 0;
    if (va === vb) return 1;
    const la = f.a1.data[i]!;
    const lb = f.a1.data[j]!;
    if (la === lb) return 2;
    // Local parts are often name + digits (birth year, counter): a typo'd copy keeps the digits,
    // a namesake's address usually does not, so digits must agree for the fuzzy level.
    if (f.a3.data[i] !== f.a3.data[j]) return 4;
    if (jaroWinkler(aux[la]!, aux[lb]!) >= 0.88) return 3;
    return 4;
  };
}

function phoneLevel(f: Feature): LevelFn {
  const values = f.dict.values;
  return (i, j) => {
    const v = f.val.data;
    const va = v[i]!;
    const vb = v[j]!;
    if (va < 0 || vb < 0) return 0;
    if (va === vb) return 1;
    if (f.a1.data[i] === f.a1.data[j]) return 2;
    if (withinOneEdit(values[va]!, values[vb]!)) return 3;
    return 4;
  };
}

function editLevel(f: Feature, withDistrict: boolean): LevelFn {
  const values = f.dict.values;
  return (i, j) => {
    const v = f.val.data;
    const va = v[i]!;
    const vb = v[j]!;
    if (va < 0 || vb < 0) return 0;
    if (va === vb) return 1;
    if (withinOneEdit(values[va]!, values[vb]!)) return 2;
    if (withDistrict) return f.a1.data[i] === f.a1.data[j] ? 3 : 4;
    return 3;
  };
}

function fuzzyTextLevel(f: Feature): LevelFn {
  const values = f.dict.values;
  const fuzzy = memo((va, vb) => {
    const jw = jaroWinkler(values[va]!, values[vb]!);
    return jw >= 0.92 ? 2 : jw >= 0.8 ? 3 : 4;
  });
  return (i, j) => {
    const v = f.val.data;
    const va = v[i]!;
    const vb = v[j]!;
    if (va < 0 || vb < 0) return 0;
    if (va === vb) return 1;
    return fuzzy(va, vb);
  };
}

function exactLevel(f: Feature): LevelFn {
  return (i, j) => {
    const v = f.val.data;
    const va = v[i]!;
    const vb = v[j]!;
    if (va < 0 || vb < 0) return 0;
    return va === vb ? 1 : 2;
  };
}

/** Build the level function of every comparison of a dataset. */
export function buildLevelFns(ds: EncodedDataset): LevelFn[] {
  return ds.features.map((f) => {
    switch (f.spec.kind) {
      case 'name': {
        const swap = f.spec.levels.includes('given/family swapped');
        const partnerRole = f.spec.role === 'givenName' ? 'familyName' : 'givenName';
        return nameLevel(f, swap ? (ds.featureByRole(partnerRole) ?? null) : null);
      }
      case 'fullName':
        return fullNameLevel(f);
      case 'date':
        return dateLevel(f);
      case 'email':
        return emailLevel(f);
      case 'phone':
        return phoneLevel(f);
      case 'identifier':
        return editLevel(f, false);
      case 'postcode':
        return editLevel(f, true);
      case 'fuzzyText':
        return fuzzyTextLevel(f);
      case 'exact':
        return exactLevel(f);
    }
  });
}
