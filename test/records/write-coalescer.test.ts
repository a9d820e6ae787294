import { describe, expect, it } from 'vitest';
import { WriteCoalescer } from '../../src/modules/records/write-coalescer.js';

type Item = { key: string; fail?: boolean };

function recorder(delayMs = 5) {
  const batches: string[][] = [];
  const write = async (_group: string, items: Item[]): Promise<string[]> => {
    batches.push(items.map((i) => i.key));
    await new Promise((r) => setTimeout(r, delayMs));
    if (items.some((i) => i.fail)) throw new Error(`bad ${items.find((i) => i.fail)!.key}`);
    return items.map((i) => `ok:${i.key}`);
  };
  return { batches, write };
}

const later = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('write coalescer', () => {
  it('requests received in one turn of the event loop share a batch; those that arrive while it is written share the next', async () => {
    const r = recorder();
    const c = new WriteCoalescer<Item, string>(r.write, (i) => i.key);
    const first = ['a', 'b'].map((key) => c.submit('g', { key }));
    await later(1);
    const second = ['c', 'd'].map((key) => c.submit('g', { key }));
    expect(await Promise.all([...first, ...second])).toEqual(['ok:a', 'ok:b', 'ok:c', 'ok:d']);
    expect(r.batches).toEqual([['a', 'b'], ['c', 'd']]);
  });

  it('never puts one key twice in a batch and keeps their order', async () => {
    const r = recorder();
    const c = new WriteCoalescer<Item, string>(r.write, (i) => i.key);
    await Promise.all(['x', 'a', 'a', 'b', 'a'].map((key) => c.submit('g', { key })));
    expect(r.batches).toEqual([['x', 'a', 'b'], ['a'], ['a']]);
  });

  it('caps a batch and keeps groups apart', async () => {
    const r = recorder();
    const c = new WriteCoalescer<Item, string>(r.write, (i) => i.key, 2);
    await Promise.all([c.submit('g1', { key: '1' }), c.submit('g2', { key: '2' }), c.submit('g1', { key: '3' }), c.submit('g1', { key: '4' }), c.submit('g1', { key: '5' })]);
    expect(r.batches).toEqual([['1', '3'], ['2'], ['4', '5']]);
  });

  it('one failing request fails alone: the others of its batch are written one by one', async () => {
    const r = recorder();
    const c = new WriteCoalescer<Item, string>(r.write, (i) => i.key);
    const results = await Promise.allSettled([c.submit('g', { key: 'p' }), c.submit('g', { key: 'q', fail: true }), c.submit('g', { key: 's' })]);
    expect(results.map((x) => (x.status === 'fulfilled' ? x.value : (x.reason as Error).message))).toEqual(['ok:p', 'bad q', 'ok:s']);
    expect(r.batches).toEqual([['p', 'q', 's'], ['p'], ['q'], ['s']]);
  });
});
