import type pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/platform/db/database.js';
import { emitEvents } from '../../src/platform/events/outbox.js';
import { readEvents } from '../../src/modules/webhooks/index.js';
import { useOwnPostgres } from '../support/own-postgres.js';
import { tiers } from '../support/tiers.js';

const event = (id: string) => ({ type: 'customer.updated', aggregateType: 'customer', aggregateId: id, payload: {} });

// A gap in the event sequence is a transaction still open (its events will appear) or one that rolled
// back. Readers must wait for the first and step over the second; stepping over an open one loses events.
// Its own server: the transaction held open here for 10 s would hold back audit sealing (which waits for the
// cluster-wide snapshot xmin) in the other suites sharing the test server.
const postgres = tiers().find((t) => t.name === 'postgres')!;
(postgres.available ? describe : describe.skip)('event feed gaps [postgres]', () => {
  const own = useOwnPostgres({ poolSize: 2 });
  let database: Database;
  let other: pg.Client;
  beforeAll(() => {
    ({ database, other } = own());
  });

  it('waits for a gap held by an open transaction, however long it stays open, and steps over a rolled-back one at once', async () => {
    await emitEvents(database.db, [event('cus_a')]);
    const start = (await readEvents(database.db, 'postgres', 0, 100)).next;
    expect(start).toBe(1);

    // The open transaction takes seq 2 and stays open longer than readers used to wait for a gap (10 s).
    await other.query('begin');
    await other.query(`insert into events (id, type, aggregate_type, aggregate_id, payload) values ('evt_open', 'customer.updated', 'customer', 'cus_b', '{}')`);
    await emitEvents(database.db, [event('cus_c')]);
    await new Promise((r) => setTimeout(r, 10_500));
    const held = await readEvents(database.db, 'postgres', start, 100);
    expect(held.events.map((e) => e.seq)).toEqual([]);
    expect(held.next).toBe(1);

    // Committed: the feed continues in order, the held event first.
    await other.query('commit');
    const after = await readEvents(database.db, 'postgres', start, 100);
    expect(after.events.map((e) => [e.seq, e.aggregateId])).toEqual([
      [2, 'cus_b'],
      [3, 'cus_c'],
    ]);

    // A rolled-back transaction leaves a gap nobody will fill: the next event is readable at once.
    await other.query('begin');
    await other.query(`insert into events (id, type, aggregate_type, aggregate_id, payload) values ('evt_gone', 'customer.updated', 'customer', 'cus_d', '{}')`);
    await other.query('rollback');
    await emitEvents(database.db, [event('cus_e')]);
    const past = await readEvents(database.db, 'postgres', 3, 100);
    expect(past.events.map((e) => [e.seq, e.aggregateId])).toEqual([[5, 'cus_e']]);
    expect(past.next).toBe(5);
  }, 30_000);
});
