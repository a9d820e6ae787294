import type pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import { Actor } from '../../src/platform/auth/actor.js';
import { createServices, type Services } from '../../src/server/services.js';
import { useOwnPostgres } from '../support/own-postgres.js';
import { PERSON_DEFINITION } from '../support/system.js';
import { tiers } from '../support/tiers.js';

const person = (n: number) => ({ first_name: `Given${n}`, last_name: `Family${n}`, email: `p${n}@example.com`, phone: `07911 1${String(n).padStart(5, '0')}`, birth_date: '1970-01-01' });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// Another process's write that was in flight while this process caught its warm index up from the outbox must
// still reach the index when it commits, however many events were committed meanwhile: otherwise a duplicate of
// that person written here later is not matched. Its own server: the transaction held open here would hold back
// audit sealing in the other suites sharing the test server.
const postgres = tiers().find((t) => t.name === 'postgres')!;
(postgres.available ? describe : describe.skip)('warm index catch-up across processes [postgres]', () => {
  const own = useOwnPostgres({ poolSize: 4 });
  let services: Services;
  let other: pg.Client;
  beforeAll(() => {
    services = createServices(own().database, { sessionTtlHours: 1 });
    other = own().other;
  });

  it('a record committed by another process after many later events is caught up and matched', async () => {
    const actor = Actor.system('test');
    await services.schemas.create(actor, { name: 'person', definition: PERSON_DEFINITION });
    await services.sources.create(actor, { name: 'crm', schema: 'person', systemType: 'crm' });
    await services.records.writeBatch(actor, { source: 'crm', records: [1, 2, 3].map((n) => ({ key: `K${n}`, values: person(n) })) });

    // The other process: its transaction takes an outbox number for its new record and stays open.
    const [r1] = (await other.query(`select * from source_records where source_key = 'K1'`)).rows as { source_id: string; schema_id: string }[];
    const x = { ...person(999), first_name: 'Xavier', last_name: 'Quint' };
    await other.query('begin');
    await other.query(`insert into customers (id, display_name) values ('cus_other0000000000000000000', 'Xavier Quint')`);
    await other.query(
      `insert into source_records (id, source_id, source_key, customer_id, schema_id, schema_version, status, raw, "values", extras, errors, version, created_by, updated_by)
       values ('rec_other0000000000000000000', $1, 'OTHER-1', 'cus_other0000000000000000000', $2, 1, 'valid', $3, $3, '{}', '[]', 1, 'other', 'other')`,
      [r1!.source_id, r1!.schema_id, JSON.stringify(x)],
    );
    await other.query(`insert into events (id, type, aggregate_type, aggregate_id, payload) values ('evt_other0000000000000000000', 'record.created', 'record', 'rec_other0000000000000000000', '{"version": 1}')`);

    // Meanwhile this process writes 600 records (over 1,800 events) and catches up past that number.
    for (let b = 0; b < 6; b++) {
      await services.records.writeBatch(actor, { source: 'crm', records: Array.from({ length: 100 }, (_, i) => ({ key: `B${b}-${i}`, values: person(1000 + b * 100 + i) })) });
    }
    await sleep(1_100);
    await services.records.write(actor, { source: 'crm', key: 'AFTER', values: person(5000) });

    await other.query('commit');
    await sleep(1_100);
    // A duplicate of the other process's person, written here: it joins that customer.
    const dup = await services.records.write(actor, { source: 'crm', key: 'DUP', values: x });
    expect(dup.record.customerId).toBe('cus_other0000000000000000000');
  }, 120_000);
});
