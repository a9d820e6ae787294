// Dates as YYYYMMDD integers: the date comparator's checks on the digits themselves, so a candidate pair costs no
// reads of the two date strings (at a million records each string is a cache miss of its own).

/** Same year, month and day swapped (a ≠ b, both YYYYMMDD). */
export function dayMonthSwappedDigits(a: number, b: number): boolean {
  if (((a / 10000) | 0) !== ((b / 10000) | 0)) return false;
  const ma = ((a / 100) | 0) % 100;
  const mb = ((b / 100) | 0) % 100;
  return ma === b % 100 && mb === a % 100;
}

/** Whether the 8-digit strings of a and b are at most one substitution or one adjacent swap apart. */
export function eightDigitsWithinOneEdit(a: number, b: number): boolean {
  // Equal lengths: an insertion or deletion cannot be one edit. Digits from the last; a swap is two neighbours.
  let first = -1;
  let fa = 0;
  let fb = 0;
  let mismatches = 0;
  for (let k = 0; k < 8; k++) {
    const x = a % 10;
    const y = b % 10;
    if (x !== y) {
      if (mismatches === 0) {
        first = k;
        fa = x;
        fb = y;
      } else if (mismatches === 1) {
        if (k !== first + 1 || x !== fb || y !== fa) return false;
      } else {
        return false;
      }
      mismatches++;
    }
    a = (a / 10) | 0;
    b = (b / 10) | 0;
  }
  return true;
}
