import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { isValidPhoneNumber, type CountryCode } from 'libphonenumber-js/max';
import { afterAll, describe, expect, it } from 'vitest';
import {
  type AnnotatedCustomer,
  CUSTOMER_CSV_COLUMNS,
  ERROR_KINDS,
  HARD_NEGATIVE_KINDS,
  VARIATION_KINDS,
  csvField,
  generateAnnotatedCustomers,
  generateCustomers,
  isLuhnValid,
  writeCustomersCsv,
} from '../../src/devtools/generator/index.js';

const dir = mkdtempSync(join(tmpdir(), 'custodian-gen-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// One shared 10,000-row sample (default options, errorRate 0) for the rate checks.
const SAMPLE: AnnotatedCustomer[] = [...generateAnnotatedCustomers({ count: 10_000, seed: 42 })];
const DUPS = SAMPLE.filter((a) => a.duplicate);

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const EMAIL = /^(?!.*\.\.)[a-z0-9._%+-]+@[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,}$/;
const POSTCODE: Record<string, RegExp> = {
  US: /^\d{5}$/,
  GB: /^[A-Z]{1,2}\d{1,2} \d[A-Z]{2}$/,
  DE: /^\d{5}$/,
  AU: /^\d{4}$/,
};

function validIsoDate(s: string): boolean {
  const m = ISO_DATE.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

describe('determinism', () => {
  it('same seed gives the same rows, a different seed different rows', () => {
    const a = [...generateCustomers({ count: 3000, seed: 7, errorRate: 0.1 })];
    const b = [...generateCustomers({ count: 3000, seed: 7, errorRate: 0.1 })];
    const c = [...generateCustomers({ count: 3000, seed: 8, errorRate: 0.1 })];
    expect(b).toEqual(a);
    const same = a.filter((r, i) => r.first_name === c[i]!.first_name && r.email === c[i]!.email).length;
    expect(same).toBeLessThan(100);
  });

  it('same seed gives byte-identical files', async () => {
    const opts = { count: 5000, seed: 99, errorRate: 0.05, countries: ['GB', 'DE'] };
    await writeCustomersCsv(join(dir, 'a.csv'), opts, { truthPath: join(dir, 'a.truth.csv') });
    await writeCustomersCsv(join(dir, 'b.csv'), opts, { truthPath: join(dir, 'b.truth.csv') });
    expect(readFileSync(join(dir, 'a.csv')).equals(readFileSync(join(dir, 'b.csv')))).toBe(true);
    expect(readFileSync(join(dir, 'a.truth.csv')).equals(readFileSync(join(dir, 'b.truth.csv')))).toBe(true);
  });
});

describe('writeCustomersCsv', () => {
  it('writes exact row, entity and true-pair counts that agree with the truth file', async () => {
    const out = join(dir, 'c.csv');
    const truthPath = join(dir, 'c.truth.csv');
    const res = await writeCustomersCsv(out, { count: 7000, seed: 3 }, { truthPath });
    const text = readFileSync(out, 'utf8');
    expect(text.slice(0, text.indexOf('\n'))).toBe(
      'customer_id,first_name,middle_name,last_name,date_of_birth,gender,email,phone,street,city,postcode,state,country,loyalty_card',
    );
    const rows = parse(text, { columns: true }) as Record<string, string>[];
    const truthText = readFileSync(truthPath, 'utf8');
    expect(truthText.startsWith('customer_id,entity_id\n')).toBe(true);
    const truth = parse(truthText, { columns: true }) as { customer_id: string; entity_id: string }[];
    expect(res.rows).toBe(7000);
    expect(rows).toHaveLength(7000);
    expect(truth).toHaveLength(7000);
    expect(new Set(rows.map((r) => r.customer_id)).size).toBe(7000);
    expect(rows.map((r) => r.customer_id)).toEqual(truth.map((t) => t.customer_id));
    const perEntity = new Map<string, number>();
    for (const t of truth) perEntity.set(t.entity_id, (perEntity.get(t.entity_id) ?? 0) + 1);
    expect(perEntity.size).toBe(res.entities);
    let pairs = 0;
    for (const n of perEntity.values()) {
      pairs += (n * (n - 1)) / 2;
      expect(n).toBeLessThanOrEqual(5); // 1 + maxDuplicatesPerEntity
    }
    expect(pairs).toBe(res.truePairs);
    expect(res.truePairs).toBeGreaterThan(1000);
  });

  it('round-trips names with commas and quotes through CSV quoting', async () => {
    expect(csvField('Smith, Jr.')).toBe('"Smith, Jr."');
    expect(csvField('William "Bill"')).toBe('"William ""Bill"""');
    expect(csvField(' Anna')).toBe('" Anna"');
    expect(csvField('plain')).toBe('plain');
    const opts = { count: 20_000, seed: 5, errorRate: 0.1 };
    const out = join(dir, 'q.csv');
    await writeCustomersCsv(out, opts);
    const parsed = parse(readFileSync(out, 'utf8'), { columns: true }) as Record<string, string>[];
    const expected = [...generateCustomers(opts)];
    expect(parsed).toHaveLength(expected.length);
    const project = (r: Record<string, string>): string[] => CUSTOMER_CSV_COLUMNS.map((c) => r[c] ?? '');
    expect(parsed.map(project)).toEqual(expected.map(project));
    const commas = expected.filter((e) => CUSTOMER_CSV_COLUMNS.some((c) => e[c].includes(','))).length;
    const quotes = expected.filter((e) => CUSTOMER_CSV_COLUMNS.some((c) => e[c].includes('"'))).length;
    expect(commas).toBeGreaterThan(0);
    expect(quotes).toBeGreaterThan(0);
  });

  it('rejects bad options before creating files', async () => {
    await expect(writeCustomersCsv(join(dir, 'x.csv'), { count: 10, countries: ['XX'] })).rejects.toThrow(/Unsupported country/);
    expect(() => [...generateCustomers({ count: -1 })]).toThrow(RangeError);
    expect(() => [...generateCustomers({ count: 5, duplicateRate: 1.5 })]).toThrow(RangeError);
  });
});

describe('duplicates and variations', () => {
  it('has the requested duplicate share and 1-3 changes per duplicate', () => {
    expect(DUPS.length / SAMPLE.length).toBeGreaterThan(0.18);
    expect(DUPS.length / SAMPLE.length).toBeLessThan(0.22);
    const changes = DUPS.map((d) => d.variations.length);
    expect(Math.min(...changes)).toBeGreaterThanOrEqual(1);
    expect(Math.max(...changes)).toBe(3);
    const mean = changes.reduce((a, b) => a + b, 0) / changes.length;
    expect(mean).toBeGreaterThan(1.5);
    expect(mean).toBeLessThan(1.8);
  });

  it('every variation kind occurs at its expected rate (share of duplicates, +-40%)', () => {
    // Measured centres for the default mix; applicability (nickname table, women for married
    // names, people with a phone/dob/middle name) lowers some kinds below their raw weight.
    const expected: Record<(typeof VARIATION_KINDS)[number], number> = {
      typo: 0.3, missing: 0.23, move: 0.17, date_slip: 0.16, phone_format: 0.15, nickname: 0.15,
      email_change: 0.14, case_noise: 0.14, name_swap: 0.065, middle_name: 0.06, married_name: 0.05,
    };
    for (const kind of VARIATION_KINDS) {
      const rate = DUPS.filter((d) => d.variations.includes(kind)).length / DUPS.length;
      expect(rate, kind).toBeGreaterThan(expected[kind] * 0.6);
      expect(rate, kind).toBeLessThan(expected[kind] * 1.4);
    }
  });

  it('keeps at most maxDuplicatesPerEntity duplicates and none when duplicateRate is 0', () => {
    const none = [...generateAnnotatedCustomers({ count: 2000, duplicateRate: 0 })];
    expect(none.some((a) => a.duplicate)).toBe(false);
    const counts = new Map<string, number>();
    for (const a of generateAnnotatedCustomers({ count: 5000, duplicateRate: 0.6, maxDuplicatesPerEntity: 2 })) {
      counts.set(a.customer.entity_id, (counts.get(a.customer.entity_id) ?? 0) + 1);
    }
    expect(Math.max(...counts.values())).toBe(3);
  });

  it('applies nickname, married-name and swap changes visibly', () => {
    const byEntity = new Map<string, AnnotatedCustomer>();
    for (const a of SAMPLE) if (!a.duplicate) byEntity.set(a.customer.entity_id, a);
    const swapped = DUPS.filter((d) => d.variations.length === 1 && d.variations[0] === 'name_swap');
    expect(swapped.length).toBeGreaterThan(0);
    for (const d of swapped) {
      const orig = byEntity.get(d.customer.entity_id);
      if (orig) expect(d.customer.first_name.startsWith(orig.customer.last_name.replace(/,? (Jr|Sr)\.?$/, ''))).toBe(true);
    }
    const married = DUPS.filter((d) => d.variations.includes('married_name'));
    for (const d of married) expect(d.customer.gender === 'F' || d.customer.gender === '').toBe(true);
  });
});

describe('hard negatives', () => {
  it('produces every kind, with distinct entities sharing the confusable attributes', () => {
    const groups = new Map<string, AnnotatedCustomer[]>();
    for (const a of SAMPLE) {
      if (!a.hardNegative) continue;
      const g = groups.get(a.hardNegative.group) ?? [];
      g.push(a);
      groups.set(a.hardNegative.group, g);
    }
    const kinds = new Set([...groups.values()].map((g) => g[0]!.hardNegative!.kind));
    expect([...kinds].sort()).toEqual([...HARD_NEGATIVE_KINDS].sort());
    let checked = 0;
    for (const members of groups.values()) {
      if (members.length < 2) continue; // cluster cut off at the end of the file
      checked++;
      const ids = members.map((m) => m.customer.entity_id);
      expect(new Set(ids).size).toBe(ids.length);
      const c = members.map((m) => m.customer);
      const kind = members[0]!.hardNegative!.kind;
      const baseLast = (s: string): string => s.replace(/,? (Jr|Sr)\.?$/, '');
      if (kind === 'household') {
        expect(new Set(c.map((x) => `${x.street}|${x.city}|${x.postcode}`)).size).toBe(1);
        expect(new Set(c.map((x) => x.first_name)).size).toBe(c.length);
      } else if (kind === 'twins') {
        expect(new Set(c.map((x) => `${x.last_name}|${x.date_of_birth}|${x.street}`)).size).toBe(1);
        expect(c[0]!.first_name).not.toBe(c[1]!.first_name);
      } else if (kind === 'father_son') {
        expect(c[0]!.first_name).toBe(c[1]!.first_name);
        expect(baseLast(c[0]!.last_name)).toBe(baseLast(c[1]!.last_name));
        expect(c[0]!.street).toBe(c[1]!.street);
        const years = Math.abs(Number(c[0]!.date_of_birth.slice(0, 4)) - Number(c[1]!.date_of_birth.slice(0, 4)));
        if (c[0]!.date_of_birth && c[1]!.date_of_birth) expect(years).toBeGreaterThanOrEqual(18);
      } else {
        expect(new Set(c.map((x) => `${x.first_name} ${x.last_name}`)).size).toBe(1);
        expect(new Set(c.map((x) => x.date_of_birth)).size).toBeGreaterThan(1);
      }
    }
    expect(checked).toBeGreaterThan(50);
    // The "very common name" really is common.
    const johnSmiths = new Set(SAMPLE.filter((a) => a.customer.first_name === 'John' && a.customer.last_name === 'Smith').map((a) => a.customer.entity_id));
    expect(johnSmiths.size).toBeGreaterThan(5);
  });

  it('can be switched off', () => {
    expect([...generateAnnotatedCustomers({ count: 3000, hardNegatives: false })].some((a) => a.hardNegative)).toBe(false);
  });
});

describe('ids', () => {
  it('customer_id is opaque and does not follow entity order', () => {
    let adjacentSame = 0;
    let sameNumber = 0;
    SAMPLE.forEach((a, i) => {
      expect(a.customer.customer_id).toBe(`C${String(i + 1).padStart(7, '0')}`);
      expect(a.customer.customer_id).not.toContain(a.customer.entity_id);
      if (a.customer.customer_id.slice(1) === a.customer.entity_id.slice(1)) sameNumber++;
      if (i > 0 && SAMPLE[i - 1]!.customer.entity_id === a.customer.entity_id) adjacentSame++;
    });
    expect(sameNumber).toBeLessThan(10);
    expect(adjacentSame).toBeLessThan(10);
  });
});

describe('value validity', () => {
  it('errorRate 0 yields only valid e-mails, ISO dates, phones, postcodes and ISO countries', () => {
    const problems: string[] = [];
    const check = (ok: boolean, what: string): void => void (ok || problems.push(what));
    for (const { customer: c } of SAMPLE) {
      if (c.email) check(EMAIL.test(c.email), `email ${c.email}`);
      if (c.date_of_birth) check(validIsoDate(c.date_of_birth) && Number(c.date_of_birth.slice(0, 4)) <= 2010, `dob ${c.date_of_birth}`);
      if (c.phone) check(isValidPhoneNumber(c.phone, c.country as CountryCode), `phone ${c.phone}`);
      if (c.postcode) check(POSTCODE[c.country]!.test(c.postcode), `postcode ${c.postcode}`);
      check(c.country === 'US', `country ${c.country}`);
      if (c.loyalty_card) check(isLuhnValid(c.loyalty_card), `card ${c.loyalty_card}`);
      check(['M', 'F', ''].includes(c.gender), `gender ${c.gender}`);
    }
    expect(problems).toEqual([]);
    const originals = SAMPLE.filter((a) => !a.duplicate);
    const withCard = originals.filter((a) => a.customer.loyalty_card).length / originals.length;
    expect(withCard).toBeGreaterThan(0.35);
    expect(withCard).toBeLessThan(0.45);
  });

  it('other countries get consistent postcodes, states and valid phones', () => {
    const rows = [...generateCustomers({ count: 4000, seed: 11, countries: ['GB', 'DE', 'AU'] })];
    const share = rows.filter((r) => r.country === 'GB').length / rows.length;
    expect(share).toBeGreaterThan(0.5);
    expect(share).toBeLessThan(0.7);
    for (const c of rows) {
      if (c.postcode) expect(c.postcode).toMatch(POSTCODE[c.country]!);
      if (c.phone) expect(isValidPhoneNumber(c.phone, c.country as CountryCode), c.phone).toBe(true);
      if (c.city === 'München') expect(c.state).toBe('Bayern');
      if (c.city === 'Sydney' && c.postcode) expect(Number(c.postcode)).toBeLessThan(2300);
    }
    expect(rows.some((r) => /[äöüéëñ]/.test(r.first_name + r.last_name))).toBe(true);
  });

  it('errorRate > 0 injects every kind of invalid value at about the requested rate', () => {
    const rows = [...generateAnnotatedCustomers({ count: 10_000, seed: 4, errorRate: 0.1 })];
    const withErrors = rows.filter((r) => r.errors.length > 0);
    expect(withErrors.length / rows.length).toBeGreaterThan(0.085);
    expect(withErrors.length / rows.length).toBeLessThan(0.115);
    for (const kind of ERROR_KINDS) expect(rows.filter((r) => r.errors.includes(kind)).length, kind).toBeGreaterThan(40);
    const bad = (kind: string): AnnotatedCustomer[] => rows.filter((r) => r.errors.includes(kind as never));
    for (const r of bad('date_impossible')) expect(validIsoDate(r.customer.date_of_birth)).toBe(false);
    for (const r of bad('date_future')) expect(Number(r.customer.date_of_birth.slice(0, 4))).toBeGreaterThan(2030);
    for (const r of bad('email_malformed')) expect(r.customer.email).not.toMatch(EMAIL);
    for (const r of bad('country_name')) expect(r.customer.country).not.toBe('US');
    expect(bad('email_domain_typo').some((r) => /@(gmial|gmai|gnail)\.com$/.test(r.customer.email))).toBe(true);
    expect(bad('email_role').every((r) => /^(info|admin|sales|office|contact|support|noreply|accounts|hello)@/.test(r.customer.email.trim()))).toBe(true);
  });
});
