// Split a one-column full name into prefix / given / middle / family / suffix.
import { NAME_PARTICLES, NAME_PREFIXES, NAME_SUFFIXES } from './name-rules.data.js';
import { cleanName } from './name.standardizer.js';

export type NameParts = { prefix?: string; given?: string; middle?: string; family?: string; suffix?: string };

function bare(token: string): string {
  return token.toLowerCase().replace(/[.,]/g, '');
}

function isPrefix(token: string): boolean {
  return NAME_PREFIXES.has(bare(token));
}

function isSuffix(token: string): boolean {
  return NAME_SUFFIXES.has(bare(token));
}

/** Peel suffix tokens off the end (keeping at least `keep` tokens); returns them in order. */
function takeSuffixes(tokens: string[], keep: number): string[] {
  const out: string[] = [];
  while (tokens.length > keep && isSuffix(tokens[tokens.length - 1]!)) out.unshift(tokens.pop()!.replace(/,$/, ''));
  return out;
}

function set(parts: NameParts, key: keyof NameParts, tokens: string[]): void {
  if (tokens.length > 0) parts[key] = tokens.join(' ');
}

/**
 * Split a full name. Pieces are returned whitespace/NFC-cleaned but not re-cased (run
 * standardizeName on each piece for casing). Rules:
 * - leading honorifics (Mr, Mrs, Ms, Dr, Prof, Sir …) → prefix; trailing Jr/Sr/II/III/PhD … → suffix;
 * - "Family, Given Middle[, Suffix]" comma form is recognised;
 * - otherwise the first word is the given name, the last word plus any particles before it
 *   (van, de, von der …) the family name, anything between is the middle name;
 * - a single remaining word is the given name (mononyms, "Madonna"), or the family name
 *   after an honorific ("Dr Smith").
 */
export function splitFullName(raw: string): NameParts {
  const name = cleanName(raw);
  const parts: NameParts = {};
  if (name === '') return parts;

  const comma = name.indexOf(',');
  if (comma >= 0) {
    const head = name.slice(0, comma).trim();
    const rest = name.slice(comma + 1).split(',').map((s) => s.trim()).filter((s) => s !== '');
    const restTokens = rest.join(' ').split(' ').filter((t) => t !== '');
    // "John Smith, Jr." — everything after the comma is suffixes: not the comma form.
    if (restTokens.length > 0 && !restTokens.every(isSuffix)) {
      const familyTokens = head.split(' ');
      const prefixes: string[] = [];
      while (familyTokens.length > 1 && isPrefix(familyTokens[0]!)) prefixes.push(familyTokens.shift()!);
      const givenTokens = restTokens;
      while (givenTokens.length > 1 && isPrefix(givenTokens[0]!)) prefixes.push(givenTokens.shift()!);
      const suffixes = takeSuffixes(givenTokens, 1);
      suffixes.unshift(...takeSuffixes(familyTokens, 1));
      set(parts, 'prefix', prefixes);
      set(parts, 'given', givenTokens.slice(0, 1));
      set(parts, 'middle', givenTokens.slice(1));
      set(parts, 'family', familyTokens);
      set(parts, 'suffix', suffixes);
      return parts;
    }
  }

  const tokens = name.replace(/,/g, ' ').split(' ').filter((t) => t !== '');
  const prefixes: string[] = [];
  while (tokens.length > 1 && isPrefix(tokens[0]!)) prefixes.push(tokens.shift()!);
  const suffixes = takeSuffixes(tokens, 1);
  set(parts, 'prefix', prefixes);
  set(parts, 'suffix', suffixes);
  if (tokens.length === 1) {
    // "Dr Smith", "Mrs Jones": after an honorific a lone word is the family name.
    parts[prefixes.length > 0 ? 'family' : 'given'] = tokens[0]!;
    return parts;
  }
  // Family name: the last word plus the particles directly before it, but leave a given name.
  let start = tokens.length - 1;
  while (start > 1 && NAME_PARTICLES.has(bare(tokens[start - 1]!))) start--;
  parts.given = tokens[0]!;
  set(parts, 'middle', tokens.slice(1, start));
  parts.family = tokens.slice(start).join(' ');
  return parts;
}
