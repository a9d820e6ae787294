import { describe, expect, it } from 'vitest';
import { ReadBatcher } from '../../src/platform/db/read-batcher.js';

function recorder(delayMs = 5) {
  const batches: string[][] = [];
  const load = async (keys: string[]): Promise<Map<string, string>> => {
    batches.push(keys);
    await new Promise((r) => setTimeout(r, delayMs));
    if (keys.includes('boom')) throw new Error('statement failed');
    return new Map(keys.filter((k) => !k.startsWith('missing')).map((k) => [k, `v:${k}`]));
  };
  return { batches, load };
}

describe('read batcher', () => {
  it('reads the keys asked in one turn of the event loop together, and those that arrive while it runs next', async () => {
    const r = recorder();
    const b = new ReadBatcher(r.load, 1);
    const first = ['a', 'b'].map((k) => b.load(k));
    await new Promise((resolve) => setImmediate(resolve));
    const later = ['c', 'd'].map((k) => b.load(k));
    expect(await Promise.all([...first, ...later])).toEqual(['v:a', 'v:b', 'v:c', 'v:d']);
    expect(r.batches).toEqual([['a', 'b'], ['c', 'd']]);
  });

  it('runs up to maxInFlight statements at once before queueing', async () => {
    const r = recorder();
    const b = new ReadBatcher(r.load, 2);
    const turn = () => new Promise((resolve) => setImmediate(resolve));
    const asked = [b.load('a')];
    await turn();
    asked.push(b.load('b'));
    await turn();
    asked.push(b.load('c'), b.load('d'));
    await turn();
    asked.push(b.load('e'));
    await Promise.all(asked);
    expect(r.batches).toEqual([['a'], ['b'], ['c', 'd', 'e']]);
  });

  it('asks for a key once per batch, answers every reader, and caps the batch size', async () => {
    const r = recorder();
    const b = new ReadBatcher(r.load, 1, 3);
    const out = await Promise.all(['x', 'a', 'a', 'b', 'c', 'd'].map((k) => b.load(k)));
    expect(out).toEqual(['v:x', 'v:a', 'v:a', 'v:b', 'v:c', 'v:d']);
    expect(r.batches).toEqual([['x', 'a'], ['b', 'c', 'd']]);
  });

  it('answers undefined for a key the statement did not find', async () => {
    const r = recorder();
    const b = new ReadBatcher(r.load, 1);
    expect(await Promise.all([b.load('a'), b.load('missing-1'), b.load('b')])).toEqual(['v:a', undefined, 'v:b']);
  });

  it('a failed statement fails every reader of its batch and no other', async () => {
    const r = recorder();
    const b = new ReadBatcher(r.load, 1);
    const first = b.load('first');
    await new Promise((resolve) => setImmediate(resolve));
    const results = await Promise.allSettled([first, ...['p', 'boom', 'q'].map((k) => b.load(k))]);
    const later = await b.load('after');
    expect(results.map((x) => (x.status === 'fulfilled' ? x.value : (x.reason as Error).message))).toEqual(['v:first', 'statement failed', 'statement failed', 'statement failed']);
    expect(later).toBe('v:after');
    expect(r.batches).toEqual([['first'], ['p', 'boom', 'q'], ['after']]);
  });
});
