import { describe, expect, it } from 'vitest';
import { expandTwoDigitYear, standardizeDate } from '../../src/modules/standardize/index.js';

const now = new Date('2025-06-15T12:00:00Z');

describe('standardizeDate', () => {
  it.each([
    ['25/12/2020', ['DD/MM/YYYY'], '2020-12-25'],
    ['1/2/2020', ['DD/MM/YYYY'], '2020-02-01'],
    ['01-02-2020', ['DD/MM/YYYY'], '2020-02-01'], // separators are lenient
    ['12/25/2020', ['MM/DD/YYYY'], '2020-12-25'],
    ['2020-12-25', ['YYYY-MM-DD'], '2020-12-25'],
    ['2020-12-25', ['DD/MM/YYYY'], '2020-12-25'], // ISO is always accepted
    ['1.2.2020', ['D.M.YYYY'], '2020-02-01'],
    ['20200131', ['YYYYMMDD'], '2020-01-31'],
    ['05-Sep-1990', ['DD-MMM-YYYY'], '1990-09-05'],
    ['5 sept 1990', ['DD-MMM-YYYY'], '1990-09-05'],
    ['05-SEP-1990', ['DD-MMM-YYYY'], '1990-09-05'],
    ['05 September 1990', ['DD MMM YYYY'], '1990-09-05'],
    ['29/02/2024', ['DD/MM/YYYY'], '2024-02-29'],
    ['29/02/2000', ['DD/MM/YYYY'], '2000-02-29'],
    [' 01/02/2020 00:00:00 ', ['DD/MM/YYYY'], '2020-02-01'], // spreadsheet time suffix ignored
    ['13/01/2020', ['MM/DD/YYYY', 'DD/MM/YYYY'], '2020-01-13'], // formats tried in order
  ])('%j with %j → %s', (raw, formats, iso) => {
    expect(standardizeDate(raw, { formats, now })).toEqual({ value: iso, verification: { status: 'valid', reasons: [] } });
  });

  it.each([
    ['31/11/2020', ['DD/MM/YYYY'], 'date_impossible'],
    ['29/02/2023', ['DD/MM/YYYY'], 'date_impossible'],
    ['29/02/1900', ['DD/MM/YYYY'], 'date_impossible'],
    ['00/01/2020', ['DD/MM/YYYY'], 'date_impossible'],
    ['13/12/2020', ['MM/DD/YYYY'], 'date_impossible'],
    ['13/13/2020', ['MM/DD/YYYY', 'DD/MM/YYYY'], 'date_impossible'],
    ['05-Foo-1990', ['DD-MMM-YYYY'], 'date_format'],
    ['2020131', ['YYYYMMDD'], 'date_format'],
    ['25.12.20', ['DD.MM.YYYY'], 'date_format'],
    ['yesterday', ['DD/MM/YYYY'], 'date_format'],
    ['', undefined, 'date_format'],
  ])('%j with %j → invalid %s', (raw, formats, code) => {
    const r = standardizeDate(raw, { formats, now });
    expect(r.value).toBeNull();
    expect(r.verification.status).toBe('invalid');
    expect(r.verification.reasons.map((x) => x.code)).toEqual([code]);
  });

  describe('birth dates', () => {
    it('a future birth date is invalid', () => {
      expect(standardizeDate('2025-06-16', { kind: 'birth', now })).toMatchObject({ value: null, verification: { status: 'invalid', reasons: [{ code: 'dob_future' }] } });
    });
    it('born today is valid (age 0)', () => {
      expect(standardizeDate('2025-06-15', { kind: 'birth', now }).verification.status).toBe('valid');
    });
    it('age 130 is suspect but keeps the value', () => {
      expect(standardizeDate('15/06/1895', { formats: ['DD/MM/YYYY'], kind: 'birth', now })).toMatchObject({
        value: '1895-06-15',
        verification: { status: 'suspect', reasons: [{ code: 'age_out_of_range' }] },
      });
    });
    it('age exactly 120 is valid, 121 is suspect', () => {
      expect(standardizeDate('1905-06-15', { kind: 'birth', now }).verification.status).toBe('valid');
      expect(standardizeDate('1904-06-15', { kind: 'birth', now }).verification.status).toBe('suspect');
    });
    it('a generic future date is fine', () => {
      expect(standardizeDate('2030-01-01', { now }).verification.status).toBe('valid');
    });
  });

  describe('two-digit years', () => {
    it.each([
      ['01/02/85', 'birth', '1985-02-01'],
      ['01/02/25', 'birth', '2025-02-01'],
      ['01/02/26', 'birth', '1926-02-01'],
      ['01/02/44', 'generic', '2044-02-01'],
      ['01/02/45', 'generic', '1945-02-01'],
    ] as const)('%j (%s) → %s', (raw, kind, iso) => {
      expect(standardizeDate(raw, { formats: ['DD/MM/YY'], kind, now }).value).toBe(iso);
    });
    it('pivot function', () => {
      expect(expandTwoDigitYear(0, 'birth', 2025)).toBe(2000);
      expect(expandTwoDigitYear(99, 'birth', 2025)).toBe(1999);
      expect(expandTwoDigitYear(99, 'generic', 2085)).toBe(2099);
    });
  });
});
