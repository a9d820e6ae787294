/** Growable Int32 vector: typed storage so a million records stay compact. */
export class Int32Vec {
  data: Int32Array;
  length = 0;
  constructor(capacity = 1024) {
    this.data = new Int32Array(Math.max(16, capacity));
  }
  push(v: number): void {
    if (this.length === this.data.length) {
      const d = new Int32Array(this.data.length * 2);
      d.set(this.data);
      this.data = d;
    }
    this.data[this.length++] = v;
  }
  get(i: number): number {
    return this.data[i]!;
  }
}

/** String interning dictionary with occurrence counts (used for term frequencies). */
export class Dict {
  readonly ids = new Map<string, number>();
  readonly values: string[] = [];
  readonly counts = new Int32Vec(1024);
  /** Number of non-null occurrences added. */
  total = 0;
  /** Id of `s`, adding it (and counting one occurrence when `count`). */
  intern(s: string, count = true): number {
    let id = this.ids.get(s);
    if (id === undefined) {
      id = this.values.length;
      this.ids.set(s, id);
      this.values.push(s);
      this.counts.push(0);
    }
    if (count) {
      this.counts.data[id]!++;
      this.total++;
    }
    return id;
  }
  /** Id of `s` or -1, without adding. */
  lookup(s: string): number {
    return this.ids.get(s) ?? -1;
  }
}
