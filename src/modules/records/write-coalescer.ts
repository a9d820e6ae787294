// Concurrent single-record writes of one source by one caller share a transaction: while a batch is being
// written, requests that arrive queue up and go together in the next one. Nothing waits when the server is
// idle (the first request is written at once); under load, one commit and one set-based write serve many.

type Pending<T, R> = { item: T; key: string; resolve: (r: R) => void; reject: (e: unknown) => void };
type Group<T, R> = { running: boolean; queue: Pending<T, R>[]; waiter: { want: number; done: () => void } | null };

export type BatchWriter<T, R> = (group: string, items: T[]) => Promise<R[]>;

export type CoalescerOptions = {
  /** Items with the same key never share a batch (a batch may hold each record once). */
  maxBatch?: number;
  /**
   * How long (ms) at most the next batch may wait for the callers of the batch just written to send again,
   * and never longer than a quarter of that batch's write time. Without it a closed loop of N callers settles
   * into alternating batches of 1 and N-1 (the one request that came in during a batch is written alone
   * while the others are still on their way back), or of N/2 and N/2: up to twice the transactions,
   * statements and commits for the same records. A caller that sends again ends the wait at once. 0 turns
   * the wait off.
   */
  gatherMs?: number;
};

export class WriteCoalescer<T, R> {
  private readonly groups = new Map<string, Group<T, R>>();
  private readonly maxBatch: number;
  private readonly gatherMs: number;

  constructor(
    private readonly writeBatch: BatchWriter<T, R>,
    /** Items with the same key never share a batch (a batch may hold each record once). */
    private readonly keyOf: (item: T) => string,
    opts: number | CoalescerOptions = {},
  ) {
    const o = typeof opts === 'number' ? { maxBatch: opts } : opts;
    this.maxBatch = o.maxBatch ?? 100;
    this.gatherMs = o.gatherMs ?? 0;
  }

  submit(group: string, item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      let g = this.groups.get(group);
      if (!g) {
        g = { running: false, queue: [], waiter: null };
        this.groups.set(group, g);
      }
      g.queue.push({ item, key: this.keyOf(item), resolve, reject });
      if (g.waiter && g.queue.length >= g.waiter.want) g.waiter.done();
      if (!g.running) void this.drain(group, g);
    });
  }

  private async drain(name: string, g: Group<T, R>): Promise<void> {
    g.running = true;
    let last = 0;
    let lastMs = 0;
    try {
      for (;;) {
        // The callers of the batch answered a moment ago are likely on their way back: wait briefly for
        // them to join the requests already queued rather than writing those in a smaller batch of their own.
        const wait = Math.min(this.gatherMs, lastMs / 4);
        if (wait >= 1 && g.queue.length < this.maxBatch) await this.gather(g, Math.min(g.queue.length + last, this.maxBatch), wait);
        if (g.queue.length === 0) break;
        // Requests already received in this turn of the event loop join first: a database that answers in
        // microtasks (PGlite) would otherwise run the whole batch before the next request is even read, and
        // every batch would hold one request.
        await new Promise<void>((resolve) => setImmediate(resolve));
        const batch = this.take(g);
        last = batch.length;
        const t0 = performance.now();
        await this.write(name, batch);
        lastMs = performance.now() - t0;
      }
    } finally {
      g.running = false;
      this.groups.delete(name);
    }
  }

  private gather(g: Group<T, R>, want: number, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        g.waiter = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      g.waiter = { want, done };
    });
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
