/** A job handed to the queue: `run` gets a signal that is aborted when the job is cancelled. */
export type QueuedJob<T> = { id: string; lane: string; run: (signal: AbortSignal) => Promise<T> };

/**
 * In-process job runner: jobs of the same lane (e.g. one source) run one at a time in submission order,
 * jobs of different lanes run concurrently. Cancelling aborts a running job's signal or drops a waiting one.
 */
export class JobQueue {
  private readonly tails = new Map<string, Promise<unknown>>();
  private readonly controllers = new Map<string, AbortController>();

  /** Enqueues a job; the promise settles with the job's own result once it has run. */
  submit<T>(job: QueuedJob<T>): Promise<T> {
    if (this.controllers.has(job.id)) throw new Error(`job ${job.id} is already queued or running`);
    const controller = new AbortController();
    this.controllers.set(job.id, controller);
    const previous = this.tails.get(job.lane) ?? Promise.resolve();
    const result = previous
      .catch(() => undefined)
      .then(() => job.run(controller.signal))
      .finally(() => {
        this.controllers.delete(job.id);
        if (this.tails.get(job.lane) === settled) this.tails.delete(job.lane);
      });
    // The lane waits for this job whether it succeeds or fails.
    const settled = result.catch(() => undefined);
    this.tails.set(job.lane, settled);
    return result;
  }

  /** True while the job waits or runs in this process. */
  has(id: string): boolean {
    return this.controllers.has(id);
  }

  /** Aborts the job's signal; returns false when the job is not in this process. */
  cancel(id: string, reason = 'cancelled'): boolean {
    const c = this.controllers.get(id);
    if (!c) return false;
    c.abort(new Error(reason));
    return true;
  }

  /** Ids of jobs waiting or running. */
  activeIds(): string[] {
    return [...this.controllers.keys()];
  }

  /** Waits until every lane is idle (shutdown, tests). */
  async drain(): Promise<void> {
    while (this.tails.size > 0) await Promise.all([...this.tails.values()]);
  }
}
