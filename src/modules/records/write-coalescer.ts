// Concurrent single-record writes of one source by one caller share a transaction: while a batch is being
// written, requests that arrive queue up and go together in the next one. Nothing waits when the server is
// idle (the first request is written at once); under load, one commit and one set-based write serve many.

type Pending<T, R> = { item: T; key: string; resolve: (r: R) => void; reject: (e: unknown) => void };
type Group<T, R> = { running: boolean; queue: Pending<T, R>[] };

export type BatchWriter<T, R> = (group: string, items: T[]) => Promise<R[]>;

export class WriteCoalescer<T, R> {
  private readonly groups = new Map<string, Group<T, R>>();

  constructor(
    private readonly writeBatch: BatchWriter<T, R>,
    /** Items with the same key never share a batch (a batch may hold each record once). */
    private readonly keyOf: (item: T) => string,
    private readonly maxBatch = 100,
  ) {}

  submit(group: string, item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      let g = this.groups.get(group);
      if (!g) {
        g = { running: false, queue: [] };
        this.groups.set(group, g);
      }
      g.queue.push({ item, key: this.keyOf(item), resolve, reject });
      if (!g.running) void this.drain(group, g);
    });
  }

  private async drain(name: string, g: Group<T, R>): Promise<void> {
    g.running = true;
    try {
      while (g.queue.length > 0) {
        const batch = this.take(g);
        await this.write(name, batch);
      }
    } finally {
      g.running = false;
      this.groups.delete(name);
    }
  }

  // Oldest first, at most maxBatch, each key once; later duplicates wait for the next batch, in order.
  private take(g: Group<T, R>): Pending<T, R>[] {
    const batch: Pending<T, R>[] = [];
    const keys = new Set<string>();
    const rest: Pending<T, R>[] = [];
    for (const p of g.queue) {
      if (batch.length < this.maxBatch && !keys.has(p.key)) {
        batch.push(p);
        keys.add(p.key);
      } else {
        rest.push(p);
      }
    }
    g.queue = rest;
    return batch;
  }

  private async write(name: string, batch: Pending<T, R>[]): Promise<void> {
    try {
      const results = await this.writeBatch(name, batch.map((p) => p.item));
      batch.forEach((p, i) => p.resolve(results[i]!));
    } catch (err) {
      if (batch.length === 1) {
        batch[0]!.reject(err);
        return;
      }
      // One request's failure (bad key, restricted customer, a lost race) must not fail the others: write
      // each alone so every caller gets its own outcome.
      for (const p of batch) {
        try {
          p.resolve((await this.writeBatch(name, [p.item]))[0]!);
        } catch (e) {
          p.reject(e);
        }
      }
    }
  }
}
