// boolean and enum validators.
import type { AttributeDefinition } from '../definition.js';
import { describeType, fail, ok, type TypeValidator } from './types.js';

const BOOLEANS: ReadonlyMap<string, boolean> = new Map([
  ['true', true], ['yes', true], ['y', true], ['1', true],
  ['false', false], ['no', false], ['n', false], ['0', false],
]);

/** Build the boolean validator: true/false, 1/0, and yes/no/y/n/true/false/1/0 strings (any case). */
export function booleanValidator(_attr: AttributeDefinition): TypeValidator {
  return (v) => {
    if (typeof v === 'boolean') return ok(v);
    if (v === 1 || v === 0) return ok(v === 1);
    if (typeof v === 'string') {
      const b = BOOLEANS.get(v.toLowerCase());
      return b === undefined ? fail('format', 'must be a boolean (true/false, yes/no, y/n, 1/0)') : ok(b);
    }
    return fail(typeof v === 'number' ? 'format' : 'type', `must be a boolean, got ${describeType(v)}`);
  };
}

/** Build the enum validator: exact match, else case-insensitive match → canonical spelling. */
export function enumValidator(attr: AttributeDefinition): TypeValidator {
  const values = attr.values ?? [];
  const exact = new Map<string, string>();
  const folded = new Map<string, string>();
  for (const value of values) {
    const nfc = value.normalize('NFC');
    exact.set(nfc, value);
    if (!folded.has(nfc.toLowerCase())) folded.set(nfc.toLowerCase(), value);
  }
  const shown = values.length <= 20 ? values.join(', ') : `${values.slice(0, 20).join(', ')}, … (${values.length} values)`;
  return (v) => {
    // Numbers/booleans from JSON match their string spelling (e.g. values ["1","2","3"]).
    const s = typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;
    if (s === undefined) return fail('type', `must be one of the allowed values, got ${describeType(v)}`);
    const hit = exact.get(s) ?? folded.get(s.toLowerCase());
    return hit === undefined ? fail('enum', `must be one of: ${shown}`) : ok(hit);
  };
}
