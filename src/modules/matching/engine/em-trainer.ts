/** Pattern counts fed to EM: level vectors and their pair counts. */
export interface EmInput {
  patterns: Uint8Array[];
  counts: Float64Array;
}

/** Result of one EM run. */
export interface EmResult {
  m: number[][];
  u: number[][];
  lambda: number;
  iterations: number;
  expectedMatches: number;
}

/** Starting m-probabilities: strong agreement is most likely among matches. */
export function initialM(levelCounts: number[]): number[][] {
  return levelCounts.map((L) => {
    const m = [0];
    const k = L - 1;
    // 'exact' gets most mass, intermediate levels a little, 'else' the least.
    for (let l = 1; l <= k; l++) m.push(l === 1 ? 0.7 : l === k ? 0.05 : 0.25 / Math.max(1, k - 2));
    const s = m.reduce((p, x) => p + x, 0);
    return m.map((x) => x / s);
  });
}

/**
 * Expectation–maximisation for the Fellegi–Sunter mixture with u held fixed:
 * estimates m (for the `included` comparisons) and the match share λ among the given pairs.
 */
export function runEm(input: EmInput, uInit: number[][], included: boolean[], mInit: number[][], lambdaInit: number, maxIter = 60, tol = 1e-6, freeU = false): EmResult {
  const C = uInit.length;
  let m = mInit.map((x) => x.slice());
  let u = uInit.map((x) => x.slice());
  let lambda = lambdaInit;
  const P = input.patterns.length;
  const post = new Float64Array(P);
  let it = 0;
  let expected = 0;
  for (; it < maxIter; it++) {
    // E-step in log space to avoid underflow with many comparisons.
    const lm = m.map((x) => x.map((v) => Math.log(Math.max(v, 1e-12))));
    const lu = u.map((x) => x.map((v) => Math.log(Math.max(v, 1e-12))));
    const prior = Math.log(lambda / (1 - lambda));
    let total = 0;
    expected = 0;
    for (let p = 0; p < P; p++) {
      const pat = input.patterns[p]!;
      let w = prior;
      for (let c = 0; c < C; c++) {
        if (!included[c]) continue;
        const l = pat[c]!;
        if (l === 0) continue;
        w += lm[c]![l]! - lu[c]![l]!;
      }
      const pr = w > 40 ? 1 : w < -40 ? 0 : 1 / (1 + Math.exp(-w));
      post[p] = pr;
      expected += pr * input.counts[p]!;
      total += input.counts[p]!;
    }
    const newLambda = Math.min(1 - 1e-9, Math.max(1e-9, expected / total));
    const acc = m.map((x) => new Float64Array(x.length));
    const accU = m.map((x) => new Float64Array(x.length));
    for (let p = 0; p < P; p++) {
      const pat = input.patterns[p]!;
      const w = post[p]! * input.counts[p]!;
      const wu = (1 - post[p]!) * input.counts[p]!;
      for (let c = 0; c < C; c++) {
        acc[c]![pat[c]!]! += w;
        accU[c]![pat[c]!]! += wu;
      }
    }
    if (freeU) {
      // Non-matches among candidates are not random pairs (they share blocking keys and whatever
      // correlates with them): let EM fit their level distribution too; m is what we keep.
      u = u.map((old, c) => {
        if (!included[c]) return old;
        const a = accU[c]!;
        let s = 0;
        for (let l = 1; l < a.length; l++) s += a[l]!;
        if (s <= 0) return old;
        const out = [0];
        for (let l = 1; l < a.length; l++) out.push(Math.max(a[l]! / s, 1e-6));
        return out;
      });
    }
    let delta = Math.abs(newLambda - lambda);
    const newM = m.map((old, c) => {
      if (!included[c]) return old;
      const a = acc[c]!;
      let s = 0;
      for (let l = 1; l < a.length; l++) s += a[l]!;
      if (s <= 0) return old;
      const out = [0];
      // Tiny floor so a level never seen among matches keeps a finite weight.
      for (let l = 1; l < a.length; l++) out.push(Math.max(a[l]! / s, 1e-6));
      for (let l = 1; l < a.length; l++) delta = Math.max(delta, Math.abs(out[l]! - old[l]!));
      return out;
    });
    m = newM;
    lambda = newLambda;
    if (delta < tol) {
      it++;
      break;
    }
  }
  return { m, u, lambda, iterations: it, expectedMatches: expected };
}
