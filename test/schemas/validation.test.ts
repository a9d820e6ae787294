import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { attributeDefinitionSchema, schemaDefinitionSchema, type SchemaDefinitionInput } from '../../src/modules/schemas/definition.js';
import {
  COUNTRIES,
  compareDecimal,
  compileSchema,
  parseIsoDateTime,
  validateCompiled,
  validateRecord,
  validateValue,
  type ValidationRule,
} from '../../src/modules/schemas/validation/index.js';

type AttrInput = SchemaDefinitionInput['attributes'][number];
type Expect = { value: unknown } | { rule: ValidationRule; field?: string };
type Row = [label: string, raw: unknown, expected: Expect];

const schema = schemaDefinitionSchema.parse({ attributes: [{ name: 'x', type: 'text' }], defaultRegion: 'DE' });

function check(attrInput: AttrInput, rows: Row[]) {
  const attr = attributeDefinitionSchema.parse(attrInput);
  it.each(rows)('%s', (_label, raw, expected) => {
    const r = validateValue(attr, raw, schema);
    if ('value' in expected) {
      expect(r).toEqual({ ok: true, value: expected.value });
    } else {
      expect(r.ok, JSON.stringify(r)).toBe(false);
      if (!r.ok) {
        expect(r.error.rule).toBe(expected.rule);
        expect(r.error.field).toBe(expected.field ?? attr.name);
        expect(r.error.message.length).toBeGreaterThan(0);
      }
    }
  });
}

const MB = 'a'.repeat(1_048_577);
const ok = (value: unknown): Expect => ({ value });
const bad = (rule: ValidationRule, field?: string): Expect => (field ? { rule, field } : { rule });

describe('missing values (shared by all types)', () => {
  check({ name: 'opt', type: 'text' }, [
    ['null', null, ok(null)],
    ['undefined', undefined, ok(null)],
    ['empty string', '', ok(null)],
    ['whitespace only', ' \t\n ', ok(null)],
  ]);
  check({ name: 'req', type: 'integer', required: true }, [
    ['null', null, bad('required')],
    ['undefined', undefined, bad('required')],
    ['empty string', '', bad('required')],
    ['whitespace only', '   ', bad('required')],
    ['zero is a value', 0, ok(0)],
  ]);
});

describe('text', () => {
  check({ name: 'name', type: 'text' }, [
    ['plain', 'Alice', ok('Alice')],
    ['trimmed', '  Alice  ', ok('Alice')],
    ['unicode kept', 'Zoë Ærøskøbing 山田', ok('Zoë Ærøskøbing 山田')],
    ['NFC normalised', 'Zoe\u0308', ok('Zo\u00eb')],
    ['emoji', '👩‍💻 Ada', ok('👩‍💻 Ada')],
    ['number is a type error', 42, bad('type')],
    ['boolean is a type error', true, bad('type')],
    ['object is a type error', { a: 1 }, bad('type')],
    ['array is a type error', ['a'], bad('type')],
    ['NUL rejected', 'a\u0000b', bad('format')],
    ['10,000 chars ok', 'a'.repeat(10_000), ok('a'.repeat(10_000))],
    ['10,001 chars too large', 'a'.repeat(10_001), bad('too_large')],
    ['1 MB too large', MB, bad('too_large')],
    ['10,000 emoji (20,000 UTF-16 units) ok', '😀'.repeat(10_000), ok('😀'.repeat(10_000))],
  ]);
  check({ name: 'code', type: 'text', minLength: 2, maxLength: 3, pattern: '[A-Z]+' }, [
    ['ok', 'AB', ok('AB')],
    ['too short', 'A', bad('minLength')],
    ['too long', 'ABCD', bad('maxLength')],
    ['pattern is anchored', 'ABc', bad('pattern')],
    ['pattern partial match rejected', 'aAB', bad('pattern')],
  ]);
  check({ name: 'nick', type: 'text', minLength: 2, maxLength: 2 }, [
    ['two emoji are two characters', '😀😀', ok('😀😀')],
    ['one emoji is one character', '😀', bad('minLength')],
    ['three emoji', '😀😀😀', bad('maxLength')],
    ['combining sequence counts after NFC', 'e\u0301e\u0301', ok('éé')],
  ]);
  check({ name: 'essay', type: 'text', maxLength: 20_000 }, [
    ['maxLength allows more than 10,000', 'a'.repeat(15_000), ok('a'.repeat(15_000))],
    ['over maxLength', 'a'.repeat(20_001), bad('maxLength')],
  ]);
});

describe('identifier', () => {
  check({ name: 'customer_no', type: 'identifier', pattern: 'C-\\d{3}' }, [
    ['matches', 'C-123', ok('C-123')],
    ['trimmed', ' C-123 ', ok('C-123')],
    ['no match', 'C-12', bad('pattern')],
  ]);
  check({ name: 'ext_id', type: 'identifier' }, [
    ['number stringified', 12345, ok('12345')],
    ['negative zero', -0, ok('0')],
    ['string kept verbatim', '007', ok('007')],
    ['unsafe number', 2 ** 53 + 2, bad('too_large')],
    ['fractional number', 1.5, bad('too_large')],
    ['boolean', false, bad('type')],
  ]);
});

describe('email', () => {
  check({ name: 'email', type: 'email' }, [
    ['simple', 'alice@example.com', ok('alice@example.com')],
    ['domain lowercased, local kept', 'Alice.Smith@Example.COM', ok('Alice.Smith@example.com')],
    ['plus tag', 'a+tag@sub.example.co.uk', ok('a+tag@sub.example.co.uk')],
    ['trimmed', '  a@b.io ', ok('a@b.io')],
    ['IDN domain', 'info@Bücher.de', ok('info@bücher.de')],
    ['punycode TLD', 'a@example.xn--p1ai', ok('a@example.xn--p1ai')],
    ['unicode local part', 'jörg@example.de', ok('jörg@example.de')],
    ['no @', 'alice.example.com', bad('format')],
    ['two @', 'a@b@example.com', bad('format')],
    ['no dot in domain', 'alice@localhost', bad('format')],
    ['numeric TLD', 'a@example.123', bad('format')],
    ['space', 'al ice@example.com', bad('format')],
    ['leading dot', '.a@example.com', bad('format')],
    ['double dot', 'a..b@example.com', bad('format')],
    ['trailing dot domain', 'a@example.com.', bad('format')],
    ['hyphen label edge', 'a@-example.com', bad('format')],
    ['local part over 64', `${'a'.repeat(65)}@example.com`, bad('format')],
    ['over 254 chars', `a@${'b'.repeat(60)}.${'c'.repeat(60)}.${'d'.repeat(60)}.${'e'.repeat(60)}.${'f'.repeat(10)}.com`, bad('format')],
    ['number', 5, bad('type')],
  ]);
});

describe('phone', () => {
  check({ name: 'phone', type: 'phone' }, [
    ['international', '+44 20 7946 0958', ok('+442079460958')],
    ['national with schema region DE', '030 1234567', ok('+49301234567')],
    ['punctuation', '(030) 123-4567', ok('+49301234567')],
    ['garbage', 'call me', bad('format')],
    ['too short', '+49 30', bad('format')],
    ['boolean', true, bad('type')],
  ]);
  check({ name: 'mobile', type: 'phone', defaultRegion: 'US' }, [
    ['attribute region wins', '(201) 555-0123', ok('+12015550123')],
    ['invalid US number', '(000) 555-0123', bad('format')],
  ]);
  it('without any default region, national numbers are rejected with a hint', () => {
    const attr = attributeDefinitionSchema.parse({ name: 'p', type: 'phone' });
    const r = validateValue(attr, '030 1234567');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toMatch(/country code/);
    expect(validateValue(attr, '+49 30 1234567')).toEqual({ ok: true, value: '+49301234567' });
  });
});

describe('date', () => {
  check({ name: 'd', type: 'date' }, [
    ['ordinary', '2024-05-01', ok('2024-05-01')],
    ['leap day in leap year', '2024-02-29', ok('2024-02-29')],
    ['leap day in 2000', '2000-02-29', ok('2000-02-29')],
    ['leap day in non-leap year', '2023-02-29', bad('invalid_date')],
    ['leap day in 1900', '1900-02-29', bad('invalid_date')],
    ['31 November', '2025-11-31', bad('invalid_date')],
    ['month 13', '2024-13-01', bad('invalid_date')],
    ['month 00', '2024-00-10', bad('invalid_date')],
    ['day 00', '2024-01-00', bad('invalid_date')],
    ['year 0000', '0000-01-01', bad('invalid_date')],
    ['year 0001', '0001-01-01', ok('0001-01-01')],
    ['datetime is not a date', '2024-05-01T00:00:00Z', bad('format')],
    ['no padding', '2024-5-1', bad('format')],
    ['other format', '01.05.2024', bad('format')],
    ['number', 20240501, bad('type')],
  ]);
  check({ name: 'birth', type: 'date', min: '1900-01-01', max: '2024-12-31' }, [
    ['inside', '1980-06-15', ok('1980-06-15')],
    ['on min', '1900-01-01', ok('1900-01-01')],
    ['before min', '1899-12-31', bad('min')],
    ['after max', '2025-01-01', bad('max')],
  ]);
});

describe('datetime', () => {
  check({ name: 't', type: 'datetime' }, [
    ['Z', '2024-05-01T14:30:00Z', ok('2024-05-01T14:30:00.000Z')],
    ['offset', '2024-05-01T16:30:00+02:00', ok('2024-05-01T14:30:00.000Z')],
    ['negative offset crossing midnight', '2024-12-31T23:30:00-05:00', ok('2025-01-01T04:30:00.000Z')],
    ['compact offset', '2024-05-01T16:30+0200', ok('2024-05-01T14:30:00.000Z')],
    ['space separator, lowercase z', '2024-05-01 14:30:00z', ok('2024-05-01T14:30:00.000Z')],
    ['fraction truncated to ms', '2024-05-01T14:30:00.123456789Z', ok('2024-05-01T14:30:00.123Z')],
    ['leap day', '2024-02-29T00:00:00Z', ok('2024-02-29T00:00:00.000Z')],
    ['naive', '2024-05-01T14:30:00', bad('format')],
    ['date only', '2024-05-01', bad('format')],
    ['non-leap Feb 29', '2023-02-29T10:00:00Z', bad('invalid_date')],
    ['31 November', '2025-11-31T10:00:00Z', bad('invalid_date')],
    ['hour 24', '2024-05-01T24:00:00Z', bad('invalid_date')],
    ['leap second', '2016-12-31T23:59:60Z', bad('invalid_date')],
    ['offset minutes 60', '2024-05-01T10:00:00+01:60', bad('invalid_date')],
    ['epoch number', 1714573800000, bad('type')],
  ]);
  it('explains that a timezone offset is required', () => {
    const r = validateValue(attributeDefinitionSchema.parse({ name: 't', type: 'datetime' }), '2024-05-01T14:30:00');
    expect(!r.ok && r.error.message).toMatch(/timezone offset is required/);
  });
  check({ name: 'seen', type: 'datetime', min: '2024-01-01', max: '2024-12-31T23:59:59Z' }, [
    ['date bound means 00:00Z', '2024-01-01T00:30:00+01:00', bad('min')],
    ['inside', '2024-06-01T00:00:00Z', ok('2024-06-01T00:00:00.000Z')],
    ['after max', '2025-01-01T00:00:00Z', bad('max')],
  ]);
  it('formats exactly like Date#toISOString (property test)', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('0001-01-02T00:00:00Z'), max: new Date('9999-12-30T00:00:00Z'), noInvalidDate: true }), fc.integer({ min: -14 * 60, max: 14 * 60 }), (d, offsetMin) => {
        const local = new Date(d.getTime() + offsetMin * 60_000).toISOString().slice(0, 23);
        const sign = offsetMin < 0 ? '-' : '+';
        const abs = Math.abs(offsetMin);
        const off = `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
        const r = parseIsoDateTime(local + off);
        return r.ok && r.iso === d.toISOString() && r.epochMs === d.getTime();
      }),
    );
  });
});

describe('integer', () => {
  check({ name: 'n', type: 'integer' }, [
    ['number', 42, ok(42)],
    ['numeric string', '42', ok(42)],
    ['negative string', '-7', ok(-7)],
    ['plus sign', '+3', ok(3)],
    ['leading zeros', '007', ok(7)],
    ['trailing .0 from spreadsheets', '4.0', ok(4)],
    ['negative zero', -0, ok(0)],
    ['negative zero string', '-0', ok(0)],
    ['max safe', Number.MAX_SAFE_INTEGER, ok(Number.MAX_SAFE_INTEGER)],
    ['2^53+1 as string', '9007199254740993', bad('too_large')],
    ['2^53 as number', 2 ** 53, bad('too_large')],
    ['1e400 (Infinity from JSON)', JSON.parse('1e400'), bad('too_large')],
    ['fraction', 4.5, bad('format')],
    ['fraction string', '4.5', bad('format')],
    ['exponent string', '1e3', bad('format')],
    ['thousands separator', '1,000', bad('format')],
    ['text', 'ten', bad('format')],
    ['boolean', true, bad('type')],
  ]);
  check({ name: 'age', type: 'integer', min: 0, max: 150 }, [
    ['min edge', 0, ok(0)],
    ['below', -1, bad('min')],
    ['above', '151', bad('max')],
  ]);
});

describe('decimal', () => {
  check({ name: 'd', type: 'decimal' }, [
    ['number', 12.5, ok('12.5')],
    ['trailing zeros dropped', '12.50', ok('12.5')],
    ['leading zeros dropped', '0012.5', ok('12.5')],
    ['no float loss', '0.1', ok('0.1')],
    ['many digits kept', '12345678901234567890.123456789', ok('12345678901234567890.123456789')],
    ['leading dot', '.5', ok('0.5')],
    ['exponent', '1.5e3', ok('1500')],
    ['negative exponent', '-1.5E-3', ok('-0.0015')],
    ['small number from JSON', 1e-7, ok('0.0000001')],
    ['negative zero', -0, ok('0')],
    ['negative zero string', '-0.00', ok('0')],
    ['1e400 string', '1e400', bad('too_large')],
    ['1e400 number', JSON.parse('1e400'), bad('too_large')],
    ['1e-400 string', '1e-400', bad('too_large')],
    ['absurd exponent', '1e99999999999', bad('too_large')],
    ['zero with absurd exponent', '0e99999999999', ok('0')],
    ['comma decimal', '12,5', bad('format')],
    ['just a dot', '.', bad('format')],
    ['text', 'abc', bad('format')],
    ['object', { v: 1 }, bad('type')],
  ]);
  check({ name: 'rate', type: 'decimal', min: 0.1, max: 99.99 }, [
    ['on min', '0.10', ok('0.1')],
    ['below min (exact compare)', '0.0999999999999999999999', bad('min')],
    ['above max', '99.991', bad('max')],
    ['negative', '-5', bad('min')],
  ]);
  it('compareDecimal orders numerically', () => {
    const sorted = ['-10', '-2.5', '-0.01', '0', '0.009', '0.01', '0.1', '2', '10', '10.5'];
    for (let i = 0; i < sorted.length; i++) for (let j = 0; j < sorted.length; j++) expect(compareDecimal(sorted[i]!, sorted[j]!)).toBe(Math.sign(i - j));
  });
});

describe('currency', () => {
  check({ name: 'balance', type: 'currency', currency: 'EUR' }, [
    ['plain number uses default currency', 12.3, ok({ amount: '12.30', currency: 'EUR' })],
    ['plain string', '12', ok({ amount: '12.00', currency: 'EUR' })],
    ['amount then code', '12.34 usd', ok({ amount: '12.34', currency: 'USD' })],
    ['code then amount', 'GBP -5.5', ok({ amount: '-5.50', currency: 'GBP' })],
    ['object', { amount: '7.1', currency: 'chf' }, ok({ amount: '7.10', currency: 'CHF' })],
    ['object without currency', { amount: 3 }, ok({ amount: '3.00', currency: 'EUR' })],
    ['JPY has no minor units', '1500 JPY', ok({ amount: '1500', currency: 'JPY' })],
    ['BHD has three', { amount: '1.5', currency: 'BHD' }, ok({ amount: '1.500', currency: 'BHD' })],
    ['extra zeros are fine', '12.3400', ok({ amount: '12.34', currency: 'EUR' })],
    ['negative zero', -0, ok({ amount: '0.00', currency: 'EUR' })],
    ['empty object amount is missing', { amount: '', currency: 'EUR' }, ok(null)],
    ['too many decimals', '12.345', bad('format')],
    ['JPY decimals', '15.5 JPY', bad('format')],
    ['unknown currency', '12 XYZ', bad('format')],
    ['unknown object key', { amount: 1, currency: 'EUR', rate: 2 }, bad('format')],
    ['bad amount', 'twelve EUR', bad('format')],
    ['huge', '1e400 EUR', bad('too_large')],
    ['boolean', true, bad('type')],
  ]);
  check({ name: 'price', type: 'currency', min: 0 }, [
    ['needs a currency without default', '12.50', bad('format')],
    ['with code', '12.50 EUR', ok({ amount: '12.50', currency: 'EUR' })],
    ['below min', '-1 EUR', bad('min')],
  ]);
});

describe('boolean', () => {
  check({ name: 'b', type: 'boolean' }, [
    ['true', true, ok(true)],
    ['false', false, ok(false)],
    ['1', 1, ok(true)],
    ['0', 0, ok(false)],
    ['"TRUE"', 'TRUE', ok(true)],
    ['"No"', 'No', ok(false)],
    ['"y"', 'y', ok(true)],
    ['"N"', 'N', ok(false)],
    ['"1"', '1', ok(true)],
    ['"0"', '0', ok(false)],
    ['" yes "', ' yes ', ok(true)],
    ['2', 2, bad('format')],
    ['"maybe"', 'maybe', bad('format')],
    ['array', [true], bad('type')],
  ]);
});

describe('enum', () => {
  check({ name: 'tier', type: 'enum', values: ['Gold', 'Silver', 'Bronze', '1', 'Café'] }, [
    ['exact', 'Gold', ok('Gold')],
    ['case-insensitive → canonical', 'gOLD', ok('Gold')],
    ['trimmed', ' Silver ', ok('Silver')],
    ['number matches string value', 1, ok('1')],
    ['NFC match', 'Cafe\u0301', ok('Café')],
    ['not allowed', 'Platinum', bad('enum')],
    ['object', {}, bad('type')],
  ]);
});

describe('url', () => {
  check({ name: 'web', type: 'url' }, [
    ['https', 'https://example.com', ok('https://example.com/')],
    ['normalised', 'HTTP://Example.COM:80/a b?q=1', ok('http://example.com/a%20b?q=1')],
    ['IDN host', 'https://bücher.de/x', ok('https://xn--bcher-kva.de/x')],
    ['no scheme', 'example.com', bad('format')],
    ['ftp', 'ftp://example.com', bad('format')],
    ['javascript', 'javascript:alert(1)', bad('format')],
    ['credentials', 'https://user:pw@example.com/', bad('format')],
    ['number', 1, bad('type')],
  ]);
});

describe('country', () => {
  check({ name: 'c', type: 'country' }, [
    ['alpha-2', 'DE', ok('DE')],
    ['alpha-2 lowercase', 'fr', ok('FR')],
    ['alpha-3', 'DEU', ok('DE')],
    ['alpha-3 lowercase', 'gbr', ok('GB')],
    ['English name', 'Germany', ok('DE')],
    ['name any case', 'united states of america', ok('US')],
    ['UK', 'UK', ok('GB')],
    ['USA', 'USA', ok('US')],
    ['U.S.A.', 'U.S.A.', ok('US')],
    ['Deutschland', 'Deutschland', ok('DE')],
    ['accent-insensitive', 'Cote d’Ivoire', ok('CI')],
    ['accented alias', 'Österreich', ok('AT')],
    ['Türkiye', 'Türkiye', ok('TR')],
    ['Turkey', 'turkey', ok('TR')],
    ['leading "The"', 'The Netherlands', ok('NL')],
    ['ISO long form', 'Korea, Republic of', ok('KR')],
    ['South Korea', 'South Korea', ok('KR')],
    ['ampersand', 'Bosnia & Herzegovina', ok('BA')],
    ['unknown name', 'Atlantis', bad('unknown_country')],
    ['unassigned code', 'ZZ', bad('unknown_country')],
    ['EU is not a country', 'EU', bad('unknown_country')],
    ['number', 276, bad('type')],
  ]);
  it('embeds all 249 ISO 3166-1 entries with unique codes and names', () => {
    expect(COUNTRIES).toHaveLength(249);
    expect(new Set(COUNTRIES.map((c) => c[0])).size).toBe(249);
    expect(new Set(COUNTRIES.map((c) => c[1])).size).toBe(249);
    const attr = attributeDefinitionSchema.parse({ name: 'c', type: 'country' });
    for (const [a2, a3, name] of COUNTRIES) {
      expect(a2).toMatch(/^[A-Z]{2}$/);
      expect(a3).toMatch(/^[A-Z]{3}$/);
      for (const input of [a2, a3, name]) expect(validateValue(attr, input), input).toEqual({ ok: true, value: a2 });
    }
  });
});

describe('address', () => {
  check({ name: 'addr', type: 'address' }, [
    ['full', { line1: ' Hauptstraße 1 ', city: 'Berlin', postcode: '10115', country: 'Germany' }, ok({ line1: 'Hauptstraße 1', city: 'Berlin', postcode: '10115', country: 'DE' })],
    ['string is line1', '221B Baker Street', ok({ line1: '221B Baker Street' })],
    ['empty parts dropped', { line1: 'x', line2: '', region: null }, ok({ line1: 'x' })],
    ['numeric postcode', { postcode: 10115, city: 'Berlin' }, ok({ city: 'Berlin', postcode: '10115' })],
    ['all empty is missing', { line1: ' ', city: '' }, ok(null)],
    ['optional partial address', { city: 'Berlin' }, ok({ city: 'Berlin' })],
    ['unknown country', { line1: 'x', country: 'Narnia' }, bad('unknown_country', 'addr.country')],
    ['non-string city', { line1: 'x', city: 5 }, bad('type', 'addr.city')],
    ['unknown key', { line1: 'x', street: 'y' }, bad('format')],
    ['huge line', { line1: 'a'.repeat(1001) }, bad('too_large', 'addr.line1')],
    ['array', ['x'], bad('type')],
  ]);
  check({ name: 'home', type: 'address', required: true }, [
    ['line1 is enough', { line1: 'x' }, ok({ line1: 'x' })],
    ['postcode + city is enough', { postcode: 'SW1A 1AA', city: 'London' }, ok({ city: 'London', postcode: 'SW1A 1AA' })],
    ['city alone is not', { city: 'London' }, bad('required')],
    ['empty', {}, bad('required')],
  ]);
});

describe('validateRecord', () => {
  const customer = schemaDefinitionSchema.parse({
    defaultRegion: 'GB',
    attributes: [
      { name: 'first_name', type: 'text', required: true },
      { name: 'email', type: 'email', required: true, unique: true },
      { name: 'phone', type: 'phone' },
      { name: 'country', type: 'country' },
      { name: 'vip', type: 'boolean' },
      { name: 'address', type: 'address' },
      { name: 'constructor', type: 'text' },
    ],
  });

  it('normalises values and keeps unknown keys as extras', () => {
    const r = validateRecord(customer, { first_name: ' Zoë ', email: 'Z@EXAMPLE.com', phone: '020 7946 0958', country: 'uk', vip: 'yes', crm_id: 77, notes: { a: 1 } });
    expect(r).toEqual({
      ok: true,
      values: { first_name: 'Zoë', email: 'Z@example.com', phone: '+442079460958', country: 'GB', vip: true },
      errors: [],
      extras: { crm_id: 77, notes: { a: 1 } },
    });
  });

  it('absent optional keys stay absent; null/empty ones become null', () => {
    const r = validateRecord(customer, { first_name: 'A', email: 'a@b.co', phone: null, country: '', vip: undefined });
    expect(r.ok).toBe(true);
    expect(r.values).toEqual({ first_name: 'A', email: 'a@b.co', phone: null, country: null });
  });

  it('reports one error per failing field with truncated raw values', () => {
    const long = 'x'.repeat(500);
    const r = validateRecord(customer, { first_name: '', email: long, country: 'Mordor', address: { line1: 'x', country: 'QQ' } });
    expect(r.ok).toBe(false);
    expect(r.errors.map((e) => [e.field, e.rule])).toEqual([
      ['first_name', 'required'],
      ['email', 'format'],
      ['country', 'unknown_country'],
      ['address.country', 'unknown_country'],
    ]);
    expect(r.errors[1]!.value).toBe('x'.repeat(200));
    expect(r.errors[3]!.value).toBe('QQ');
    expect(r.values).toEqual({});
  });

  it('reports a missing required key without a value', () => {
    const r = validateRecord(customer, { email: 'a@b.co' });
    expect(r.errors).toEqual([{ field: 'first_name', rule: 'required', message: 'is required' }]);
  });

  it('does not read inherited properties or pollute prototypes', () => {
    const input = JSON.parse('{"first_name":"A","email":"a@b.co","__proto__":{"polluted":true}}') as Record<string, unknown>;
    const r = validateRecord(customer, input);
    expect(r.ok).toBe(true);
    expect('constructor' in r.values && Object.hasOwn(r.values, 'constructor')).toBe(false);
    expect(Object.hasOwn(r.extras, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(r.extras)).toBe(Object.prototype);
  });

  it('never throws on non-object input', () => {
    for (const input of [null, [], 'x', 5]) {
      const r = validateRecord(customer, input as unknown as Record<string, unknown>);
      expect(r.ok).toBe(false);
      expect(r.errors[0]!.field).toBe('$record');
    }
  });

  it('never throws on arbitrary JSON values for any type (property test)', () => {
    const all = schemaDefinitionSchema.parse({
      attributes: (['text', 'email', 'phone', 'date', 'datetime', 'integer', 'decimal', 'currency', 'boolean', 'url', 'country', 'address', 'identifier'] as const)
        .map((type) => ({ name: type, type }))
        .concat([{ name: 'tier', type: 'enum', values: ['a'] } as never]),
    });
    const compiled = compileSchema(all);
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom(...all.attributes.map((a) => a.name), 'extra'), fc.jsonValue()), (input) => {
        const r = validateCompiled(compiled, input);
        return r.ok === (r.errors.length === 0);
      }),
      { numRuns: 500 },
    );
  });

  it('caches compilation per schema object', () => {
    const input = { first_name: 'A', email: 'a@b.co' };
    expect(validateRecord(customer, input)).toEqual(validateCompiled(compileSchema(customer), input));
  });
});
