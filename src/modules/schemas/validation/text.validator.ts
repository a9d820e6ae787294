// text and identifier validators: strings with length (code points) and pattern rules.
import type { AttributeDefinition } from '../definition.js';
import { compileStringRules } from './string-rules.js';
import { describeType, fail, ok, type TypeValidator } from './types.js';

/** Build the validator for a text or identifier attribute. */
export function textValidator(attr: AttributeDefinition): TypeValidator {
  const rules = compileStringRules(attr);
  const isIdentifier = attr.type === 'identifier';
  return (v) => {
    let s: string;
    if (typeof v === 'string') s = v;
    else if (isIdentifier && typeof v === 'number') {
      // Numeric ids past 2^53 have already lost digits in JSON.parse: ask for strings instead.
      if (!Number.isSafeInteger(v)) return fail('too_large', 'numeric identifiers must be safe integers; send large or fractional identifiers as strings');
      s = String(v === 0 ? 0 : v);
    } else return fail('type', `must be a string, got ${describeType(v)}`);
    // PostgreSQL text cannot hold NUL.
    if (s.includes('\u0000')) return fail('format', 'must not contain NUL characters');
    return rules(s) ?? ok(s);
  };
}
