// Reused scratch buffers (grown on demand): the hot loop must not allocate.
const scratch = { a: new Int32Array(64), b: new Int32Array(64), stamp: 0 };

/** Jaro similarity in [0, 1]. */
export function jaro(a: string, b: string): number {
  if (a === b) return 1;
  const la = a.length;
  const lb = b.length;
  if (la === 0 || lb === 0) return 0;
  if (scratch.a.length < la || scratch.b.length < lb) {
    scratch.a = new Int32Array(Math.max(la, lb) * 2);
    scratch.b = new Int32Array(Math.max(la, lb) * 2);
    scratch.stamp = 0;
  }
  // Stamps instead of clearing: a slot is "matched" when it holds the current stamp.
  if (scratch.stamp >= 0x7ffffff0) {
    scratch.a.fill(0);
    scratch.b.fill(0);
    scratch.stamp = 0;
  }
  const st = ++scratch.stamp;
  const fa = scratch.a;
  const fb = scratch.b;
  const range = Math.max(0, (Math.max(la, lb) >> 1) - 1);
  let matches = 0;
  for (let i = 0; i < la; i++) {
    const lo = i > range ? i - range : 0;
    const hi = i + range + 1 < lb ? i + range + 1 : lb;
    const c = a.charCodeAt(i);
    for (let j = lo; j < hi; j++) {
      if (fb[j] !== st && b.charCodeAt(j) === c) {
        fa[i] = st;
        fb[j] = st;
        matches++;
        break;
      }
    }
  }
  if (matches === 0) return 0;
  let t = 0;
  let k = 0;
  for (let i = 0; i < la; i++) {
    if (fa[i] !== st) continue;
    while (fb[k] !== st) k++;
    if (a.charCodeAt(i) !== b.charCodeAt(k)) t++;
    k++;
  }
  return (matches / la + matches / lb + (matches - t / 2) / matches) / 3;
}

/** Jaro-Winkler similarity (prefix scale 0.1, prefix up to 4, boost above 0.7). */
export function jaroWinkler(a: string, b: string): number {
  const j = jaro(a, b);
  if (j <= 0.7) return j;
  const max = Math.min(4, a.length, b.length);
  let p = 0;
  while (p < max && a.charCodeAt(p) === b.charCodeAt(p)) p++;
  return j + p * 0.1 * (1 - j);
}
