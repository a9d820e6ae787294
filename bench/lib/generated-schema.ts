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
