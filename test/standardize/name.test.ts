import { describe, expect, it } from 'vitest';
import { foldKey, splitFullName, standardizeName } from '../../src/modules/standardize/index.js';

describe('standardizeName', () => {
  it.each([
    ['mcdonald', 'McDonald'],
    ["O'BRIEN", "O'Brien"],
    ['o’neill', "O'Neill"],
    ['VAN DER BERG', 'Van der Berg'], // family name alone: particle capitalised at the start (Dutch convention)
    ['jan van der berg', 'Jan van der Berg'],
    ['LUDWIG VAN BEETHOVEN', 'Ludwig van Beethoven'],
    ['maria de la cruz', 'Maria de la Cruz'],
    ['josé  maría', 'José María'],
    ['  ZOË  ', 'Zoë'],
    ['Müller', 'Müller'],
    ['macleod', 'MacLeod'],
    ['MACDONALD', 'MacDonald'],
    ['macy', 'Macy'],
    ['mack', 'Mack'],
    ['mackenzie', 'Mackenzie'],
    ['machado', 'Machado'],
    ['maciejewski', 'Maciejewski'],
    ['smith-jones', 'Smith-Jones'],
    ['JEAN-LUC PICARD', 'Jean-Luc Picard'],
    ['john smith iii', 'John Smith III'],
    ['john smith phd', 'John Smith PhD'],
    ['john e smith', 'John E Smith'],
    ['Li Da', 'Li Da'],
    ['DeVito', 'DeVito'],
    ['d’angelo', "D'Angelo"],
    ['ßtraße', 'ßtraße'],
    ['Jose\u0301', 'José'], // NFD input is recomposed to NFC
  ])('%j → %j', (raw, expected) => {
    const r = standardizeName(raw);
    expect(r.value).toBe(expected);
    expect(r.verification).toEqual({ status: 'valid', reasons: [] });
  });

  it('returns the folded key both top-level and in details', () => {
    const r = standardizeName('Zoë  MÜLLER');
    expect(r.value).toBe('Zoë Müller');
    expect(r.folded).toBe('zoe muller');
    expect(r.details).toEqual({ folded: 'zoe muller' });
  });

  it('flags digits and symbols as suspect, empty as invalid', () => {
    expect(standardizeName('Bob2').verification.status).toBe('suspect');
    expect(standardizeName('Bob2').verification.reasons[0]!.code).toBe('name_has_digits');
    expect(standardizeName('Bob@home').verification.reasons[0]!.code).toBe('name_unexpected_characters');
    expect(standardizeName('   ')).toMatchObject({ value: null, verification: { status: 'invalid', reasons: [{ code: 'name_empty' }] } });
  });
});

describe('foldKey', () => {
  it.each([
    ['Müller', 'muller'],
    ['ßtraße', 'sstrasse'],
    ['Zoë', 'zoe'],
    ["O'Brien", 'obrien'],
    ['Smith-Jones', 'smith jones'],
    ['Æsir Øst Łódź', 'aesir ost lodz'],
    ['Þór Đorđević', 'thor dordevic'],
    ['  José   María ', 'jose maria'],
    ['St. John', 'st john'],
    ['plain', 'plain'],
  ])('%j → %j', (raw, expected) => expect(foldKey(raw)).toBe(expected));
});

describe('splitFullName', () => {
  it.each([
    ['John Smith', { given: 'John', family: 'Smith' }],
    ['Dr. John A. Smith Jr.', { prefix: 'Dr.', given: 'John', middle: 'A.', family: 'Smith', suffix: 'Jr.' }],
    ['Smith, John', { given: 'John', family: 'Smith' }],
    ['Smith, John Paul', { given: 'John', middle: 'Paul', family: 'Smith' }],
    ['van der Berg, Jan', { given: 'Jan', family: 'van der Berg' }],
    ['Jan van der Berg', { given: 'Jan', family: 'van der Berg' }],
    ['Ludwig van Beethoven', { given: 'Ludwig', family: 'van Beethoven' }],
    ['Mrs Jones', { prefix: 'Mrs', family: 'Jones' }],
    ['Madonna', { given: 'Madonna' }],
    ['John Smith, Jr.', { given: 'John', family: 'Smith', suffix: 'Jr.' }],
    ['Prof Dr Hans-Peter von der Leyen PhD', { prefix: 'Prof Dr', given: 'Hans-Peter', family: 'von der Leyen', suffix: 'PhD' }],
    ['Mr. Martin Luther King III', { prefix: 'Mr.', given: 'Martin', middle: 'Luther', family: 'King', suffix: 'III' }],
    ['  josé   maría  garcía ', { given: 'josé', middle: 'maría', family: 'garcía' }],
    ['', {}],
  ])('%j', (raw, expected) => expect(splitFullName(raw)).toEqual(expected));
});
