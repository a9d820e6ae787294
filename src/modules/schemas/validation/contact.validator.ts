// email, phone and url validators.
import { domainToASCII } from 'node:url';
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import type { AttributeDefinition, SchemaDefinition } from '../definition.js';
import { compileStringRules } from './string-rules.js';
import { describeType, fail, ok, type TypeValidator } from './types.js';

// Dot-atom local part (RFC 5322 atext) plus any non-ASCII character (RFC 6531 SMTPUTF8).
// Quoted local parts ("john doe"@x) and IP-literal domains are deliberately not accepted.
const LOCAL_RE = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~\u0080-\u{10FFFF}-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~\u0080-\u{10FFFF}-]+)*$/u;
const LABEL_RE = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const TLD_RE = /^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/;
const PRINTABLE_ASCII_RE = /^[ -~]*$/;

// Fast path for the common all-ASCII address; anything else takes the detailed checks below.
const SIMPLE_EMAIL_RE = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;

/** Check an email address; returns the normalised address (domain lowercased) or a message. */
export function normaliseEmail(s: string): { ok: true; value: string } | { ok: false; message: string } {
  if (s.length > 254) return { ok: false, message: 'must be at most 254 characters' };
  const at = s.lastIndexOf('@');
  if (at > 0 && at <= 64 && SIMPLE_EMAIL_RE.test(s)) return { ok: true, value: s.slice(0, at + 1) + s.slice(at + 1).toLowerCase() };
  if (at <= 0 || at === s.length - 1) return { ok: false, message: 'must look like name@example.com' };
  const local = s.slice(0, at);
  const domain = s.slice(at + 1).toLowerCase();
  if (local.length > 64) return { ok: false, message: 'the part before @ must be at most 64 characters' };
  if (!LOCAL_RE.test(local)) return { ok: false, message: 'the part before @ contains invalid characters, spaces or misplaced dots' };
  // IDN domains are checked through their punycode (ASCII) form but stored as given, lowercased.
  const ascii = PRINTABLE_ASCII_RE.test(domain) ? domain : domainToASCII(domain);
  if (ascii === '' || ascii.length > 253) return { ok: false, message: 'the domain is not valid' };
  const labels = ascii.split('.');
  if (labels.length < 2) return { ok: false, message: 'the domain needs a dot and a top-level domain (e.g. example.com)' };
  for (const label of labels) if (!LABEL_RE.test(label)) return { ok: false, message: 'the domain is not valid' };
  if (!TLD_RE.test(labels[labels.length - 1] ?? '')) return { ok: false, message: 'the top-level domain is not valid' };
  return { ok: true, value: `${local}@${domain}` };
}

/** Build the validator for an email attribute. */
export function emailValidator(attr: AttributeDefinition): TypeValidator {
  const rules = compileStringRules(attr);
  return (v) => {
    if (typeof v !== 'string') return fail('type', `must be an email address string, got ${describeType(v)}`);
    const r = normaliseEmail(v);
    if (!r.ok) return fail('format', `invalid email address: ${r.message}`);
    return rules(r.value) ?? ok(r.value);
  };
}

/** Build the validator for a phone attribute (E.164 output; extensions are dropped). */
export function phoneValidator(attr: AttributeDefinition, schema?: SchemaDefinition): TypeValidator {
  const rules = compileStringRules(attr);
  const region = (attr.defaultRegion ?? schema?.defaultRegion) as CountryCode | undefined;
  const options = { defaultCountry: region, extract: false };
  const hint = region ? ` for default region ${region}` : ' (include the +country code: no default region is configured)';
  return (v) => {
    let s: string;
    if (typeof v === 'string') s = v;
    else if (typeof v === 'number' && Number.isSafeInteger(v) && v > 0) s = String(v);
    else return fail('type', `must be a phone number string, got ${describeType(v)}`);
    const phone = parsePhoneNumberFromString(s, options);
    if (phone === undefined || !phone.isValid()) return fail('format', `not a valid phone number${hint}`);
    return rules(phone.number) ?? ok(phone.number);
  };
}

/** Build the validator for a url attribute: absolute http(s) URLs, normalised href. */
export function urlValidator(attr: AttributeDefinition): TypeValidator {
  const rules = compileStringRules(attr);
  return (v) => {
    if (typeof v !== 'string') return fail('type', `must be a URL string, got ${describeType(v)}`);
    let url: URL;
    try {
      url = new URL(v);
    } catch {
      return fail('format', 'must be an absolute URL starting with http:// or https://');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return fail('format', `only http and https URLs are allowed, got ${url.protocol.slice(0, 20)}`);
    if (url.hostname === '') return fail('format', 'the URL needs a host name');
    // Credentials in URLs leak secrets into customer data.
    if (url.username !== '' || url.password !== '') return fail('format', 'URLs must not contain a user name or password');
    return rules(url.href) ?? ok(url.href);
  };
}
