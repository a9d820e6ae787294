/**
 * In-memory sliding-window limiter: at most `limit` hits per key within `windowMs`. Per process only
 * (several server processes each allow the limit); the map is cleared if it grows past `maxKeys`.
 */
export class SlidingWindowLimiter {
  private readonly hits = new Map<string, number[]>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly maxKeys = 100_000,
  ) {}

  /** Records a hit; false when the key is over its limit (the hit is not counted then). */
  hit(key: string, now = Date.now()): boolean {
    const recent = this.recent(key, now);
    if (recent.length >= this.limit) return false;
    recent.push(now);
    if (this.hits.size >= this.maxKeys && !this.hits.has(key)) this.hits.clear();
    this.hits.set(key, recent);
    return true;
  }

  /** Whether the key is over its limit, without recording a hit. */
  blocked(key: string, now = Date.now()): boolean {
    return this.recent(key, now).length >= this.limit;
  }

  /** Seconds until the oldest hit leaves the window. */
  retryAfter(key: string, now = Date.now()): number {
    const recent = this.recent(key, now);
    return recent.length === 0 ? 0 : Math.max(1, Math.ceil((recent[0]! + this.windowMs - now) / 1000));
  }

  private recent(key: string, now: number): number[] {
    return (this.hits.get(key) ?? []).filter((t) => now - t < this.windowMs);
  }
}
