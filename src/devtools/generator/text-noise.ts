import type { Rng } from './prng.js';

// QWERTY neighbours: substitution typos come from adjacent keys, as real ones do.
const ROWS = ['qwertyuiop', 'asdfghjkl', 'zxcvbnm'];
const NEIGHBOURS: Record<string, string> = {};
for (let r = 0; r < ROWS.length; r++) {
  const row = ROWS[r] as string;
  for (let i = 0; i < row.length; i++) {
    let n = (row[i - 1] ?? '') + (row[i + 1] ?? '');
    const above = ROWS[r - 1];
    const below = ROWS[r + 1];
    if (above) n += (above[i] ?? '') + (above[i + 1] ?? '');
    if (below) n += (below[i] ?? '') + (below[i - 1] ?? '');
    NEIGHBOURS[row[i] as string] = n;
  }
}

const isLetter = (c: string | undefined): boolean => c !== undefined && c.toLowerCase() !== c.toUpperCase();

function keepCase(orig: string, repl: string): string {
  return orig === orig.toUpperCase() ? repl.toUpperCase() : repl;
}

/**
 * One realistic keyboard typo: adjacent transposition, deletion, neighbour-key substitution or a
 * doubled letter. First letters are rarely wrong, so edits start from index 1 when possible.
 */
export function typo(rng: Rng, s: string): string {
  if (s.length < 3) return s;
  for (let attempt = 0; attempt < 4; attempt++) {
    const i = rng.range(1, s.length - 2);
    const c = s[i] as string;
    if (!isLetter(c)) continue;
    const op = rng.int(4);
    let out: string;
    if (op === 0 && isLetter(s[i + 1])) out = s.slice(0, i) + s[i + 1] + c + s.slice(i + 2);
    else if (op === 1) out = s.slice(0, i) + s.slice(i + 1);
    else if (op === 2) {
      const nb = NEIGHBOURS[c.toLowerCase()];
      if (!nb) continue;
      out = s.slice(0, i) + keepCase(c, nb[rng.int(nb.length)] as string) + s.slice(i + 1);
    } else out = s.slice(0, i) + c + s.slice(i);
    if (out !== s) return out;
  }
  return s.slice(0, -1);
}

/** "van der berg" / "O'BRIEN" / "mcdonald": the odd casing people type. */
export function oddCase(rng: Rng, s: string): string {
  const r = rng.int(3);
  if (r === 0) return s.toLowerCase();
  if (r === 1) return s.toUpperCase();
  // Title case that mangles particles and Mc/O' prefixes ("Mcdonald", "O'brien", "Van Der Berg").
  return s.toLowerCase().replace(/(^|[\s-])(\p{L})/gu, (_m, sep: string, ch: string) => sep + ch.toUpperCase());
}

/** Extra whitespace: leading/trailing spaces or a doubled inner space. */
export function whitespaceNoise(rng: Rng, s: string): string {
  if (!s) return s;
  const r = rng.int(3);
  if (r === 0) return ` ${s}`;
  if (r === 1) return `${s}  `;
  const sp = s.indexOf(' ');
  return sp > 0 ? `${s.slice(0, sp)}  ${s.slice(sp + 1)}` : `${s} `;
}
