import { de, en_GB, en_US } from '@faker-js/faker';

// Small embedded gazetteers: each city carries its state/region, a postcode prefix/area and its
// landline area codes, so city, state, postcode and phone always agree within a country.

/** One city with the data needed to make a consistent address and landline. */
export type City = {
  readonly city: string;
  readonly state: string;
  /** US: 3-digit ZIP prefix; DE: 2-digit PLZ prefix; AU: postcode range "2000-2234"; GB: outward area letters. */
  readonly post: string;
  /** Landline area codes without the trunk prefix ("415", "20"), each with the subscriber first digits in use. */
  readonly areas: readonly AreaCode[];
};

/** A landline area code and the prefixes its subscriber numbers actually start with. */
export type AreaCode = { readonly code: string; readonly first: readonly string[] };

// Area specs are "code" or "code:prefix|prefix" (e.g. London "20:3|7|8"); default prefixes 2-9.
const area = (spec: string): AreaCode => {
  const [code, first] = spec.split(':');
  return { code: code as string, first: (first ?? '2|3|4|5|6|7|8|9').split('|') };
};

type Row = readonly [string, string, string, string];
const cities = (rows: readonly Row[]): City[] =>
  rows.map(([city, state, post, areas]) => ({ city, state, post, areas: areas.split(' ').map(area) }));

// Ordered roughly by population so the Zipf sampler favours big cities.
const US_CITIES = cities([
  ['New York', 'NY', '100', '212 646 917'], ['Los Angeles', 'CA', '900', '213 310 323'], ['Chicago', 'IL', '606', '312 773'],
  ['Houston', 'TX', '770', '713 281 832'], ['Brooklyn', 'NY', '112', '718 347'], ['Phoenix', 'AZ', '850', '602 480'],
  ['Philadelphia', 'PA', '191', '215 267'], ['San Antonio', 'TX', '782', '210'], ['San Diego', 'CA', '921', '619 858'],
  ['Dallas', 'TX', '752', '214 469 972'], ['San Jose', 'CA', '951', '408 669'], ['Austin', 'TX', '787', '512 737'],
  ['Jacksonville', 'FL', '322', '904'], ['Columbus', 'OH', '432', '614'], ['Charlotte', 'NC', '282', '704 980'],
  ['San Francisco', 'CA', '941', '415 628'], ['Indianapolis', 'IN', '462', '317'], ['Seattle', 'WA', '981', '206'],
  ['Denver', 'CO', '802', '303 720'], ['Washington', 'DC', '200', '202'], ['Boston', 'MA', '021', '617 857'],
  ['Nashville', 'TN', '372', '615'], ['Detroit', 'MI', '482', '313'], ['Portland', 'OR', '972', '503 971'],
  ['Las Vegas', 'NV', '891', '702'], ['Louisville', 'KY', '402', '502'], ['Baltimore', 'MD', '212', '410 443'],
  ['Milwaukee', 'WI', '532', '414'], ['Albuquerque', 'NM', '871', '505'], ['Sacramento', 'CA', '958', '916'],
  ['Kansas City', 'MO', '641', '816'], ['Atlanta', 'GA', '303', '404 678'], ['Miami', 'FL', '331', '305 786'],
  ['Raleigh', 'NC', '276', '919'], ['Omaha', 'NE', '681', '402'], ['Minneapolis', 'MN', '554', '612'],
  ['Tampa', 'FL', '336', '813'], ['New Orleans', 'LA', '701', '504'], ['Cleveland', 'OH', '441', '216'],
  ['Honolulu', 'HI', '968', '808'], ['Pittsburgh', 'PA', '152', '412'], ['St. Louis', 'MO', '631', '314'],
  ['Salt Lake City', 'UT', '841', '801'], ['Orlando', 'FL', '328', '407'], ['Richmond', 'VA', '232', '804'],
  // Same city name in different states: a realistic trap for address matching.
  ['Springfield', 'IL', '627', '217'], ['Springfield', 'MA', '011', '413'], ['Springfield', 'MO', '658', '417'],
  ['Portland', 'ME', '041', '207'], ['Anchorage', 'AK', '995', '907'], ['Burlington', 'VT', '054', '802'],
]);

const GB_CITIES = cities([
  ['London', 'Greater London', 'SW SE N E NW W', '20:3|7|8'], ['Birmingham', 'West Midlands', 'B', '121:2|3|4'],
  ['Manchester', 'Greater Manchester', 'M', '161:2|3|4'], ['Glasgow', 'Glasgow City', 'G', '141:2|3|4'], ['Leeds', 'West Yorkshire', 'LS', '113:2|3|4'],
  ['Liverpool', 'Merseyside', 'L', '151:2|3|4'], ['Sheffield', 'South Yorkshire', 'S', '114:2|3|4'], ['Bristol', 'City of Bristol', 'BS', '117:2|3|4'],
  ['Edinburgh', 'City of Edinburgh', 'EH', '131:2|3|4'], ['Cardiff', 'South Glamorgan', 'CF', '29:2'], ['Leicester', 'Leicestershire', 'LE', '116:2|3|4'],
  ['Newcastle upon Tyne', 'Tyne and Wear', 'NE', '191:2|3|4'], ['Nottingham', 'Nottinghamshire', 'NG', '115:2|9'], ['Belfast', 'County Antrim', 'BT', '28:9'],
  ['Southampton', 'Hampshire', 'SO', '23:8|9'], ['Brighton', 'East Sussex', 'BN', '1273:2|3|4'], ['Oxford', 'Oxfordshire', 'OX', '1865:2|3|4'],
  ['Cambridge', 'Cambridgeshire', 'CB', '1223:2|3|4'], ['Norwich', 'Norfolk', 'NR', '1603:2|3|4'], ['York', 'North Yorkshire', 'YO', '1904:2|3|4'],
]);

const DE_CITIES = cities([
  ['Berlin', 'Berlin', '10 12 13', '30'], ['Hamburg', 'Hamburg', '20 21 22', '40'], ['München', 'Bayern', '80 81', '89'],
  ['Köln', 'Nordrhein-Westfalen', '50 51', '221'], ['Frankfurt am Main', 'Hessen', '60', '69'], ['Stuttgart', 'Baden-Württemberg', '70', '711'],
  ['Düsseldorf', 'Nordrhein-Westfalen', '40', '211'], ['Leipzig', 'Sachsen', '04', '341'], ['Dortmund', 'Nordrhein-Westfalen', '44', '231'],
  ['Essen', 'Nordrhein-Westfalen', '45', '201'], ['Bremen', 'Bremen', '28', '421'], ['Dresden', 'Sachsen', '01', '351'],
  ['Hannover', 'Niedersachsen', '30', '511'], ['Nürnberg', 'Bayern', '90', '911'], ['Münster', 'Nordrhein-Westfalen', '48', '251'],
  ['Freiburg im Breisgau', 'Baden-Württemberg', '79', '761'],
]);

const AU_CITIES = cities([
  ['Sydney', 'NSW', '2000-2234', '2:8|9'], ['Melbourne', 'VIC', '3000-3207', '3:8|9'], ['Brisbane', 'QLD', '4000-4179', '7:3'],
  ['Perth', 'WA', '6000-6199', '8:9'], ['Adelaide', 'SA', '5000-5199', '8:8'], ['Gold Coast', 'QLD', '4209-4230', '7:5'],
  ['Newcastle', 'NSW', '2280-2310', '2:49'], ['Canberra', 'ACT', '2600-2620', '2:61|62'], ['Hobart', 'TAS', '7000-7099', '3:62'],
  ['Darwin', 'NT', '0800-0832', '8:89'],
]);

const street = (defs: { location?: { street_name?: string[] } }): string[] => defs.location?.street_name ?? [];

/** Everything country-specific the generator needs. */
export type CountryData = {
  readonly code: string;
  readonly dialCode: string;
  /** International call prefix dialled from this country ("00", "0011"). */
  readonly idd: string;
  readonly cities: readonly City[];
  readonly streets: readonly string[];
  /** Mobile number prefixes in national significant form ("74", "151", "4"). */
  readonly mobilePrefixes: readonly string[];
  /** Free-mail domains, most common first. */
  readonly emailDomains: readonly string[];
  /** Ways people write the country name (used only for messy, errorRate > 0, rows). */
  readonly countryNames: readonly string[];
};

/** Per-country data keyed by ISO alpha-2 code. */
export const COUNTRIES: Readonly<Record<string, CountryData>> = {
  US: {
    code: 'US', dialCode: '1', idd: '011', cities: US_CITIES, streets: street(en_US as never), mobilePrefixes: [],
    emailDomains: ['gmail.com', 'yahoo.com', 'hotmail.com', 'outlook.com', 'aol.com', 'icloud.com', 'comcast.net', 'msn.com', 'att.net', 'verizon.net'],
    countryNames: ['USA', 'United States', 'U.S.A.', 'United States of America', 'us', 'U.S.', 'America'],
  },
  GB: {
    code: 'GB', dialCode: '44', idd: '00', cities: GB_CITIES, streets: street(en_GB as never), mobilePrefixes: ['74', '75', '78', '797'],
    emailDomains: ['gmail.com', 'hotmail.co.uk', 'yahoo.co.uk', 'outlook.com', 'btinternet.com', 'sky.com', 'icloud.com', 'live.co.uk', 'aol.co.uk', 'talktalk.net'],
    countryNames: ['UK', 'United Kingdom', 'Great Britain', 'England', 'U.K.', 'gb', 'Scotland'],
  },
  DE: {
    code: 'DE', dialCode: '49', idd: '00', cities: DE_CITIES, streets: street(de as never), mobilePrefixes: ['151', '152', '157', '160', '162', '170', '171', '172', '175', '176', '177', '178', '179'],
    emailDomains: ['gmail.com', 'web.de', 'gmx.de', 't-online.de', 'gmx.net', 'yahoo.de', 'outlook.de', 'freenet.de', 'posteo.de', 'icloud.com'],
    countryNames: ['Deutschland', 'Germany', 'GER', 'DEU', 'de', 'Federal Republic of Germany', 'Allemagne'],
  },
  AU: {
    code: 'AU', dialCode: '61', idd: '0011', cities: AU_CITIES, streets: street(en_GB as never), mobilePrefixes: ['40', '41', '42', '43', '46'],
    emailDomains: ['gmail.com', 'bigpond.com', 'hotmail.com', 'outlook.com', 'yahoo.com.au', 'optusnet.com.au', 'icloud.com', 'live.com.au', 'iinet.net.au', 'tpg.com.au'],
    countryNames: ['Australia', 'AUS', 'au', 'Aust.', 'Commonwealth of Australia'],
  },
};

/** Supported country codes. */
export const SUPPORTED_COUNTRIES: readonly string[] = Object.keys(COUNTRIES);

/** Throwaway-mailbox domains a validator should flag. */
export const DISPOSABLE_DOMAINS: readonly string[] = [
  'mailinator.com', 'guerrillamail.com', '10minutemail.com', 'yopmail.com', 'trashmail.com', 'tempmail.net', 'sharklasers.com', 'throwawaymail.com',
];

/** Misspelt free-mail domains (real typo traffic) a validator should catch. */
export const DOMAIN_TYPOS: readonly string[] = [
  'gmial.com', 'gmai.com', 'gmail.con', 'gmail.co', 'gnail.com', 'hotmial.com', 'hotmail.cm', 'hotnail.com', 'yaho.com', 'yahoo.cm',
  'outlok.com', 'outloo.com', 'iclod.com', 'gmx.dee', 'web.ed', 'yahoo.co.k', 'btinternet.co', 'bigpond.con',
];

/** Shared-mailbox local parts (not a person). */
export const ROLE_LOCAL_PARTS: readonly string[] = ['info', 'admin', 'sales', 'office', 'contact', 'support', 'noreply', 'accounts', 'hello'];
