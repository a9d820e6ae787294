import { describe, expect, it } from 'vitest';
import { jaro, jaroWinkler } from '../../src/modules/matching/engine/compare/jaro-winkler.js';
import { damerauLevenshtein, withinOneEdit } from '../../src/modules/matching/engine/compare/damerau-levenshtein.js';
import { dayMonthSwappedDigits, eightDigitsWithinOneEdit } from '../../src/modules/matching/engine/compare/eight-digits.js';
import { packHigh, packLow, packedWithinOneEdit } from '../../src/modules/matching/engine/compare/packed-digits.js';
import { mulberry32 } from '../../src/modules/matching/engine/random.js';
import { sortedJaccard } from '../../src/modules/matching/engine/compare/token-similarity.js';
import { areNicknames, canonicalName, nicknameGroupCount } from '../../src/modules/matching/engine/nicknames.js';
import { parseDate } from '../../src/modules/matching/engine/standardize/date.js';
import { foldText } from '../../src/modules/matching/engine/standardize/text.js';
import { fullNameTokens, standardizeName } from '../../src/modules/matching/engine/standardize/names.js';
import { phoneLast7, standardizeEmail, standardizePhone, standardizePostcode } from '../../src/modules/matching/engine/standardize/contact.js';

describe('Jaro-Winkler', () => {
  it('matches the published reference values', () => {
    expect(jaro('martha', 'marhta')).toBeCloseTo(0.944444, 5);
    expect(jaroWinkler('martha', 'marhta')).toBeCloseTo(0.961111, 5);
    expect(jaroWinkler('dwayne', 'duane')).toBeCloseTo(0.84, 5);
    expect(jaroWinkler('dixon', 'dicksonx')).toBeCloseTo(0.813333, 5);
    expect(jaroWinkler('same', 'same')).toBe(1);
    expect(jaroWinkler('', 'abc')).toBe(0);
    expect(jaroWinkler('abc', 'xyz')).toBe(0);
  });
  it('handles long strings (scratch buffers grow)', () => {
    const a = 'a'.repeat(200) + 'b';
    expect(jaroWinkler(a, a + 'c')).toBeGreaterThan(0.99);
  });
});

describe('Damerau-Levenshtein (optimal string alignment)', () => {
  it('counts edits and adjacent transpositions', () => {
    expect(damerauLevenshtein('kitten', 'sitting')).toBe(3);
    expect(damerauLevenshtein('1804974', '1809474')).toBe(1);
    expect(damerauLevenshtein('ca', 'ac')).toBe(1);
    expect(damerauLevenshtein('abc', '')).toBe(3);
    expect(damerauLevenshtein('same', 'same')).toBe(0);
  });
  it('stops early past max', () => {
    expect(damerauLevenshtein('abcdef', 'uvwxyz', 1)).toBe(2);
    expect(damerauLevenshtein('a', 'abcd', 1)).toBe(2);
  });
  it('withinOneEdit agrees with a distance of at most 1 (every pair over a small alphabet)', () => {
    // All strings of length 0–4 over {a, b, c}: substitutions, swaps, insertions and deletions at every position.
    const all: string[] = [''];
    for (let n = 0, from = 0; n < 4; n++) {
      const to = all.length;
      for (let k = from; k < to; k++) for (const c of 'abc') all.push(all[k]! + c);
      from = to;
    }
    let near = 0;
    for (const a of all) {
      for (const b of all) {
        const expected = damerauLevenshtein(a, b) <= 1;
        if (withinOneEdit(a, b) !== expected) throw new Error(`withinOneEdit(${a}, ${b}) should be ${expected}`);
        if (expected) near++;
      }
    }
    expect(all.length).toBe(121);
    expect(near).toBe(1825);
    expect(withinOneEdit('19850312', '19850321')).toBe(true);
    expect(withinOneEdit('19850312', '19851302')).toBe(false);
  });
});

describe('dates as eight-digit numbers', () => {
  it('agree with the string checks on every pair of a set of near dates', () => {
    // A few base dates with every one-digit substitution, every adjacent swap and the day-month swap of each,
    // compared pairwise: substitutions, swaps and everything two or more edits apart.
    const bases = ['19850312', '20010101', '19991231', '00010203', '19700110'];
    const set = new Set<string>();
    for (const b of bases) {
      set.add(b);
      set.add(b.slice(0, 4) + b.slice(6, 8) + b.slice(4, 6));
      for (let k = 0; k < 8; k++) {
        for (const d of '0123456789') set.add(b.slice(0, k) + d + b.slice(k + 1));
        if (k < 7) set.add(b.slice(0, k) + b[k + 1] + b[k] + b.slice(k + 2));
      }
    }
    const all = [...set];
    const swapped = (a: string, b: string): boolean => a.slice(0, 4) === b.slice(0, 4) && a.slice(4, 6) === b.slice(6, 8) && a.slice(6, 8) === b.slice(4, 6);
    let near = 0;
    let swaps = 0;
    for (const a of all) {
      for (const b of all) {
        if (a === b) continue;
        const edit = withinOneEdit(a, b);
        if (eightDigitsWithinOneEdit(Number(a), Number(b)) !== edit) throw new Error(`eightDigitsWithinOneEdit(${a}, ${b}) should be ${edit}`);
        if (dayMonthSwappedDigits(Number(a), Number(b)) !== swapped(a, b)) throw new Error(`dayMonthSwappedDigits(${a}, ${b}) should be ${swapped(a, b)}`);
        if (edit) near++;
        if (swapped(a, b)) swaps++;
      }
    }
    expect(all.length).toBe(397);
    expect(near).toBe(3914);
    expect(swaps).toBe(46);
  });
});

describe('phone digits packed into two numbers', () => {
  it('agree with withinOneEdit on the strings (lengths 6–15, leading zeros, every kind of edit)', () => {
    const rnd = mulberry32(3);
    const digit = (): string => String(Math.floor(rnd() * 10));
    const edit = (s: string): string => {
      const k = Math.floor(rnd() * s.length);
      switch (Math.floor(rnd() * 5)) {
        case 0: return s.slice(0, k) + digit() + s.slice(k + 1);
        case 1: return s.slice(0, k) + digit() + s.slice(k);
        case 2: return s.slice(0, k) + s.slice(k + 1);
        case 3: return k + 1 < s.length ? s.slice(0, k) + s[k + 1] + s[k] + s.slice(k + 2) : s;
        default: return s;
      }
    };
    let near = 0;
    let far = 0;
    for (let n = 0; n < 20_000; n++) {
      const len = 6 + Math.floor(rnd() * 10);
      let a = (n % 4 === 0 ? '00' : '') + Array.from({ length: len }, digit).join('');
      a = a.slice(0, 15);
      let b = edit(a);
      if (n % 3 === 0) b = edit(b);
      if (b.length < 6 || b.length > 15) continue;
      const expected = withinOneEdit(a, b);
      const got = packedWithinOneEdit(packHigh(a), packLow(a), packHigh(b), packLow(b));
      if (got !== expected) throw new Error(`packedWithinOneEdit(${a}, ${b}) should be ${expected}`);
      if (expected) near++;
      else far++;
    }
    expect(near).toBeGreaterThan(10_000);
    expect(far).toBeGreaterThan(2_000);
    expect(packHigh('1'.repeat(16))).toBe(-1);
    expect(packLow('12a4567')).toBe(-1);
    expect(packHigh('447911123456')).toBe(447 * 32 + 12);
    expect(packLow('447911123456')).toBe(911123456);
  });
});

describe('token similarity', () => {
  it('computes Jaccard on sorted ids', () => {
    expect(sortedJaccard([1, 2, 3], 0, 3, [2, 3, 4], 0, 3)).toBe(0.5);
    expect(sortedJaccard([1], 0, 1, [2], 0, 1)).toBe(0);
  });
});

describe('nicknames', () => {
  it('knows a few hundred groups', () => {
    expect(nicknameGroupCount()).toBeGreaterThan(300);
  });
  it('links formal names and diminutives', () => {
    expect(areNicknames('william', 'bill')).toBe(true);
    expect(areNicknames('liam', 'william')).toBe(true);
    expect(areNicknames('margaret', 'peggy')).toBe(true);
    expect(areNicknames('katherine', 'kate')).toBe(true);
    expect(areNicknames('robert', 'bob')).toBe(true);
    expect(areNicknames('william', 'margaret')).toBe(false);
    expect(canonicalName('peggy')).toBe('margaret');
    expect(canonicalName('zbyszek')).toBe('zbyszek');
  });
});

describe('standardizers', () => {
  it('folds case, diacritics and punctuation', () => {
    expect(foldText('  José-María  Ñúñez ')).toBe('jose maria nunez');
    expect(foldText('Straße')).toBe('strasse');
    expect(foldText('   ')).toBeNull();
  });
  it('drops titles and particles from names', () => {
    expect(standardizeName('Dr. Ludwig van Beethoven')).toBe('ludwigbeethoven');
    expect(standardizeName('van der Berg')).toBe('berg');
    expect(standardizeName("O'Neil")).toBe('oneil');
    expect(fullNameTokens('Sir Thomas de Clifford, 1st')).toEqual(['thomas', 'clifford', '1st']);
  });
  it('parses dates in common formats', () => {
    expect(parseDate('1956-04-09')).toEqual({ y: 1956, m: 4, d: 9 });
    expect(parseDate('19560409')).toEqual({ y: 1956, m: 4, d: 9 });
    expect(parseDate('09/04/1956')).toEqual({ y: 1956, m: 4, d: 9 });
    expect(parseDate('04/29/1956')).toEqual({ y: 1956, m: 4, d: 29 });
    expect(parseDate('9 Apr 1956')).toEqual({ y: 1956, m: 4, d: 9 });
    expect(parseDate('April 9, 1956')).toEqual({ y: 1956, m: 4, d: 9 });
    expect(parseDate('not a date')).toBeNull();
  });
  it('standardizes e-mail, phone and postcode', () => {
    expect(standardizeEmail(' Linda.Davis+news@Gmail.com ')).toEqual({ full: 'linda.davis@gmail.com', local: 'linda.davis', domain: 'gmail.com' });
    expect(standardizeEmail('nope')).toBeNull();
    expect(standardizePhone('(213) 844-4623')).toBe('2138444623');
    expect(phoneLast7('+12138444623')).toBe('8444623');
    expect(standardizePhone('12')).toBeNull();
    expect(standardizePostcode('tq13 8df')).toBe('TQ138DF');
  });
});
