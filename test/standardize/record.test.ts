import { describe, expect, it } from 'vitest';
import { schemaDefinitionSchema } from '../../src/modules/schemas/definition.js';
import { attributeKind, isBirthDateAttribute, standardizeRecord } from '../../src/modules/standardize/index.js';

const definition = schemaDefinitionSchema.parse({
  defaultRegion: 'GB',
  attributes: [
    { name: 'customer_id', type: 'identifier' },
    { name: 'first_name', type: 'text' },
    { name: 'last_name', type: 'text' },
    { name: 'company_name', type: 'text' },
    { name: 'email', type: 'email' },
    { name: 'mobile', type: 'phone' },
    { name: 'us_phone', type: 'phone', defaultRegion: 'US' },
    { name: 'date_of_birth', type: 'date' },
    { name: 'signup_date', type: 'date' },
    { name: 'address', type: 'address' },
    { name: 'country', type: 'country' },
    { name: 'points', type: 'integer' },
  ],
});
const now = new Date('2025-06-15T00:00:00Z');

describe('standardizeRecord', () => {
  it('applies the rules per attribute and passes the rest through', () => {
    const r = standardizeRecord(
      definition,
      {
        customer_id: 'C-1',
        first_name: 'JOSÉ',
        last_name: 'van der berg',
        company_name: 'ACME GMBH',
        email: 'Jose@GMIAL.com',
        mobile: '07911 123456',
        us_phone: '(212) 555-0100',
        date_of_birth: '15/06/1990',
        signup_date: '2024-01-31',
        address: { line1: '1 high st', postcode: 'sw1a1aa' },
        country: 'uk',
        points: 12,
        not_in_schema: 'x',
      },
      { dateFormats: { date_of_birth: ['DD/MM/YYYY'] }, now },
    );
    expect(r.standardized).toEqual({
      customer_id: 'C-1',
      first_name: 'José',
      last_name: 'Van der Berg',
      company_name: 'ACME GMBH',
      email: 'Jose@gmial.com',
      mobile: '+447911123456',
      us_phone: '+12125550100',
      date_of_birth: '1990-06-15',
      signup_date: '2024-01-31',
      address: { line1: '1 High Street', postcode: 'SW1A 1AA' },
      country: 'GB',
      points: 12,
    });
    expect(r.verification.email).toEqual({
      status: 'suspect',
      reasons: [{ code: 'email_domain_typo', message: 'the domain "gmial.com" looks like a typo of "gmail.com"' }],
      suggestion: 'Jose@gmail.com',
    });
    for (const k of ['customer_id', 'first_name', 'last_name', 'company_name', 'mobile', 'us_phone', 'date_of_birth', 'signup_date', 'address', 'country', 'points']) {
      expect(r.verification[k]!.status, k).toBe('valid');
    }
    expect(Object.keys(r.verification)).not.toContain('not_in_schema');
  });

  it('keeps invalid input values and marks them invalid; skips null/absent values', () => {
    const r = standardizeRecord(definition, { date_of_birth: '2030-01-01', signup_date: '31/11/2020', mobile: null }, { dateFormats: { signup_date: ['DD/MM/YYYY'] }, now });
    expect(r.standardized).toEqual({ date_of_birth: '2030-01-01', signup_date: '31/11/2020' });
    expect(r.verification.date_of_birth).toMatchObject({ status: 'invalid', reasons: [{ code: 'dob_future' }] });
    expect(r.verification.signup_date).toMatchObject({ status: 'invalid', reasons: [{ code: 'date_impossible' }] });
    expect(r.verification.mobile).toBeUndefined();
  });

  it('the source region overrides the schema region for phones', () => {
    expect(standardizeRecord(definition, { mobile: '030 123456' }, { region: 'DE', now }).standardized.mobile).toBe('+4930123456');
  });

  it('works on already-validated values (E.164, ISO dates)', () => {
    const r = standardizeRecord(definition, { mobile: '+447911123456', date_of_birth: '1990-06-15', email: 'a@b.com' }, { dateFormats: { date_of_birth: ['DD/MM/YYYY'] }, now });
    expect(r.standardized).toEqual({ mobile: '+447911123456', date_of_birth: '1990-06-15', email: 'a@b.com' });
    expect(Object.values(r.verification).map((v) => v.status)).toEqual(['valid', 'valid', 'valid']);
  });
});

describe('attribute classification', () => {
  it.each([
    ['first_name', 'name'], ['last_name', 'name'], ['full_name', 'name'], ['surname', 'name'], ['given_name', 'name'], ['firstname', 'name'],
    ['company_name', 'pass'], ['name', 'pass'], ['notes', 'pass'],
  ])('text %s → %s', (name, kind) => expect(attributeKind({ name, type: 'text', required: false, unique: false, privacy: 'personal' })).toBe(kind));

  it.each([['dob', true], ['date_of_birth', true], ['birth_date', true], ['birthday', true], ['birthdate', true], ['signup_date', false]])('%s birth: %s', (name, birth) =>
    expect(isBirthDateAttribute(name)).toBe(birth),
  );
});
