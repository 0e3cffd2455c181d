// Failed auth attempts per remote address: 10 within a minute lock the address out for 5 minutes
// (openclaw's policy; loopback peers are exempt, decided by the caller). Memory is bounded.

export interface RateLimitDecision {
  allowed: boolean;
  retryAfterMs: number;
}

interface Entry {
  failures: number[];
  lockedUntil: number;
}

const MAX_TRACKED = 10_000;

export class AuthRateLimiter {
  private entries = new Map<string, Entry>();

  constructor(
    private readonly maxFailures: number,
    private readonly windowMs: number,
    private readonly lockoutMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  check(key: string): RateLimitDecision {
    const entry = this.entries.get(key);
    const now = this.now();
    if (entry && entry.lockedUntil > now) return { allowed: false, retryAfterMs: entry.lockedUntil - now };
    return { allowed: true, retryAfterMs: 0 };
  }

  /** Records a failure; returns the decision for the next attempt. */
  recordFailure(key: string): RateLimitDecision {
    const now = this.now();
    let entry = this.entries.get(key);
    if (!entry) {
      if (this.entries.size >= MAX_TRACKED) this.prune(now);
      entry = { failures: [], lockedUntil: 0 };
      this.entries.set(key, entry);
    }
    entry.failures = entry.failures.filter((t) => now - t < this.windowMs);
    entry.failures.push(now);
    if (entry.failures.length >= this.maxFailures) {
      entry.lockedUntil = now + this.lockoutMs;
      entry.failures = [];
    }
    return this.check(key);
  }

  private prune(now: number): void {
    for (const [key, e] of this.entries) {
      if (e.lockedUntil <= now && e.failures.every((t) => now - t >= this.windowMs)) this.entries.delete(key);
    }
    // Still full (an attack from many addresses): forget the oldest entries rather than grow.
    for (const key of this.entries.keys()) {
      if (this.entries.size < MAX_TRACKED) break;
      this.entries.delete(key);
    }
  }
}
