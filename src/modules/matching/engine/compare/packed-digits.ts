// Phone numbers (digit strings) packed into two ints, so the phone comparator's one-edit check reads no strings:
// at a million records each string read is a cache miss of its own, and nearly every candidate pair runs the check.

/** Longest digit string that packs: 9 digits in `lo`, up to 6 in `hi` with the length (hi × 32 + length < 2^31). */
export const MAX_PACKED_DIGITS = 15;

/** The last nine digits as a number, or -1 when the string does not pack. */
export function packLow(digits: string): number {
  if (digits.length > MAX_PACKED_DIGITS || !/^\d+$/.test(digits)) return -1;
  return Number(digits.slice(-9));
}

/** The digits before the last nine, as a number, times 32 plus the length; -1 when the string does not pack. */
export function packHigh(digits: string): number {
  if (digits.length > MAX_PACKED_DIGITS || !/^\d+$/.test(digits)) return -1;
  const hi = digits.length > 9 ? Number(digits.slice(0, -9)) : 0;
  return hi * 32 + digits.length;
}

const da = new Int8Array(MAX_PACKED_DIGITS);
const db = new Int8Array(MAX_PACKED_DIGITS);

function unpack(high: number, low: number, out: Int8Array): number {
  const len = high & 31;
  let hi = (high / 32) | 0;
  for (let k = len - 1; k >= 0; k--) {
    if (k >= len - 9) {
      out[k] = low % 10;
      low = (low / 10) | 0;
    } else {
      out[k] = hi % 10;
      hi = (hi / 10) | 0;
    }
  }
  return len;
}

function sameTail(a: Int8Array, i: number, la: number, b: Int8Array, j: number, lb: number): boolean {
  if (la - i !== lb - j) return false;
  while (i < la) if (a[i++] !== b[j++]) return false;
  return true;
}

/** `withinOneEdit` of two packed digit strings (insert, delete, substitute, adjacent swap). */
export function packedWithinOneEdit(highA: number, lowA: number, highB: number, lowB: number): boolean {
  const la = unpack(highA, lowA, da);
  const lb = unpack(highB, lowB, db);
  if (la === lb) {
    let i = 0;
    while (i < la && da[i] === db[i]) i++;
    if (i === la) return true;
    if (sameTail(da, i + 1, la, db, i + 1, lb)) return true;
    return i + 1 < la && da[i] === db[i + 1] && da[i + 1] === db[i] && sameTail(da, i + 2, la, db, i + 2, lb);
  }
  if (Math.abs(la - lb) !== 1) return false;
  return la < lb ? oneInserted(da, la, db, lb) : oneInserted(db, lb, da, la);
}

/** Whether l (one longer) is s with one digit inserted. */
function oneInserted(s: Int8Array, ls: number, l: Int8Array, ll: number): boolean {
  let i = 0;
  while (i < ls && s[i] === l[i]) i++;
  return sameTail(s, i, ls, l, i + 1, ll);
}
