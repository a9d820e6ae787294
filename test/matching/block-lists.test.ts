import { describe, expect, it } from 'vitest';
import { BlockLists } from '../../src/modules/matching/engine/block-lists.js';
import { mulberry32 } from '../../src/modules/matching/engine/random.js';

function membersOf(b: BlockLists, key: number): number[] {
  const at = b.find(key);
  if (at < 0) return [];
  return [...b.pool.subarray(b.start[at]!, b.start[at]! + b.len[at]!)];
}

function sizeOf(b: BlockLists, key: number): number {
  const at = b.find(key);
  return at < 0 ? 0 : b.len[at]!;
}

describe('BlockLists', () => {
  it('keeps every block’s members in the order they were added, through moves and compactions', () => {
    const rnd = mulberry32(7);
    const KEEP = 400;
    const blocks = new BlockLists(KEEP);
    const expected = new Map<number, number[]>();
    // 60,000 members over keys of very different sizes (ten blocks that outgrow KEEP, hundreds of mid-sized ones,
    // many singletons), so blocks move many times and the pool is compacted several times.
    for (let m = 0; m < 60_000; m++) {
      const r = rnd();
      const key = r < 0.3 ? Math.floor(r * 33) : r < 0.6 ? 1_000 + Math.floor(rnd() * 500) : 2 ** 40 + Math.floor(rnd() * 1e9);
      const before = blocks.add(key, m);
      const list = expected.get(key) ?? [];
      expect(before).toBe(list.length);
      list.push(m);
      expected.set(key, list);
    }
    expect(expected.size).toBeGreaterThan(20_000);
    let outgrown = 0;
    for (const [key, list] of expected) {
      expect(sizeOf(blocks, key)).toBe(list.length);
      // Members are kept only while a block has at most KEEP of them (no scan reads a larger one).
      if (list.length > KEEP) outgrown++;
      else expect(membersOf(blocks, key)).toEqual(list);
    }
    expect(outgrown).toBe(10);
    expect(blocks.find(12_345)).toBe(-1);
    expect(sizeOf(blocks, 12_345)).toBe(0);
  });
});
