import { jaroWinkler } from './compare/jaro-winkler.js';
import { withinOneEdit } from './compare/damerau-levenshtein.js';
import { dayMonthSwappedDigits, eightDigitsWithinOneEdit } from './compare/eight-digits.js';
import { packedWithinOneEdit } from './compare/packed-digits.js';
import { sortedCommon, sortedJaccard } from './compare/token-similarity.js';
import { areNicknames } from './nicknames.js';
import type { EncodedDataset } from './encoded-dataset.js';

/** Computes the comparison level (0 = null) of one column for a record pair. */
export type LevelFn = (i: number, j: number) => number;

const CACHE_BITS = 18;
// Levels are small (-1..6); a slot keeps vb and the level in one int: vb * 32 + level + 16.
const LEVEL_BITS = 5;
const MAX_PACKED_ID = 2 ** (31 - LEVEL_BITS);

// Level of a value pair depends only on the two value ids: a direct-mapped cache in typed arrays
// (no allocation, collisions simply overwrite) saves repeated Jaro-Winkler work inside blocks. Both ids and
// the level share one 8-byte slot, so a lookup costs one cache miss, not one per array.
// `symmetric` false: the ids come from two different dictionaries, so (a, b) and (b, a) differ.
function memo(compute: (va: number, vb: number) => number, symmetric = true): (va: number, vb: number) => number {
  const size = 1 << CACHE_BITS;
  // slots[2s] = va (-1: empty), slots[2s + 1] = vb and level packed.
  const slots = new Int32Array(size * 2).fill(-1);
  return (va, vb) => {
    if (symmetric && va > vb) {
      const t = va;
      va = vb;
      vb = t;
    }
    // Ids past the packing range (dictionaries of over 67 million values) are computed every time.
    if (vb >= MAX_PACKED_ID) return compute(va, vb);
    const at = ((Math.imul(va, 0x9e3779b1) ^ Math.imul(vb, 0x85ebca6b)) >>> (32 - CACHE_BITS)) << 1;
    const packed = slots[at + 1]!;
    if (slots[at] === va && packed >> LEVEL_BITS === vb) return (packed & 31) - 16;
    const l = compute(va, vb);
    slots[at] = va;
    slots[at + 1] = (vb << LEVEL_BITS) | (l + 16);
    return l;
  };
}

function nameLevel(ds: EncodedDataset, c: number, p: number): LevelFn {
  const f = ds.features[c]!;
  const partner = p >= 0 ? ds.features[p]! : null;
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
  const S = ds.rowStride;
  const o = ds.rowOffset[c]!;
  const po = p >= 0 ? ds.rowOffset[p]! : 0;
  return (i, j) => {
    const r = ds.rows.data;
    const x = i * S;
    const y = j * S;
    const va = r[x + o]!;
    const vb = r[y + o]!;
    if (va < 0 || vb < 0) return 0;
    if (va === vb) return 1;
    if (partner) {
      const pa = r[x + po]!;
      const pb = r[y + po]!;
      // Swap: my value equals the other's partner value and vice versa (exact or close).
      if (pa >= 0 && pb >= 0 && pa !== pb && crossClose!(va, pb) === 1 && crossClose!(vb, pa) === 1) return 2;
    }
    const l = fuzzy(va, vb);
    if (l >= 0) return l;
    // Phonetic codes (a1, a2).
    const p1 = r[x + o + 1]!, p2 = r[x + o + 2]!, q1 = r[y + o + 1]!, q2 = r[y + o + 2]!;
    if (p1 >= 0 && (p1 === q1 || p1 === q2)) return 5 + off;
    if (p2 >= 0 && (p2 === q1 || p2 === q2)) return 5 + off;
    return 6 + off;
  };
}

function fullNameLevel(ds: EncodedDataset, c: number): LevelFn {
  const f = ds.features[c]!;
  const S = ds.rowStride;
  const oc = ds.rowOffset[c]!;
  return (i, j) => {
    const r = ds.rows.data;
    const va = r[i * S + oc]!;
    const vb = r[j * S + oc]!;
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

function dateLevel(ds: EncodedDataset, c: number): LevelFn {
  const S = ds.rowStride;
  const o = ds.rowOffset[c]!;
  return (i, j) => {
    const r = ds.rows.data;
    const x = i * S + o;
    const y = j * S + o;
    const va = r[x]!;
    const vb = r[y]!;
    if (va < 0 || vb < 0) return 0;
    if (va === vb) return 1;
    // YYYYMMDD as numbers (a3; every date value has one).
    const na = r[x + 2]!;
    const nb = r[y + 2]!;
    if (dayMonthSwappedDigits(na, nb)) return 2;
    if (eightDigitsWithinOneEdit(na, nb)) return 3;
    // Day numbers (a1).
    const da = r[x + 1]!;
    const db = r[y + 1]!;
    if (da < 0 || db < 0) return 6;
    const dd = Math.abs(da - db);
    if (dd <= 366) return 4;
    if (dd <= 3653) return 5;
    return 6;
  };
}

function emailLevel(ds: EncodedDataset, c: number): LevelFn {
  const aux = ds.features[c]!.aux.values;
  const S = ds.rowStride;
  const o = ds.rowOffset[c]!;
  return (i, j) => {
    const r = ds.rows.data;
    const x = i * S + o;
    const y = j * S + o;
    const va = r[x]!;
    const vb = r[y]!;
    if (va < 0 || vb < 0) return 0;
    if (va === vb) return 1;
    // Local parts (a1).
    const la = r[x + 1]!;
    const lb = r[y + 1]!;
    if (la === lb) return 2;
    // Local parts are often name + digits (birth year, counter): a typo'd copy keeps the digits,
    // a namesake's address usually does not, so the digits (a3) must agree for the fuzzy level.
    if (r[x + 2] !== r[y + 2]) return 4;
    if (jaroWinkler(aux[la]!, aux[lb]!) >= 0.88) return 3;
    return 4;
  };
}

function phoneLevel(ds: EncodedDataset, c: number): LevelFn {
  const values = ds.features[c]!.dict.values;
  const S = ds.rowStride;
  const o = ds.rowOffset[c]!;
  return (i, j) => {
    const r = ds.rows.data;
    const x = i * S + o;
    const y = j * S + o;
    const va = r[x]!;
    const vb = r[y]!;
    if (va < 0 || vb < 0) return 0;
    if (va === vb) return 1;
    // Last seven digits (a1).
    if (r[x + 1] === r[y + 1]) return 2;
    // The digits packed (a2 low, a3 high and length) when both fit; the strings otherwise.
    const ha = r[x + 3]!;
    const hb = r[y + 3]!;
    const close = ha >= 0 && hb >= 0 ? packedWithinOneEdit(ha, r[x + 2]!, hb, r[y + 2]!) : withinOneEdit(values[va]!, values[vb]!);
    return close ? 3 : 4;
  };
}

function editLevel(ds: EncodedDataset, c: number, withDistrict: boolean): LevelFn {
  const values = ds.features[c]!.dict.values;
  const S = ds.rowStride;
  const o = ds.rowOffset[c]!;
  return (i, j) => {
    const r = ds.rows.data;
    const x = i * S + o;
    const y = j * S + o;
    const va = r[x]!;
    const vb = r[y]!;
    if (va < 0 || vb < 0) return 0;
    if (va === vb) return 1;
    if (withinOneEdit(values[va]!, values[vb]!)) return 2;
    // Postcode district (a1).
    if (withDistrict) return r[x + 1] === r[y + 1] ? 3 : 4;
    return 3;
  };
}

function fuzzyTextLevel(ds: EncodedDataset, c: number): LevelFn {
  const values = ds.features[c]!.dict.values;
  const fuzzy = memo((va, vb) => {
    const jw = jaroWinkler(values[va]!, values[vb]!);
    return jw >= 0.92 ? 2 : jw >= 0.8 ? 3 : 4;
  });
  const S = ds.rowStride;
  const o = ds.rowOffset[c]!;
  return (i, j) => {
    const r = ds.rows.data;
    const va = r[i * S + o]!;
    const vb = r[j * S + o]!;
    if (va < 0 || vb < 0) return 0;
    if (va === vb) return 1;
    return fuzzy(va, vb);
  };
}

function exactLevel(ds: EncodedDataset, c: number): LevelFn {
  const S = ds.rowStride;
  const o = ds.rowOffset[c]!;
  return (i, j) => {
    const r = ds.rows.data;
    const va = r[i * S + o]!;
    const vb = r[j * S + o]!;
    if (va < 0 || vb < 0) return 0;
    return va === vb ? 1 : 2;
  };
}

/** Build the level function of every comparison of a dataset. */
export function buildLevelFns(ds: EncodedDataset): LevelFn[] {
  return ds.features.map((f, c) => {
    switch (f.spec.kind) {
      case 'name': {
        const swap = f.spec.levels.includes('given/family swapped');
        const partnerRole = f.spec.role === 'givenName' ? 'familyName' : 'givenName';
        const partner = swap ? ds.featureByRole(partnerRole) : undefined;
        return nameLevel(ds, c, partner ? ds.features.indexOf(partner) : -1);
      }
      case 'fullName':
        return fullNameLevel(ds, c);
      case 'date':
        return dateLevel(ds, c);
      case 'email':
        return emailLevel(ds, c);
      case 'phone':
        return phoneLevel(ds, c);
      case 'identifier':
        return editLevel(ds, c, false);
      case 'postcode':
        return editLevel(ds, c, true);
      case 'fuzzyText':
        return fuzzyTextLevel(ds, c);
      case 'exact':
        return exactLevel(ds, c);
    }
  });
}
