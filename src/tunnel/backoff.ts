// Capped exponential backoff with jitter. The cap is low on purpose: a failed attempt costs one SYN
// or one DNS query, and a low cap is what makes the tunnel usable again soon after the network returns,
// however long the outage lasted.

export interface BackoffOptions {
  /** Delay before the second attempt (default 100 ms). */
  initialMs?: number;
  /** The cap (default 1000 ms). */
  maxMs?: number;
  /** Growth per attempt (default 2). */
  factor?: number;
  /** Fraction of the delay taken off at random, so many clients do not retry in step (default 0.3). */
  jitter?: number;
  /** For tests: a source of numbers in [0, 1). */
  random?: () => number;
}

export class Backoff {
  private readonly initialMs: number;
  private readonly maxMs: number;
  private readonly factor: number;
  private readonly jitter: number;
  private readonly random: () => number;
  private failures = 0;

  constructor(options: BackoffOptions = {}) {
    this.initialMs = options.initialMs ?? 100;
    this.maxMs = Math.max(options.maxMs ?? 1000, this.initialMs);
    this.factor = options.factor ?? 2;
    this.jitter = Math.min(Math.max(options.jitter ?? 0.3, 0), 1);
    this.random = options.random ?? Math.random;
  }

  /** The delay before the next attempt; each call counts one more failure. */
  next(): number {
    const base = Math.min(this.maxMs, this.initialMs * this.factor ** this.failures);
    this.failures += 1;
    return Math.round(base * (1 - this.jitter * this.random()));
  }

  reset(): void {
    this.failures = 0;
  }
}
