import type { Role, RoleMapping } from './types.js';

/** Every role that can be set with `--map column=role`. */
export const ROLES: readonly Role[] = [
  'givenName', 'familyName', 'fullName', 'middleName', 'dateOfBirth', 'email', 'phone', 'street', 'houseNumber',
  'city', 'postcode', 'state', 'country', 'gender', 'identifier', 'text', 'ignore',
];

const ALIASES: Record<string, Role> = {
  given: 'givenName', first: 'givenName', firstname: 'givenName', family: 'familyName', last: 'familyName',
  lastname: 'familyName', surname: 'familyName', dob: 'dateOfBirth', birthdate: 'dateOfBirth', mail: 'email',
  zip: 'postcode', id: 'identifier', full: 'fullName', name: 'fullName', middle: 'middleName', suburb: 'city',
};

/** Parse a role name given on the command line (camelCase, snake_case or a short alias). */
export function parseRole(s: string): Role | null {
  const norm = s.trim().replace(/[_\-\s]/g, '').toLowerCase();
  for (const r of ROLES) if (r.toLowerCase() === norm) return r;
  return ALIASES[norm] ?? null;
}

// Ordered: the first pattern that matches the normalised column name wins.
const PATTERNS: Array<[RegExp, Role]> = [
  [/^(first_?and_?(sur|last)_?name|full_?name|name|customer_?name|person_?name|display_?name|contact_?name)$/, 'fullName'],
  [/^(given_?names?|first_?names?|firstname|forenames?|fname|first|christian_?name)$/, 'givenName'],
  [/^(middle_?names?|middle|mname|second_?name|middle_?initial)$/, 'middleName'],
  [/^(surname|last_?name|family_?name|lname|last|sur_?name)$/, 'familyName'],
  [/^(dob|date_?of_?birth|birth_?date|birthdate|birthday|d_?o_?b)$/, 'dateOfBirth'],
  [/^(e_?mail|email_?address|e_?mail_?addr|mail)$/, 'email'],
  [/^(phone|phone_?number|telephone|tel|mobile|mobile_?phone|cell|cell_?phone|home_?phone|work_?phone|msisdn)$/, 'phone'],
  [/^(street_?number|house_?number|house_?no|street_?no|building_?number|number)$/, 'houseNumber'],
  [/^(street|street_?address|address|address_?1|address_?line_?1|addr|addr_?1|addr_?line_?1|street_?name|address1)$/, 'street'],
  [/^(address_?2|address_?line_?2|addr_?2|address2)$/, 'text'],
  [/^(city|suburb|town|locality|municipality)$/, 'city'],
  [/^(post_?code|postcode_?fake|zip|zip_?code|postal_?code|postalcode|plz)$/, 'postcode'],
  [/^(state|province|region|county|territory)$/, 'state'],
  [/^(country|country_?code|nation)$/, 'country'],
  [/^(gender|sex)$/, 'gender'],
  [/^(soc_?sec_?id|ssn|social_?security(_?number)?|national_?id|nin|passport(_?number)?|tax_?id|tfn|loyalty_?(card|number|id)|customer_?number|account_?number|membership_?(number|id)|member_?id|card_?number|driver_?licen[cs]e(_?number)?|medicare(_?number)?)$/, 'identifier'],
  [/^(occupation|job|job_?title|profession|birth_?place|place_?of_?birth|company|employer|nationality)$/, 'text'],
];

/** Normalise a column name: lower case, separators → "_". */
function normColumn(c: string): string {
  return c.trim().toLowerCase().replace(/[\s\-.]+/g, '_').replace(/[^a-z0-9_]/g, '');
}

/** Role of a column from its name alone, or null if unrecognised. */
export function detectRole(column: string): Role | null {
  const n = normColumn(column);
  for (const [re, role] of PATTERNS) if (re.test(n)) return role;
  return null;
}

/**
 * Detect roles for all columns except the id column; explicit entries win.
 * Returns the mapping plus the columns that were not recognised.
 */
export function detectRoles(columns: readonly string[], idColumn: string | null, explicit: RoleMapping = {}): { roles: RoleMapping; unrecognised: string[] } {
  const roles: RoleMapping = {};
  const unrecognised: string[] = [];
  for (const c of columns) {
    if (c === idColumn) continue;
    const r = explicit[c] ?? detectRole(c);
    if (r === null) unrecognised.push(c);
    else if (r !== 'ignore') roles[c] = r;
  }
  return { roles, unrecognised };
}
