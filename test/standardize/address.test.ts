import { describe, expect, it } from 'vitest';
import { standardizeAddress, standardizeCountry, standardizePostcode, standardizeStreetLine } from '../../src/modules/standardize/index.js';

describe('standardizePostcode', () => {
  it.each([
    ['sw1a1aa', 'GB', 'SW1A 1AA'],
    [' SW1A  1AA ', 'GB', 'SW1A 1AA'],
    ['ec1a 1bb', 'GB', 'EC1A 1BB'],
    ['m11ae', 'GB', 'M1 1AE'],
    ['GIR 0AA', 'GB', 'GIR 0AA'],
    ['90210', 'US', '90210'],
    ['123456789', 'US', '12345-6789'],
    ['12345 6789', 'US', '12345-6789'],
    ['k1a0b1', 'CA', 'K1A 0B1'],
    ['10115', 'DE', '10115'],
    ['D-10115', 'DE', '10115'],
    ['75008', 'FR', '75008'],
    ['1012ab', 'NL', '1012 AB'],
    ['1012 ab', 'NL', '1012 AB'],
    ['2000', 'AU', '2000'],
    ['d02x285', 'IE', 'D02 X285'],
    ['D6W 1234', 'IE', 'D6W 1234'],
    ['28013', 'ES', '28013'],
    ['00184', 'IT', '00184'],
    ['CH-8001', 'CH', '8001'],
    ['1010', 'AT', '1010'],
    ['1000', 'BE', '1000'],
    ['11455', 'SE', '114 55'],
    ['0150', 'NO', '0150'],
    ['1050', 'DK', '1050'],
    ['1000001', 'JP', '100-0001'],
    ['110 001', 'IN', '110001'],
    ['01310100', 'BR', '01310-100'],
    ['01310-100', 'BR', '01310-100'],
    ['sw1a1aa', 'United Kingdom', 'SW1A 1AA'],
    ['ab-12', 'ZZ', 'AB-12'], // no known format: cleaned only
  ])('%j (%s) → %s', (raw, country, expected) => {
    const r = standardizePostcode(raw, country);
    expect(r.value).toBe(expected);
    expect(r.verification.status).toBe('valid');
  });

  it.each([
    ['Q1 1AA', 'GB'],
    ['SW1A', 'GB'],
    ['12', 'DE'],
    ['123456', 'DE'],
    ['D1A 1A1', 'CA'],
    ['0123 AB', 'NL'],
    ['1234 SA', 'NL'],
    ['53000', 'ES'],
    ['12345', 'AU'],
    ['B12 3456', 'IE'],
    ['12345', 'CH'],
    ['012345', 'IN'],
    ['ABCDE', 'US'],
  ])('%j (%s) → invalid', (raw, country) => {
    expect(standardizePostcode(raw, country)).toMatchObject({ value: null, verification: { status: 'invalid', reasons: [{ code: 'postcode_format' }] } });
  });

  it('restores leading zeros lost to a number type, as suspect', () => {
    expect(standardizePostcode('2134', 'US')).toMatchObject({ value: '02134', verification: { status: 'suspect', reasons: [{ code: 'postcode_zero_padded' }], suggestion: '02134' } });
    expect(standardizePostcode('1067', 'DE').value).toBe('01067');
  });
});

describe('standardizeStreetLine', () => {
  it.each([
    ["St. John's Rd", "Saint John's Road"],
    ["12 St John's Road", "12 Saint John's Road"],
    ['123 Main St', '123 Main Street'],
    ['123 Main St.', '123 Main Street'],
    ['123 Main St, Apt 4', '123 Main Street, Apartment 4'],
    ['123 N MAIN ST APT 4B', '123 North Main Street Apartment 4B'],
    ['45 Oak Ave', '45 Oak Avenue'],
    ['9 sunset blvd', '9 Sunset Boulevard'],
    ['12 Oak Dr #5', '12 Oak Drive Apartment 5'],
    ['12 Oak Dr # 5', '12 Oak Drive Apartment 5'],
    ['Dr Martin Luther King Jr Blvd', 'Dr Martin Luther King Jr Boulevard'],
    ['1 Mt Pleasant Rd', '1 Mount Pleasant Road'],
    ['Flat 2, 10 Downing St', 'Flat 2, 10 Downing Street'],
    ['5TH AVENUE', '5th Avenue'],
    ['Ste 200', 'Suite 200'],
    ['221B Baker Street', '221B Baker Street'],
  ])('%j → %j', (raw, expected) => expect(standardizeStreetLine(raw)).toBe(expected));

  it('expands German Str. only for German-speaking countries', () => {
    expect(standardizeStreetLine('Berliner Str. 5', 'DE')).toBe('Berliner Straße 5');
    expect(standardizeStreetLine('Hauptstr. 3', 'AT')).toBe('Hauptstraße 3');
    expect(standardizeStreetLine('Hauptstr. 3', 'US')).toBe('Hauptstr. 3');
  });
});

describe('standardizeAddress', () => {
  it('standardizes every part', () => {
    expect(standardizeAddress({ line1: "St. John's Rd", line2: '', city: 'LONDON', postcode: 'sw1a1aa', country: 'uk' })).toEqual({
      value: { line1: "Saint John's Road", city: 'London', postcode: 'SW1A 1AA', country: 'GB' },
      verification: { status: 'valid', reasons: [] },
    });
    expect(standardizeAddress({ line1: '123 n main st apt 4b', city: 'springfield', region: 'il', postcode: 62701, country: 'USA' }).value).toEqual({
      line1: '123 North Main Street Apartment 4B', city: 'Springfield', region: 'IL', postcode: '62701', country: 'US',
    });
  });

  it('uses the default country for the postcode check', () => {
    expect(standardizeAddress({ line1: '1 High St', postcode: '1012ab' }, { defaultCountry: 'NL' }).value).toEqual({ line1: '1 High Street', postcode: '1012 AB' });
  });

  it('a string is line1', () => {
    expect(standardizeAddress('12 Oak Dr #5')).toMatchObject({ value: { line1: '12 Oak Drive Apartment 5' } });
  });

  it('a bad postcode makes the address invalid but keeps the cleaned text', () => {
    expect(standardizeAddress({ line1: '1 High St', postcode: 'xx1', country: 'GB' })).toMatchObject({
      value: { line1: '1 High Street', postcode: 'XX1', country: 'GB' },
      verification: { status: 'invalid', reasons: [{ code: 'postcode_format' }] },
    });
  });

  it('unknown country → invalid; missing street → suspect; empty → null', () => {
    expect(standardizeAddress({ line1: '1 Main St', country: 'Narnia' }).verification).toMatchObject({ status: 'invalid', reasons: [{ code: 'unknown_country' }] });
    expect(standardizeAddress({ city: 'Paris', country: 'FR' }).verification).toMatchObject({ status: 'suspect', reasons: [{ code: 'address_incomplete' }] });
    expect(standardizeAddress({ line1: '  ' })).toMatchObject({ value: null, verification: { status: 'invalid' } });
  });
});

describe('standardizeCountry', () => {
  it.each([
    ['uk', 'GB'],
    ['United Kingdom', 'GB'],
    ['Deutschland', 'DE'],
    ['USA', 'US'],
    ['fra', 'FR'],
    [' The Netherlands ', 'NL'],
    ["Côte d'Ivoire", 'CI'],
  ])('%j → %s', (raw, code) => expect(standardizeCountry(raw)).toEqual({ value: code, verification: { status: 'valid', reasons: [] } }));

  it.each(['Narnia', '', 'XX'])('%j → invalid', (raw) => {
    expect(standardizeCountry(raw)).toMatchObject({ value: null, verification: { status: 'invalid', reasons: [{ code: 'unknown_country' }] } });
  });
});
