// Concurrent point reads of one kind share a statement: keys asked in the same turn of the event loop go
// together (the statement starts once Node has read every request that arrived, in the `setImmediate` phase),
// and while `maxInFlight` statements are running, new keys queue for the next one. Under load one round trip
// serves many requests; an idle server waits no more than that one turn. Each statement costs a socket write
// and read on both sides (expensive syscalls on virtual machines) and its own bind/execute in the database
// (on PGlite, a pass through the WASM engine), so fewer, wider statements give more reads per second.
// A read always starts after its request arrived, so it sees every write committed before it.

type Waiting<K, V> = { key: K; resolve: (v: V | undefined) => void; reject: (e: unknown) => void };

/** Loads the given distinct keys; keys without a value are left out of the map. */
export type BatchLoad<K, V> = (keys: K[]) => Promise<Map<K, V>>;

export class ReadBatcher<K, V> {
  private queue: Waiting<K, V>[] = [];
  private inFlight = 0;
  private scheduled = false;

  constructor(
    private readonly loadMany: BatchLoad<K, V>,
    private readonly maxInFlight: number,
    private readonly maxBatch = 100,
  ) {}

  load(key: K): Promise<V | undefined> {
    return new Promise<V | undefined>((resolve, reject) => {
      this.queue.push({ key, resolve, reject });
      if (this.inFlight < this.maxInFlight && !this.scheduled) {
        // PGlite runs a statement synchronously on this thread: started at once, it would hold back the
        // requests still waiting to be read, and every statement would carry one key.
        this.scheduled = true;
        setImmediate(() => {
          this.scheduled = false;
          void this.run();
        });
      }
    });
  }

  private async run(): Promise<void> {
    if (this.queue.length === 0) return;
    this.inFlight += 1;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.maxBatch);
        try {
          const found = await this.loadMany([...new Set(batch.map((w) => w.key))]);
          for (const w of batch) w.resolve(found.get(w.key));
        } catch (err) {
          // A failed statement is not one key's fault (unlike a write): every reader of the batch gets the error.
          for (const w of batch) w.reject(err);
        }
      }
    } finally {
      this.inFlight -= 1;
    }
  }
}
