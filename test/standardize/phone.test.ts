import { describe, expect, it } from 'vitest';
import { standardizePhone } from '../../src/modules/standardize/index.js';

describe('standardizePhone', () => {
  it.each([
    ['07911 123456', 'GB', '+447911123456', 'mobile'],
    ['020 7946 0958', 'GB', '+442079460958', 'fixed_line'],
    ['0800 123 4567', 'GB', '+448001234567', 'toll_free'],
    ['+1 (415) 555-2671', undefined, '+14155552671', 'fixed_line_or_mobile'],
    ['(212) 555-0100', 'US', '+12125550100', 'fixed_line_or_mobile'],
    ['0151 12345678', 'DE', '+4915112345678', 'mobile'],
    ['030 123456', 'DE', '+4930123456', 'fixed_line'],
    ['+49 30 123456', 'GB', '+4930123456', 'fixed_line'],
    ['0412 345 678', 'AU', '+61412345678', 'mobile'],
    ['(02) 9374 4000', 'au', '+61293744000', 'fixed_line'],
  ])('%j (%s) → %s %s', (raw, region, e164, type) => {
    const r = standardizePhone(raw, region);
    expect(r.value).toBe(e164);
    expect(r.type).toBe(type);
    expect(r.details).toMatchObject({ type });
    expect(r.verification).toEqual({ status: 'valid', reasons: [] });
  });

  it('possible but unassigned numbers are suspect', () => {
    const r = standardizePhone('+1 555 555 5555');
    expect(r).toMatchObject({ value: '+15555555555', type: 'unknown', verification: { status: 'suspect', reasons: [{ code: 'phone_not_valid' }] } });
  });

  it.each([
    ['12', 'GB', 'phone_not_possible'],
    ['hello', 'GB', 'phone_invalid'],
    ['07911 123456', undefined, 'phone_invalid'], // national format without a region
    ['', 'GB', 'phone_empty'],
  ])('%j (%s) is invalid: %s', (raw, region, code) => {
    const r = standardizePhone(raw, region);
    expect(r.value).toBeNull();
    expect(r.verification.status).toBe('invalid');
    expect(r.verification.reasons[0]!.code).toBe(code);
  });

  it('keeps an extension in details', () => {
    expect(standardizePhone('020 7946 0958 ext. 12', 'GB').details).toMatchObject({ ext: '12' });
  });

  it('caches per (raw, region) and returns frozen results', () => {
    const a = standardizePhone('07911 123456', 'GB');
    expect(standardizePhone('07911 123456', 'GB')).toBe(a);
    expect(Object.isFrozen(a)).toBe(true);
    expect(standardizePhone('07911 123456', 'DE').value).not.toBe('+447911123456');
  });
});
