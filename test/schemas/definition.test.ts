import { describe, expect, it } from 'vitest';
import { schemaDefinitionSchema, type SchemaDefinitionInput } from '../../src/modules/schemas/definition.js';

type AttrInput = SchemaDefinitionInput['attributes'][number];

function issues(attributes: AttrInput[], extra: Partial<SchemaDefinitionInput> = {}) {
  const r = schemaDefinitionSchema.safeParse({ attributes, ...extra });
  return r.success ? [] : r.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
}

describe('schemaDefinitionSchema', () => {
  it('applies defaults', () => {
    const s = schemaDefinitionSchema.parse({ attributes: [{ name: 'email', type: 'email' }] });
    expect(s.attributes[0]).toEqual({ name: 'email', type: 'email', required: false, unique: false, privacy: 'personal' });
  });

  it('accepts a full customer schema', () => {
    expect(
      issues(
        [
          { name: 'first_name', type: 'text', required: true, maxLength: 100, minLength: 1, privacy: 'personal', label: 'First name' },
          { name: 'email', type: 'email', unique: true, pattern: '.*@example\\.com' },
          { name: 'phone', type: 'phone', defaultRegion: 'GB' },
          { name: 'birth_date', type: 'date', min: '1900-01-01', max: '2100-12-31', privacy: 'sensitive' },
          { name: 'last_seen', type: 'datetime', min: '2000-01-01T00:00:00Z' },
          { name: 'age', type: 'integer', min: 0, max: 150 },
          { name: 'score', type: 'decimal', min: -1.5, max: 1e6 },
          { name: 'balance', type: 'currency', currency: 'JPY', min: 0 },
          { name: 'tier', type: 'enum', values: ['Gold', 'Silver'] },
          { name: 'country', type: 'country', privacy: 'public' },
          { name: 'address', type: 'address' },
          { name: 'customer_no', type: 'identifier', pattern: 'C-\\d{6}' },
        ],
        { defaultRegion: 'DE' },
      ),
    ).toEqual([]);
  });

  it.each<[string, AttrInput[], string, RegExp]>([
    ['bad name', [{ name: 'First Name', type: 'text' }], 'attributes.0.name', /snake_case/],
    ['name too long', [{ name: 'a'.repeat(64), type: 'text' }], 'attributes.0.name', /snake_case/],
    ['enum without values', [{ name: 'tier', type: 'enum' }], 'attributes.0.values', /non-empty/],
    ['enum empty values', [{ name: 'tier', type: 'enum', values: [] }], 'attributes.0.values', /non-empty/],
    ['enum duplicate values', [{ name: 'tier', type: 'enum', values: ['Gold', 'gold'] }], 'attributes.0.values.1', /duplicate/],
    ['values on text', [{ name: 'a', type: 'text', values: ['x'] }], 'attributes.0.values', /only allowed on enum/],
    ['bad regex', [{ name: 'a', type: 'text', pattern: '([a-z' }], 'attributes.0.pattern', /not a valid/],
    ['pattern on integer', [{ name: 'a', type: 'integer', pattern: '\\d+' }], 'attributes.0.pattern', /only allowed/],
    ['minLength > maxLength', [{ name: 'a', type: 'text', minLength: 5, maxLength: 2 }], 'attributes.0.minLength', /must not exceed/],
    ['maxLength on date', [{ name: 'a', type: 'date', maxLength: 2 }], 'attributes.0.maxLength', /only allowed/],
    ['min > max', [{ name: 'a', type: 'integer', min: 5, max: 2 }], 'attributes.0.min', /must not exceed/],
    ['date min > max', [{ name: 'a', type: 'date', min: '2024-01-02', max: '2024-01-01' }], 'attributes.0.min', /must not exceed/],
    ['string min on integer', [{ name: 'a', type: 'integer', min: '5' }], 'attributes.0.min', /finite number/],
    ['fractional min on integer', [{ name: 'a', type: 'integer', min: 1.5 }], 'attributes.0.min', /safe integer/],
    ['numeric min on date', [{ name: 'a', type: 'date', min: 5 }], 'attributes.0.min', /ISO date/],
    ['impossible date bound', [{ name: 'a', type: 'date', max: '2025-11-31' }], 'attributes.0.max', /ISO date/],
    ['datetime bound without offset', [{ name: 'a', type: 'datetime', max: '2025-01-01T10:00:00' }], 'attributes.0.max', /offset/],
    ['min on text', [{ name: 'a', type: 'text', min: 1 }], 'attributes.0.min', /only allowed/],
    ['currency on decimal', [{ name: 'a', type: 'decimal', currency: 'EUR' }], 'attributes.0.currency', /only allowed on currency/],
    ['unknown currency', [{ name: 'a', type: 'currency', currency: 'XYZ' }], 'attributes.0.currency', /ISO 4217/],
    ['defaultRegion on text', [{ name: 'a', type: 'text', defaultRegion: 'DE' }], 'attributes.0.defaultRegion', /only allowed on phone/],
    ['unknown region', [{ name: 'a', type: 'phone', defaultRegion: 'ZZ' }], 'attributes.0.defaultRegion', /not a phone region/],
    ['duplicate names', [{ name: 'a', type: 'text' }, { name: 'a', type: 'email' }], 'attributes.1.name', /duplicate attribute name/],
    ['unknown key', [{ name: 'a', type: 'text', colour: 'red' } as AttrInput], 'attributes.0', /colour/],
  ])('rejects %s', (_label, attributes, path, message) => {
    const found = issues(attributes);
    expect(found.some((i) => i.path === path && message.test(i.message)), JSON.stringify(found)).toBe(true);
  });

  it('rejects an unknown schema-wide defaultRegion, empty and oversized attribute lists', () => {
    expect(issues([{ name: 'a', type: 'phone' }], { defaultRegion: 'ZZ' })[0]?.path).toBe('defaultRegion');
    expect(issues([]).length).toBeGreaterThan(0);
    expect(issues(Array.from({ length: 501 }, (_, i) => ({ name: `a${i}`, type: 'text' as const }))).length).toBeGreaterThan(0);
  });
});
