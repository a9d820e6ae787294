import type { GeneratedCustomer } from '../../devtools/generator/index.js';
import { generateCustomers } from '../../devtools/generator/index.js';
import type { MatchModel, MatchRecord, Role, RoleMapping } from '../matching/engine/index.js';
import { trainModel } from '../matching/engine/index.js';
import { rolesKey } from './match-fields.js';

// Which generated column stands for each role; fullName is composed.
const GENERATED: Partial<Record<Role, (c: GeneratedCustomer) => string>> = {
  givenName: (c) => c.first_name,
  middleName: (c) => c.middle_name,
  familyName: (c) => c.last_name,
  fullName: (c) => [c.first_name, c.last_name].filter(Boolean).join(' '),
  dateOfBirth: (c) => c.date_of_birth,
  gender: (c) => c.gender,
  email: (c) => c.email,
  phone: (c) => c.phone,
  street: (c) => c.street,
  city: (c) => c.city,
  postcode: (c) => c.postcode,
  state: (c) => c.state,
  country: (c) => c.country,
  identifier: (c) => c.loyalty_card,
};

const BOOTSTRAP_RECORDS = 3000;
const cache = new Map<string, Promise<MatchModel>>();
const recordCache = new Map<string, MatchRecord[]>();

/**
 * Seeded synthetic people in the schema's columns. Besides training the bootstrap model they are the
 * warm index's background population: with only a handful of stored records every value would look
 * common and term-frequency adjustments would punish exact agreement.
 */
export function syntheticRecords(roles: RoleMapping): MatchRecord[] {
  const key = rolesKey(roles);
  let hit = recordCache.get(key);
  if (!hit) {
    hit = [];
    let n = 0;
    for (const c of generateCustomers({ count: BOOTSTRAP_RECORDS, seed: 20_251_123, duplicateRate: 0.3, countries: ['GB', 'US', 'DE', 'AU'] })) {
      const fields: Record<string, string | null> = {};
      for (const [col, role] of Object.entries(roles)) fields[col] = GENERATED[role]?.(c) || null;
      hit.push({ id: `synthetic#${n++}`, fields });
    }
    recordCache.set(key, hit);
  }
  return hit;
}

/**
 * A starting model for a schema that has no trained one yet: EM-trained on seeded synthetic customers
 * laid out in the schema's columns, so matching works from the first record. Cached per role mapping.
 */
export function bootstrapModel(roles: RoleMapping): Promise<MatchModel> {
  const key = rolesKey(roles);
  let hit = cache.get(key);
  if (!hit) {
    hit = trainModel(syntheticRecords(roles), { roles, threads: 1 });
    cache.set(key, hit);
    hit.catch(() => cache.delete(key));
  }
  return hit;
}
