// Street address abbreviations (keys lowercase, without the trailing dot).

/** Street types that are never anything else: expanded wherever they appear after the first word. */
export const STREET_TYPES: Readonly<Record<string, string>> = {
  rd: 'Road', ave: 'Avenue', av: 'Avenue', blvd: 'Boulevard', ln: 'Lane', hwy: 'Highway', pkwy: 'Parkway', cres: 'Crescent',
  gdns: 'Gardens', tce: 'Terrace', terr: 'Terrace', sq: 'Square', cir: 'Circle', crt: 'Court', ct: 'Court', pl: 'Place',
  expy: 'Expressway', fwy: 'Freeway', trl: 'Trail', aly: 'Alley', bvd: 'Boulevard', cl: 'Close', gr: 'Grove', gro: 'Grove',
};

/** Street types that, before a name, mean something else: expanded only at the end of the street part. */
export const POSITIONAL_STREET_TYPES: Readonly<Record<string, { end: string; before?: string }>> = {
  // "St. John's Rd" → "Saint John's Road", "Main St" → "Main Street".
  st: { end: 'Street', before: 'Saint' },
  // "Dr Martin Luther King Jr Blvd" keeps Dr (Doctor); "Oak Dr" → "Oak Drive".
  dr: { end: 'Drive' },
  // "Mt Pleasant Rd" → "Mount Pleasant Road"; never a street type at the end.
  mt: { end: 'Mount', before: 'Mount' },
  // German "Berliner Str. 5" (only for DE/AT/CH addresses; see address.standardizer).
  str: { end: 'Straße' },
};

/** Unit designators; the next token is the unit number ("Apt 4B" → "Apartment 4B"). */
export const UNIT_DESIGNATORS: Readonly<Record<string, string>> = {
  apt: 'Apartment', apartment: 'Apartment', ste: 'Suite', fl: 'Floor', flr: 'Floor', bldg: 'Building', rm: 'Room', unit: 'Unit', dept: 'Department', po: 'PO',
};

/** Compass directions after a house number ("123 N Main St" → "123 North Main Street"). */
export const DIRECTIONS: Readonly<Record<string, string>> = { n: 'North', s: 'South', e: 'East', w: 'West' };
