import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { WriteCoalescer } from '../../src/modules/records/write-coalescer.js';

// Simulated time: each batch takes 20 ms to write.
const WRITE_MS = 20;

/** Records each batch, whether a key was in two batches at once, and the most batches open at once. */
function writer() {
  const batches: string[][] = [];
  const openKeys = new Set<string>();
  const overlaps: string[] = [];
  let open = 0;
  let maxOpen = 0;
  const write = async (_group: string, items: string[]): Promise<string[]> => {
    batches.push(items);
    const keys = items.map(keyOf);
    overlaps.push(...keys.filter((k) => openKeys.has(k)));
    keys.forEach((k) => openKeys.add(k));
    maxOpen = Math.max(maxOpen, ++open);
    await new Promise((r) => setTimeout(r, WRITE_MS));
    open--;
    keys.forEach((k) => openKeys.delete(k));
    return items.map((i) => `ok:${i}`);
  };
  return { batches, write, overlaps, maxOpen: () => maxOpen };
}

// "k@n": record k, n-th write of it.
const keyOf = (i: string): string => i.split('@')[0]!;

describe('write coalescer: lanes', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setImmediate', 'performance'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  // 'a' at once; 'b' 1 ms later while 'a' is written; c, d, e 1 ms after that.
  async function staggered(c: WriteCoalescer<string, string>): Promise<string[]> {
    const all = [c.submit('g', 'a')];
    await vi.advanceTimersByTimeAsync(1);
    all.push(c.submit('g', 'b'));
    await vi.advanceTimersByTimeAsync(1);
    all.push(...['c', 'd', 'e'].map((k) => c.submit('g', k)));
    await vi.runAllTimersAsync();
    return Promise.all(all);
  }

  it('with two lanes a second batch is written while the first is in flight', async () => {
    const w = writer();
    const c = new WriteCoalescer<string, string>(w.write, keyOf, { lanes: 2 });
    const start = performance.now();
    expect(await staggered(c)).toEqual(['ok:a', 'ok:b', 'ok:c', 'ok:d', 'ok:e']);
    // 'b' takes the second lane; c, d, e queue behind both and go together when 'a' is done.
    expect(w.batches).toEqual([['a'], ['b'], ['c', 'd', 'e']]);
    expect(w.maxOpen()).toBe(2);
    expect(performance.now() - start).toBe(2 * WRITE_MS);
  });

  it('one lane (the default) never has two batches in flight', async () => {
    const w = writer();
    const c = new WriteCoalescer<string, string>(w.write, keyOf);
    const start = performance.now();
    await staggered(c);
    expect(w.batches).toEqual([['a'], ['b', 'c', 'd', 'e']]);
    expect(w.maxOpen()).toBe(1);
    expect(performance.now() - start).toBe(2 * WRITE_MS);
  });

  it('a key in flight in one lane is not written in the other until that batch is done, and keeps its order', async () => {
    const w = writer();
    const c = new WriteCoalescer<string, string>(w.write, keyOf, { lanes: 2 });
    const order: string[] = [];
    const sub = (i: string): Promise<void> => c.submit('g', i).then((r) => void order.push(r));
    // x@1 goes at once; 1 ms later x@2 must wait for it although lane 2 is free, y@1 takes lane 2.
    const all = [sub('x@1')];
    await vi.advanceTimersByTimeAsync(1);
    all.push(...['x@2', 'y@1', 'x@3'].map(sub));
    await vi.runAllTimersAsync();
    await Promise.all(all);
    expect(w.overlaps).toEqual([]);
    expect(w.batches).toEqual([['x@1'], ['y@1'], ['x@2'], ['x@3']]);
    expect(order.filter((r) => r.startsWith('ok:x'))).toEqual(['ok:x@1', 'ok:x@2', 'ok:x@3']);
  });

  it('a closed loop of callers keeps both lanes busy with full batches and never writes a key twice at once', async () => {
    const w = writer();
    const c = new WriteCoalescer<string, string>(w.write, keyOf, { lanes: 2, gatherMs: 10 });
    const out: string[] = [];
    // 16 callers, each writing its own record 6 times (same key each round), answered and sending again 1 ms later.
    const caller = async (n: number): Promise<void> => {
      for (let r = 0; r < 6; r++) {
        out.push(await c.submit('g', `c${n}@${r}`));
        await new Promise((res) => setTimeout(res, 1));
      }
    };
    const all = Promise.all(Array.from({ length: 16 }, (_, n) => caller(n)));
    await vi.runAllTimersAsync();
    await all;
    expect(out).toHaveLength(96);
    expect(w.overlaps).toEqual([]);
    expect(w.maxOpen()).toBe(2);
    expect(w.batches.flat().sort()).toEqual(out.map((r) => r.slice(3)).sort());
    // Fewer, fuller batches than one per request, and the run takes less than one lane would need
    // for the same batch count.
    expect(w.batches.length).toBeLessThan(20);
    expect(performance.now()).toBeLessThan(w.batches.length * WRITE_MS);
  });
});
