import { foldText } from './text.js';

// Particles are kept inside the surname but removed for comparison: "van der Berg" ≈ "Berg".
const PARTICLES = new Set(['van', 'von', 'der', 'den', 'de', 'del', 'della', 'da', 'di', 'du', 'la', 'le', 'dos', 'das', 'st', 'ter', 'ten', 'al', 'el', 'bin', 'ibn', 'mac']);
const TITLES = new Set(['mr', 'mrs', 'ms', 'miss', 'mx', 'dr', 'prof', 'sir', 'dame', 'rev', 'jr', 'sr', 'ii', 'iii', 'iv', 'esq', 'phd', 'md']);

/** Standardize a single name (given, family, middle): fold, drop titles and particles, join parts. */
export function standardizeName(raw: string | null | undefined): string | null {
  const f = foldText(raw);
  if (f === null) return null;
  const parts = f.split(' ');
  if (parts.length === 1) return TITLES.has(f) ? null : f;
  const kept = parts.filter((p) => !TITLES.has(p));
  const core = kept.filter((p) => !PARTICLES.has(p));
  const out = (core.length > 0 ? core : kept).join('');
  return out.length === 0 ? null : out;
}

/** Tokens of a full name for token-set comparison: folded, titles dropped, particles dropped. */
export function fullNameTokens(raw: string | null | undefined): string[] {
  const f = foldText(raw);
  if (f === null) return [];
  const out: string[] = [];
  for (const p of f.split(' ')) {
    if (p.length === 0 || TITLES.has(p) || PARTICLES.has(p)) continue;
    out.push(p);
  }
  return out;
}
