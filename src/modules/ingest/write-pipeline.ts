type Flight = { keys: Set<string>; done: Promise<void> };

/**
 * Keeps up to `lanes` batch writes in flight, each on its own connection. A batch that shares a conflict
 * key (source key, unique value) with an earlier batch still in flight starts only once that one has
 * committed, so the later row in the file wins exactly as with one writer. After a failure no further
 * batch starts: the job stops, and a resume replays every row outside the committed ranges.
 */
export class WritePipeline {
  private readonly flights: Flight[] = [];
  private failure: { error: unknown } | null = null;

  constructor(readonly lanes: number) {}

  /** Waits until a lane is free; throws the failure of an earlier batch, if any. */
  async free(): Promise<void> {
    while (this.flights.length >= this.lanes) await Promise.race(this.flights.map((f) => f.done));
    if (this.failure) throw this.failure.error;
  }

  /** The conflict keys of the batches in flight now (started, not yet committed or failed). */
  inFlight(): ReadonlySet<string>[] {
    return this.flights.map((f) => f.keys);
  }

  /** Starts a write once the in-flight batches it conflicts with have committed. */
  start(keys: Set<string>, write: () => Promise<void>): void {
    const before = this.flights.filter((f) => overlaps(f.keys, keys)).map((f) => f.done);
    const flight: Flight = { keys, done: Promise.resolve() };
    flight.done = (async () => {
      await Promise.all(before);
      if (!this.failure) await write();
    })()
      .catch((error: unknown) => {
        this.failure ??= { error };
      })
      .finally(() => this.flights.splice(this.flights.indexOf(flight), 1));
    this.flights.push(flight);
  }

  /** Waits for every started write; throws the first failure. */
  async drain(): Promise<void> {
    await this.settle();
    if (this.failure) throw this.failure.error;
  }

  /** Waits for every started write to commit or fail, never throwing (error paths). */
  async settle(): Promise<void> {
    while (this.flights.length > 0) await Promise.all(this.flights.map((f) => f.done));
  }
}

function overlaps(a: Set<string>, b: Set<string>): boolean {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  for (const k of small) if (large.has(k)) return true;
  return false;
}

export const DEFAULT_WRITERS = 2;

/**
 * How many batches an import writes at once. One on PGlite (a single connection), for dry runs (they count
 * created/updated by the order they see keys in) and with match on arrival (its golden recomputation and
 * review tasks are not proven deadlock-free across two batches of one file); otherwise the requested
 * number, leaving one pooled connection for the rest of the server. The LaneBudget then caps what all
 * running imports take together.
 */
export function writerLanes(requested: number | undefined, connections: number, opts: { dryRun: boolean; matchOnArrival: boolean }): number {
  if (opts.dryRun || opts.matchOnArrival) return 1;
  return Math.max(1, Math.min(requested ?? DEFAULT_WRITERS, connections - 1));
}

/**
 * The write lanes of all imports running at once on one pool: at most half its connections in total, so
 * API requests, the webhook worker and the audit sealer keep theirs whatever the imports ask for. Each job
 * gets at least one lane (a job that cannot write cannot finish); a job keeps its lanes until it ends.
 */
export class LaneBudget {
  private used = 0;

  constructor(readonly total: number) {}

  /** Lanes for a job wanting `wanted`: what is left of the budget, at least one. Give them back with `give`. */
  take(wanted: number): number {
    const n = Math.max(1, Math.min(wanted, this.total - this.used));
    this.used += n;
    return n;
  }

  give(lanes: number): void {
    this.used -= lanes;
  }
}

const budgets = new WeakMap<object, LaneBudget>();

/** The process's lane budget for a database (its pool): half the connections, at least one. */
export function laneBudget(database: { readonly connections: number }): LaneBudget {
  let b = budgets.get(database);
  if (!b) budgets.set(database, (b = new LaneBudget(Math.max(1, Math.floor(database.connections / 2)))));
  return b;
}
