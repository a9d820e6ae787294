import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { type GeneratedCustomer, type GeneratorOptions, type GeneratorStats, generateAnnotatedCustomers } from './customer-generator.js';

/** Column order of the customer CSV (entity_id is kept out; it goes to the truth file). */
export const CUSTOMER_CSV_COLUMNS = [
  'customer_id', 'first_name', 'middle_name', 'last_name', 'date_of_birth', 'gender', 'email', 'phone',
  'street', 'city', 'postcode', 'state', 'country', 'loyalty_card',
] as const satisfies readonly (keyof GeneratedCustomer)[];

/** Header line of the truth CSV. */
export const TRUTH_CSV_HEADER = 'customer_id,entity_id';

// Quote when RFC 4180 requires it, and also for edge whitespace so no reader trims it away.
// A char-code scan: this runs 14 times per row, and beats a regex test in the hot loop.
function needsQuotes(v: string): boolean {
  const n = v.length;
  if (n === 0) return false;
  if (v.charCodeAt(0) <= 32 || v.charCodeAt(n - 1) <= 32) return true;
  for (let i = 0; i < n; i++) {
    const c = v.charCodeAt(i);
    if (c === 44 || c === 34 || c === 10 || c === 13) return true;
  }
  return false;
}

/** One CSV field, quoted and escaped only when needed. */
export function csvField(v: string): string {
  return needsQuotes(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** One customer as a CSV line (with trailing newline). */
export function customerCsvLine(c: GeneratedCustomer): string {
  return (
    csvField(c.customer_id) + ',' + csvField(c.first_name) + ',' + csvField(c.middle_name) + ',' + csvField(c.last_name) + ',' +
    csvField(c.date_of_birth) + ',' + csvField(c.gender) + ',' + csvField(c.email) + ',' + csvField(c.phone) + ',' +
    csvField(c.street) + ',' + csvField(c.city) + ',' + csvField(c.postcode) + ',' + csvField(c.state) + ',' +
    csvField(c.country) + ',' + csvField(c.loyalty_card) + '\n'
  );
}

/** Options for writeCustomersCsv beyond the generator's. */
export type WriteCsvOptions = {
  /** Also write `customer_id,entity_id` ground truth here. */
  truthPath?: string;
  /** Called every `progressEvery` rows (default 100,000) with the rows written so far. */
  onProgress?: (rows: number) => void;
  progressEvery?: number;
};

/** Totals after writing. */
export type WriteCsvResult = { rows: number; entities: number; truePairs: number };

// Buffer writes: one fs write per ~1 MB instead of per row.
const FLUSH_CHARS = 1 << 20;

class BufferedOut {
  private buf = '';
  constructor(readonly stream: WriteStream) {}
  add(s: string): boolean {
    this.buf += s;
    return this.buf.length >= FLUSH_CHARS;
  }
  async flush(): Promise<void> {
    if (!this.buf) return;
    const ok = this.stream.write(this.buf);
    this.buf = '';
    if (!ok) await once(this.stream, 'drain');
  }
  async close(): Promise<void> {
    await this.flush();
    this.stream.end();
    await once(this.stream, 'finish');
  }
}

function openOut(path: string): BufferedOut {
  const stream = createWriteStream(path, { encoding: 'utf8' });
  return new BufferedOut(stream);
}

/**
 * Generate customers and stream them to a CSV file (and optionally a truth file), with
 * backpressure, so memory stays flat whatever the row count.
 */
export async function writeCustomersCsv(path: string, opts: GeneratorOptions, options: WriteCsvOptions = {}): Promise<WriteCsvResult> {
  const stats: GeneratorStats = { rows: 0, entities: 0, truePairs: 0 };
  const gen = generateAnnotatedCustomers(opts, stats); // validates options before any file is created
  const first = gen.next();
  const out = openOut(path);
  const truth = options.truthPath ? openOut(options.truthPath) : null;
  const every = options.progressEvery ?? 100_000;
  let written = 0;
  const failures: Error[] = [];
  const onError = (e: Error): void => void failures.push(e);
  out.stream.on('error', onError);
  truth?.stream.on('error', onError);
  try {
    out.add(CUSTOMER_CSV_COLUMNS.join(',') + '\n');
    truth?.add(TRUTH_CSV_HEADER + '\n');
    for (let r = first; !r.done; r = gen.next()) {
      const c = r.value.customer;
      let full = out.add(customerCsvLine(c));
      if (truth && truth.add(c.customer_id + ',' + c.entity_id + '\n')) full = true;
      if (full) {
        await out.flush();
        await truth?.flush();
        if (failures.length) throw failures[0];
      }
      if (++written % every === 0) options.onProgress?.(written);
    }
    await out.close();
    await truth?.close();
  } catch (e) {
    out.stream.destroy();
    truth?.stream.destroy();
    throw e;
  }
  if (failures.length) throw failures[0];
  return { rows: stats.rows, entities: stats.entities, truePairs: stats.truePairs };
}
