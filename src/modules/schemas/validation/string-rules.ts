// Length and pattern rules shared by the text-like types (text, identifier, email, url, phone).
import { compilePattern, type AttributeDefinition } from '../definition.js';
import { codePointLength, DEFAULT_MAX_LENGTH, fail, type Fail } from './types.js';

/** Checks a normalised string against minLength/maxLength/pattern; undefined when it passes. */
export type StringRules = (s: string) => Fail | undefined;

/** Precompile the string rules of an attribute (the pattern is compiled once here). */
export function compileStringRules(attr: AttributeDefinition): StringRules {
  const { minLength, maxLength } = attr;
  const pattern = attr.pattern === undefined ? undefined : compilePattern(attr.pattern);
  const patternSource = attr.pattern;
  const limit = maxLength ?? DEFAULT_MAX_LENGTH;
  // n code points ≤ UTF-16 length ≤ 2n, so the exact count is only needed near the limits.
  const countBelow = minLength === undefined ? 0 : 2 * minLength;
  return (s) => {
    if (s.length > limit || s.length < countBelow) {
      const n = codePointLength(s);
      if (n > limit) {
        return maxLength === undefined
          ? fail('too_large', `must be at most ${DEFAULT_MAX_LENGTH} characters unless maxLength allows more (got ${n})`)
          : fail('maxLength', `must be at most ${maxLength} characters (got ${n})`);
      }
      if (minLength !== undefined && n < minLength) return fail('minLength', `must be at least ${minLength} characters (got ${n})`);
    }
    if (pattern !== undefined && !pattern.test(s)) return fail('pattern', `does not match the pattern ${patternSource}`);
    return undefined;
  };
}
