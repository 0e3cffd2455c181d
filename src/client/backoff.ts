// Reconnect delays: exponential from `initialMs`, capped at `maxMs`, with ± `jitter` so that many
// clients dropped at once (a gateway restart) do not all come back in the same millisecond.

export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  factor: number;
  /** Fraction of the delay added or removed at random, 0..1. */
  jitter: number;
}

/** The TS reference client's schedule: 1 s doubling to 30 s. */
export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 1000, maxMs: 30_000, factor: 2, jitter: 0.2 };

/** Delay before reconnect attempt `attempt` (0 = the first retry). */
export function backoffDelay(attempt: number, options: BackoffOptions = DEFAULT_BACKOFF, random: () => number = Math.random): number {
  const base = Math.min(options.maxMs, options.initialMs * options.factor ** Math.max(0, attempt));
  const spread = base * options.jitter * (random() * 2 - 1);
  return Math.round(Math.max(0, Math.min(options.maxMs, base + spread)));
}
