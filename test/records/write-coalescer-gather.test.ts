import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { WriteCoalescer } from '../../src/modules/records/write-coalescer.js';

// Simulated time: each batch takes 20 ms to write; a caller answered sends its next request 1 ms later.
const WRITE_MS = 20;

function writer() {
  const batches: string[][] = [];
  const write = async (_group: string, items: string[]): Promise<string[]> => {
    batches.push(items);
    await new Promise((r) => setTimeout(r, WRITE_MS));
    return items.map((i) => `ok:${i}`);
  };
  return { batches, write };
}

/** `callers` clients each sending `rounds` requests one after another (a closed loop, like autocannon). */
async function closedLoop(c: WriteCoalescer<string, string>, callers: number, rounds: number, thinkMs: number): Promise<{ out: string[]; doneAt: number }> {
  const out: string[] = [];
  let doneAt = 0;
  const caller = async (n: number): Promise<void> => {
    for (let r = 0; r < rounds; r++) {
      out.push(await c.submit('g', `c${n}-r${r}`));
      if (thinkMs > 0) await new Promise((res) => setTimeout(res, thinkMs));
    }
  };
  const all = Promise.all(Array.from({ length: callers }, (_, n) => caller(n))).then(() => (doneAt = performance.now()));
  await vi.runAllTimersAsync();
  await all;
  return { out, doneAt };
}

describe('write coalescer: gathering the callers of the last batch', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setImmediate', 'performance'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('without it, a closed loop of callers alternates batches of one and the rest', async () => {
    const w = writer();
    const c = new WriteCoalescer<string, string>(w.write, (i) => i);
    const { out } = await closedLoop(c, 8, 4, 1);
    expect(out).toHaveLength(32);
    // The first eight arrive in one turn of the event loop and go together; the returning callers do not.
    expect(w.batches.map((b) => b.length)).toEqual([8, 1, 7, 1, 7, 1, 7]);
  });

  it('with it, the next batch waits for the returning callers: full batches', async () => {
    const w = writer();
    const c = new WriteCoalescer<string, string>(w.write, (i) => i, { gatherMs: 10 });
    const { out } = await closedLoop(c, 8, 4, 1);
    expect(out).toHaveLength(32);
    expect(w.batches.map((b) => b.length)).toEqual([8, 8, 8, 8]);
    // Each key once and every request answered with its own result.
    expect(new Set(w.batches.flat()).size).toBe(32);
    expect(out.every((r) => r.startsWith('ok:c'))).toBe(true);
  });

  it('waits at most a quarter of the last write time, capped by gatherMs, for callers that do not come back', async () => {
    const w = writer();
    const c = new WriteCoalescer<string, string>(w.write, (i) => i, { gatherMs: 10 });
    const start = performance.now();
    const answered = new Map<string, number>();
    const submit = (k: string) => c.submit('g', k).then(() => answered.set(k, performance.now() - start));
    // 'a' is written at once; b, c, d arrive while it is written and then wait 20 / 4 = 5 ms for the caller of
    // 'a', in vain, before going together; e and f come 30 ms after that and find the group idle.
    const all = [submit('a')];
    await vi.advanceTimersByTimeAsync(1);
    all.push(...['b', 'c', 'd'].map(submit));
    await vi.advanceTimersByTimeAsync(WRITE_MS + 5 + WRITE_MS + 30);
    all.push(...['e', 'f'].map(submit));
    await vi.runAllTimersAsync();
    await Promise.all(all);
    expect(w.batches).toEqual([['a'], ['b', 'c', 'd'], ['e', 'f']]);
    expect(answered.get('a')).toBe(WRITE_MS);
    // + 1: the fake clock runs an immediate scheduled inside a timer callback (the end of the wait) 1 ms later.
    expect(answered.get('b')).toBe(WRITE_MS + 5 + 1 + WRITE_MS);
    expect(answered.get('e')).toBe(1 + WRITE_MS + 5 + WRITE_MS + 30 + WRITE_MS);
  });

  it('a lone caller sending one request after another is not held back', async () => {
    const w = writer();
    const c = new WriteCoalescer<string, string>(w.write, (i) => i, { gatherMs: 10 });
    const start = performance.now();
    const { out, doneAt } = await closedLoop(c, 1, 5, 1);
    expect(out).toEqual(['ok:c0-r0', 'ok:c0-r1', 'ok:c0-r2', 'ok:c0-r3', 'ok:c0-r4']);
    expect(w.batches).toEqual([['c0-r0'], ['c0-r1'], ['c0-r2'], ['c0-r3'], ['c0-r4']]);
    // Five writes, each sent 1 ms after the answer: the gather for the one caller ends as soon as it sends.
    expect(doneAt - start).toBe(5 * WRITE_MS + 5);
  });
});
