import { describe, expect, it } from 'vitest';
import { CommittedRows } from '../../src/modules/ingest/committed-rows.js';
import { inheritedKeys } from '../../src/modules/ingest/conflict-keys.js';
import { LaneBudget, laneBudget, WritePipeline, writerLanes } from '../../src/modules/ingest/write-pipeline.js';

const deferred = (): { promise: Promise<void>; resolve: () => void; reject: (e: unknown) => void } => {
  let resolve!: () => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
};
const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('write pipeline', () => {
  it('runs batches without common keys at once and holds a batch sharing a key until the earlier one committed', async () => {
    const p = new WritePipeline(3);
    const log: string[] = [];
    const a = deferred();
    const b = deferred();
    p.start(new Set(['k:1', 'k:2']), async () => {
      log.push('a start');
      await a.promise;
      log.push('a done');
    });
    p.start(new Set(['k:3']), async () => {
      log.push('b start');
      await b.promise;
      log.push('b done');
    });
    p.start(new Set(['k:4', 'k:2']), async () => {
      log.push('c start');
    });
    await tick();
    expect(log).toEqual(['a start', 'b start']);
    b.resolve();
    await tick();
    expect(log).toEqual(['a start', 'b start', 'b done']);
    a.resolve();
    await p.drain();
    expect(log).toEqual(['a start', 'b start', 'b done', 'a done', 'c start']);
  });

  it('free() waits for a lane; after a failure no batch starts and the failure is thrown', async () => {
    const p = new WritePipeline(1);
    const a = deferred();
    p.start(new Set(['k:1']), () => a.promise);
    let freed = false;
    const waiting = p.free().then(() => (freed = true));
    await tick();
    expect(freed).toBe(false);
    a.resolve();
    await waiting;
    expect(freed).toBe(true);

    const q = new WritePipeline(2);
    const failing = deferred();
    let later = false;
    q.start(new Set(['k:1']), () => failing.promise);
    q.start(new Set(['k:1']), async () => {
      later = true;
    });
    failing.reject(new Error('refused'));
    await expect(q.drain()).rejects.toThrow('refused');
    expect(later).toBe(false);
    await expect(q.free()).rejects.toThrow('refused');
  });

  it('a batch writing a record of a batch in flight also releases the unique values that batch claims', () => {
    const flying = [new Set(['k:X', 'k:A', 'u:loyalty_id:loy-5', 'u:loyalty_id:loy-6']), new Set(['k:Y', 'u:loyalty_id:loy-7'])];
    expect([...inheritedKeys(new Set(['k:X', 'u:loyalty_id:loy-9']), flying)].sort()).toEqual(['u:loyalty_id:loy-5', 'u:loyalty_id:loy-6']);
    // A shared unique value alone is no shared record: it gates by itself.
    expect([...inheritedKeys(new Set(['k:Z', 'u:loyalty_id:loy-7']), flying)]).toEqual([]);
  });

  it('lane budget: half the pool across running imports, at least one lane per job, given back when a job ends', () => {
    const b = new LaneBudget(2);
    expect(b.take(2)).toBe(2);
    expect(b.take(8)).toBe(1);
    expect(b.take(1)).toBe(1);
    b.give(2);
    expect(b.take(3)).toBe(1);
    b.give(1);
    b.give(1);
    b.give(1);
    expect(b.take(8)).toBe(2);
    const db = { connections: 10 };
    expect(laneBudget(db)).toBe(laneBudget(db));
    expect([laneBudget(db).total, laneBudget({ connections: 4 }).total, laneBudget({ connections: 3 }).total, laneBudget({ connections: 1 }).total]).toEqual([5, 2, 1, 1]);
  });

  it('lanes: one for dry runs, match on arrival and a single connection; otherwise the request, leaving a connection spare', () => {
    expect(writerLanes(undefined, 1, { dryRun: false, matchOnArrival: false })).toBe(1);
    expect(writerLanes(undefined, 4, { dryRun: false, matchOnArrival: false })).toBe(2);
    expect(writerLanes(3, 4, { dryRun: false, matchOnArrival: false })).toBe(3);
    expect(writerLanes(8, 4, { dryRun: false, matchOnArrival: false })).toBe(3);
    expect(writerLanes(undefined, 2, { dryRun: false, matchOnArrival: false })).toBe(1);
    expect(writerLanes(4, 10, { dryRun: true, matchOnArrival: false })).toBe(1);
    expect(writerLanes(4, 10, { dryRun: false, matchOnArrival: true })).toBe(1);
  });
});

describe('committed rows', () => {
  it('skips the checkpoint prefix and committed ranges; the prefix grows only over contiguous rows', () => {
    const c = new CommittedRows(100, [
      { first: 201, last: 300 },
      { first: 401, last: 500 },
    ]);
    expect([1, 100, 101, 200, 201, 300, 301, 401, 500, 501].map((r) => c.has(r))).toEqual([true, true, false, false, true, true, false, true, true, false]);
    expect(c.prefix()).toBe(100);
    expect(c.prefix({ first: 101, last: 200 })).toBe(300);
    c.add({ first: 301, last: 400 });
    expect(c.prefix()).toBe(100);
    c.add({ first: 101, last: 200 });
    expect(c.prefix()).toBe(500);
    expect(new CommittedRows(0, [{ first: 2, last: 9 }]).prefix()).toBe(0);
  });
});
