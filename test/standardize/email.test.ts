import { describe, expect, it } from 'vitest';
import { standardizeEmail } from '../../src/modules/standardize/index.js';

describe('standardizeEmail', () => {
  it.each([
    ['John@GMIAL.com', 'John@gmial.com', 'John@gmail.com'],
    ['a@hotmial.com', 'a@hotmial.com', 'a@hotmail.com'],
    ['a@yaho.com', 'a@yaho.com', 'a@yahoo.com'],
    ['a@gmail.con', 'a@gmail.con', 'a@gmail.com'],
    ['a@gmial.con', 'a@gmial.con', 'a@gmail.com'],
    ['a@outlok.com', 'a@outlok.com', 'a@outlook.com'],
    ['a@gmai.com', 'a@gmai.com', 'a@gmail.com'],
    ['a@hotmail.co.uj', 'a@hotmail.co.uj', 'a@hotmail.co.uk'],
    ['a@acme.cmo', 'a@acme.cmo', 'a@acme.com'],
  ])('%j is a likely domain typo', (raw, value, suggestion) => {
    const r = standardizeEmail(raw);
    expect(r.value).toBe(value);
    expect(r.verification.status).toBe('suspect');
    expect(r.verification.suggestion).toBe(suggestion);
    expect(r.verification.reasons.map((x) => x.code)).toEqual(['email_domain_typo']);
  });

  it.each([
    [' Jane.Doe@Example.COM ', 'Jane.Doe@example.com'],
    ['mailto:bob@gmail.com', 'bob@gmail.com'],
    ['<bob@acme.de>', 'bob@acme.de'],
    ['me@mail.com', 'me@mail.com'], // a real domain one edit from gmail.com
    ['bob@yahoo.co.jp', 'bob@yahoo.co.jp'], // a regional sibling, not a typo of yahoo.co.uk
    ['x@acme.cm', 'x@acme.cm'], // .cm is a real TLD
    ['x@example.constructor', 'x@example.constructor'],
  ])('%j is valid as %j', (raw, value) => {
    expect(standardizeEmail(raw)).toEqual({ value, verification: { status: 'valid', reasons: [] } });
  });

  it.each([
    ['x@mailinator.com', 'disposable_domain'],
    ['x@sub.mailinator.com', 'disposable_domain'],
    ['x@10minutemail.com', 'disposable_domain'],
    ['x@guerrillamail.com', 'disposable_domain'],
    ['x@yopmail.com', 'disposable_domain'],
    ['info@acme.com', 'role_address'],
    ['Sales@acme.com', 'role_address'],
    ['noreply+billing@acme.com', 'role_address'],
    ['support@acme.com', 'role_address'],
  ])('%j → suspect %s', (raw, code) => {
    const r = standardizeEmail(raw);
    expect(r.verification.status).toBe('suspect');
    expect(r.verification.reasons.map((x) => x.code)).toEqual([code]);
    expect(r.verification.suggestion).toBeUndefined();
  });

  it('reports several findings at once', () => {
    expect(standardizeEmail('info@gmial.com').verification).toMatchObject({
      status: 'suspect',
      suggestion: 'info@gmail.com',
      reasons: [{ code: 'email_domain_typo' }, { code: 'role_address' }],
    });
  });

  it.each(['bad@', 'no-at-sign', 'a b@example.com', 'a@nodot', ''])('%j is invalid', (raw) => {
    const r = standardizeEmail(raw);
    expect(r.value).toBeNull();
    expect(r.verification.status).toBe('invalid');
  });
});
