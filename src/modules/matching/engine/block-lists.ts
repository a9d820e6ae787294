/**
 * The members of each block of one blocking rule, stored contiguously per block in one pool. Scanning a block
 * reads consecutive ints, so the reads of its members' rows can overlap; a chain through a `next` array made each
 * member's address wait for the previous load (at a million records, one cache miss after another).
 * A block that outgrows its slot moves to the end of the pool with twice the room; the pool is compacted when
 * abandoned slots reach half of it. A block larger than `keepUpTo` is never scanned (no cap exceeds it), so only its
 * size is kept: read a block's members only while its `len` is at most `keepUpTo`.
 */
export class BlockLists {
  private readonly blockOf = new Map<number, number>();
  /** Per block: first slot in `pool`, members, room. */
  start = new Int32Array(1024);
  len = new Int32Array(1024);
  private room = new Int32Array(1024);
  private blocks = 0;
  pool = new Int32Array(4096);
  private used = 0;
  /** Slots left behind by blocks that moved or outgrew `keepUpTo`. */
  private abandoned = 0;

  constructor(private readonly keepUpTo: number) {}

  /** Block of a key, or -1. */
  find(key: number): number {
    return this.blockOf.get(key) ?? -1;
  }

  /** Appends a member to the key's block (creating it); returns the block's size before the append. */
  add(key: number, member: number): number {
    let b = this.blockOf.get(key);
    if (b === undefined) {
      b = this.newBlock();
      this.blockOf.set(key, b);
    }
    const n = this.len[b]!;
    if (n >= this.keepUpTo) {
      if (n === this.keepUpTo) {
        // Outgrown: its members are dropped (the slot is left for the next compaction).
        this.abandoned += this.room[b]!;
        this.room[b] = 0;
      }
    } else {
      if (n === this.room[b]) this.move(b, n, Math.max(1, n * 2));
      this.pool[this.start[b]! + n] = member;
    }
    this.len[b] = n + 1;
    return n;
  }

  private newBlock(): number {
    if (this.blocks === this.start.length) {
      const grow = (a: Int32Array): Int32Array<ArrayBuffer> => {
        const d = new Int32Array(a.length * 2);
        d.set(a);
        return d;
      };
      this.start = grow(this.start);
      this.len = grow(this.len);
      this.room = grow(this.room);
    }
    this.room[this.blocks] = 0;
    this.len[this.blocks] = 0;
    return this.blocks++;
  }

  /** Gives block b (n members) a slot of `room` at the end of the pool, keeping its members. */
  private move(b: number, n: number, room: number): void {
    if (this.abandoned * 2 > this.used && this.used > 4096) this.compact();
    if (this.used + room > this.pool.length) {
      const d = new Int32Array(Math.max(this.pool.length * 2, this.used + room));
      d.set(this.pool.subarray(0, this.used));
      this.pool = d;
    }
    const s = this.start[b]!;
    this.pool.copyWithin(this.used, s, s + n);
    this.abandoned += this.room[b]!;
    this.start[b] = this.used;
    this.room[b] = room;
    this.used += room;
  }

  /** Packs every block into a fresh pool, each with the room it had (so it does not move again at once). */
  private compact(): void {
    let total = 0;
    for (let b = 0; b < this.blocks; b++) total += this.room[b]!;
    const d = new Int32Array(Math.max(4096, Math.ceil(total * 1.25)));
    let at = 0;
    for (let b = 0; b < this.blocks; b++) {
      const room = this.room[b]!;
      if (room === 0) continue;
      d.set(this.pool.subarray(this.start[b]!, this.start[b]! + this.len[b]!), at);
      this.start[b] = at;
      at += room;
    }
    this.pool = d;
    this.used = at;
    this.abandoned = 0;
  }
}
