import { AppError } from '../../platform/errors/app-error.js';

const WINDOW_MS = 15 * 60_000;
const MAX_FAILURES = 10;

/** Limits password guessing per (e-mail, IP): after 10 failures in 15 minutes, further tries get 429. */
export class LoginThrottle {
  private readonly failures = new Map<string, number[]>();

  check(key: string): void {
    const recent = this.recent(key);
    if (recent.length >= MAX_FAILURES) {
      throw new AppError('RATE_LIMITED', 'Too many failed sign-in attempts; wait 15 minutes and try again');
    }
  }

  fail(key: string): void {
    const recent = this.recent(key);
    recent.push(Date.now());
    this.failures.set(key, recent);
    if (this.failures.size > 100_000) this.failures.clear();
  }

  succeed(key: string): void {
    this.failures.delete(key);
  }

  private recent(key: string): number[] {
    const now = Date.now();
    return (this.failures.get(key) ?? []).filter((t) => now - t < WINDOW_MS);
  }
}
