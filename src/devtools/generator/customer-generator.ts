import { SUPPORTED_COUNTRIES } from './addresses.data.js';
import { type ErrorKind, applyErrors } from './errors.js';
import { type HardNegativeKind, makeHardNegativeCluster } from './hard-negatives.js';
import { type CountrySamplers, type Draft, type Person, baseDraft, newPerson, samplersFor } from './person.js';
import { Rng, WeightedPicker } from './prng.js';
import { type VariationKind, applyVariations } from './variations.js';

/** One generated customer record; an empty string means the value is missing. */
export type GeneratedCustomer = {
  customer_id: string;
  first_name: string;
  middle_name: string;
  last_name: string;
  date_of_birth: string;
  gender: string;
  email: string;
  phone: string;
  street: string;
  city: string;
  postcode: string;
  state: string;
  country: string;
  loyalty_card: string;
  entity_id: string;
};

/** Options for the generator. */
export type GeneratorOptions = {
  /** Number of rows to produce (exact). */
  count: number;
  /** PRNG seed; the same seed and options give identical output. Default 42. */
  seed?: number;
  /** Share of rows that are duplicates of an earlier entity. Default 0.2. */
  duplicateRate?: number;
  /** Maximum duplicates per entity (records per entity <= 1 + this). Default 4. */
  maxDuplicatesPerEntity?: number;
  /** Share of rows carrying invalid/messy values for ingestion tests. Default 0. */
  errorRate?: number;
  /** ISO alpha-2 codes; the first is the primary country. Default ['US']. Supported: US, GB, DE, AU. */
  countries?: string[];
  /** Generate households, twins, father & son and common-name clusters. Default true. */
  hardNegatives?: boolean;
};

/** A generated record plus ground truth about how it was made (for tests and benchmarks). */
export type AnnotatedCustomer = {
  customer: GeneratedCustomer;
  /** True when the row is a duplicate of an entity that already has a record. */
  duplicate: boolean;
  variations: VariationKind[];
  errors: ErrorKind[];
  /** Set on the first record of each member of a hard non-match cluster. */
  hardNegative: { kind: HardNegativeKind; group: string } | null;
};

/** Running totals, updated as rows are generated. */
export type GeneratorStats = { rows: number; entities: number; truePairs: number };

// Each new entity starts a hard-negative cluster with this probability (clusters hold 2-6 people).
const HARD_NEGATIVE_RATE = 0.035;
// Duplicates are drawn from the most recent entities; bounded so memory stays flat.
const POOL_SIZE = 8192;
// Bounded-window shuffle: keeps streaming while separating a cluster's records.
const SHUFFLE_WINDOW = 4096;

type Pending = { person: Person; hn: AnnotatedCustomer['hardNegative'] };

function idFormatter(prefix: string, count: number): (n: number) => string {
  const width = Math.max(7, String(count).length);
  return (n) => prefix + String(n).padStart(width, '0');
}

function checkRate(name: string, v: number): void {
  if (!(v >= 0 && v <= 1)) throw new RangeError(`${name} must be between 0 and 1 (got ${v})`);
}

/** Validate options and fill in defaults. */
export function resolveOptions(opts: GeneratorOptions): Required<GeneratorOptions> {
  const o: Required<GeneratorOptions> = {
    count: opts.count,
    seed: opts.seed ?? 42,
    duplicateRate: opts.duplicateRate ?? 0.2,
    maxDuplicatesPerEntity: opts.maxDuplicatesPerEntity ?? 4,
    errorRate: opts.errorRate ?? 0,
    countries: (opts.countries ?? ['US']).map((c) => c.trim().toUpperCase()),
    hardNegatives: opts.hardNegatives ?? true,
  };
  if (!Number.isInteger(o.count) || o.count < 0) throw new RangeError(`count must be a non-negative integer (got ${o.count})`);
  if (!Number.isInteger(o.seed)) throw new RangeError(`seed must be an integer (got ${o.seed})`);
  if (!Number.isInteger(o.maxDuplicatesPerEntity) || o.maxDuplicatesPerEntity < 0) throw new RangeError('maxDuplicatesPerEntity must be a non-negative integer');
  checkRate('duplicateRate', o.duplicateRate);
  checkRate('errorRate', o.errorRate);
  if (o.countries.length === 0) throw new RangeError('countries must not be empty');
  for (const c of o.countries) {
    if (!SUPPORTED_COUNTRIES.includes(c)) throw new RangeError(`Unsupported country ${c}; supported: ${SUPPORTED_COUNTRIES.join(', ')}`);
  }
  return o;
}

function toCustomer(d: Draft, entityId: string): GeneratedCustomer {
  return {
    customer_id: '', first_name: d.first_name, middle_name: d.middle_name, last_name: d.last_name,
    date_of_birth: d.date_of_birth, gender: d.gender, email: d.email, phone: d.phone, street: d.street, city: d.city,
    postcode: d.postcode, state: d.state, country: d.country, loyalty_card: d.loyalty_card, entity_id: entityId,
  };
}

/**
 * Stream annotated customer records. Memory is bounded by the duplicate pool and the shuffle window,
 * not by `count`. `stats` (if given) is updated in place; it is final once the generator finishes.
 */
export function* generateAnnotatedCustomers(opts: GeneratorOptions, stats?: GeneratorStats): Generator<AnnotatedCustomer> {
  const o = resolveOptions(opts);
  const st: GeneratorStats = stats ?? { rows: 0, entities: 0, truePairs: 0 };
  st.rows = 0;
  st.entities = 0;
  st.truePairs = 0;
  const rng = new Rng(o.seed);
  const samplers = o.countries.map(samplersFor);
  // One primary country per file; any others share 40% of people.
  const countryPicker = new WeightedPicker<CountrySamplers>(
    samplers,
    samplers.map((_, i) => (samplers.length === 1 ? 1 : i === 0 ? 0.6 : 0.4 / (samplers.length - 1))),
  );
  const entityId = idFormatter('E', o.count);
  const customerId = idFormatter('C', o.count);
  const pool: Person[] = [];
  let poolNext = 0;
  const pending: Pending[] = [];
  let pendingHead = 0;
  let groups = 0;
  let owed = 0;
  const window: AnnotatedCustomer[] = [];
  let emitted = 0;

  const nextNew = (): Pending => {
    if (pendingHead < pending.length) {
      const p = pending[pendingHead++]!;
      if (pendingHead === pending.length) {
        pending.length = 0;
        pendingHead = 0;
      }
      return p;
    }
    const s = countryPicker.pick(rng);
    if (o.hardNegatives && rng.chance(HARD_NEGATIVE_RATE)) {
      const cluster = makeHardNegativeCluster(rng, s);
      const group = `HN${String(++groups).padStart(6, '0')}`;
      for (const person of cluster.members) pending.push({ person, hn: { kind: cluster.kind, group } });
      return nextNew();
    }
    return { person: newPerson(rng, s), hn: null };
  };

  const findDuplicateTarget = (): Person | null => {
    for (let t = 0; t < 6 && pool.length > 0; t++) {
      const p = pool[rng.int(pool.length)]!;
      if (p.records <= o.maxDuplicatesPerEntity) return p;
    }
    return null;
  };

  for (let i = 0; i < o.count; i++) {
    const roll = o.duplicateRate > 0 && rng.chance(o.duplicateRate);
    // `owed` makes up for early rows (empty pool) so the realised rate tracks duplicateRate.
    const target = roll || owed > 0 ? findDuplicateTarget() : null;
    if (roll && !target) owed++;
    else if (!roll && target) owed--;

    let item: AnnotatedCustomer;
    if (target) {
      const s = samplersFor(target.country.code);
      const d = baseDraft(rng, target);
      const variations = applyVariations(rng, d, target, s);
      // Many duplicates come from people who did not present their card.
      if (d.loyalty_card && rng.chance(0.4)) d.loyalty_card = '';
      const errors = o.errorRate > 0 && rng.chance(o.errorRate) ? applyErrors(rng, d, target, s) : [];
      st.truePairs += target.records;
      target.records++;
      item = { customer: toCustomer(d, target.entityId), duplicate: true, variations, errors, hardNegative: null };
    } else {
      const { person, hn } = nextNew();
      person.entityId = entityId(++st.entities);
      person.records = 1;
      if (pool.length < POOL_SIZE) pool.push(person);
      else {
        pool[poolNext] = person;
        poolNext = (poolNext + 1) % POOL_SIZE;
      }
      const s = samplersFor(person.country.code);
      const d = baseDraft(rng, person);
      const errors = o.errorRate > 0 && rng.chance(o.errorRate) ? applyErrors(rng, d, person, s) : [];
      item = { customer: toCustomer(d, person.entityId), duplicate: false, variations: [], errors, hardNegative: hn };
    }
    st.rows++;

    window.push(item);
    if (window.length > SHUFFLE_WINDOW) {
      const j = rng.int(window.length);
      const out = window[j]!;
      window[j] = window[window.length - 1]!;
      window.pop();
      out.customer.customer_id = customerId(++emitted);
      yield out;
    }
  }
  // Drain the window in random order.
  while (window.length > 0) {
    const j = rng.int(window.length);
    const out = window[j]!;
    window[j] = window[window.length - 1]!;
    window.pop();
    out.customer.customer_id = customerId(++emitted);
    yield out;
  }
}

/**
 * Stream realistic customer records with known duplicates (see `entity_id`) and hard non-matches.
 * Deterministic for a given seed and options.
 */
export function* generateCustomers(opts: GeneratorOptions): Generator<GeneratedCustomer> {
  for (const a of generateAnnotatedCustomers(opts)) yield a.customer;
}
