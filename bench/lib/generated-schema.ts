import type { GeneratedCustomer } from '../../src/devtools/generator/index.js';

// The generator's customer columns, one attribute each (CSV headers map by name): bench:ingest, bench:writer-cost.
export const GENERATED_SCHEMA = {
  attributes: [
    { name: 'customer_id', type: 'identifier', privacy: 'public' },
    { name: 'first_name', type: 'text', required: true, privacy: 'public' },
    { name: 'middle_name', type: 'text', privacy: 'public' },
    { name: 'last_name', type: 'text', required: true, privacy: 'public' },
    { name: 'date_of_birth', type: 'date', privacy: 'sensitive' },
    { name: 'gender', type: 'text', privacy: 'personal' },
    { name: 'email', type: 'email', privacy: 'personal' },
    { name: 'phone', type: 'phone', privacy: 'personal' },
    { name: 'street', type: 'text', privacy: 'personal' },
    { name: 'city', type: 'text', privacy: 'public' },
    { name: 'postcode', type: 'text', privacy: 'personal' },
    { name: 'state', type: 'text', privacy: 'public' },
    { name: 'country', type: 'country', privacy: 'public' },
    { name: 'loyalty_card', type: 'identifier', privacy: 'public' },
  ],
  defaultRegion: 'US',
};

// The bench:api customer schema (what POSTs and the seeded store hold): bench:api, bench:warm-budget.
export const API_BENCH_SCHEMA = {
  attributes: [
    { name: 'first_name', type: 'text', required: true },
    { name: 'last_name', type: 'text' },
    { name: 'email', type: 'email' },
    { name: 'phone', type: 'phone', defaultRegion: 'GB' },
    { name: 'date_of_birth', type: 'date', privacy: 'sensitive' },
    { name: 'city', type: 'text', privacy: 'public' },
  ],
};

/** A generated person as API_BENCH_SCHEMA's attributes (missing values left out). */
export function apiBenchRow(c: GeneratedCustomer): Record<string, string> {
  return Object.fromEntries(Object.entries({ first_name: c.first_name, last_name: c.last_name, email: c.email, phone: c.phone, date_of_birth: c.date_of_birth, city: c.city }).filter(([, v]) => v !== ''));
}
