// Idempotency keys of chat.send, agent and send (spec §6, §9.3): a key seen before never starts a
// second run. Entries live 5 min (the run's real outcome once it ended), at most 1000 of them.

export interface IdempotencyOptions {
  ttlMs: number;
  max: number;
}

export const DEFAULT_IDEMPOTENCY: IdempotencyOptions = { ttlMs: 5 * 60_000, max: 1000 };

export class IdempotencyCache<T> {
  private entries = new Map<string, { value: T; at: number }>();

  constructor(private readonly opts: IdempotencyOptions = DEFAULT_IDEMPOTENCY) {}

  get(key: string, now = Date.now()): T | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (now - e.at > this.opts.ttlMs) {
      this.entries.delete(key);
      return undefined;
    }
    return e.value;
  }

  /** Stores (or replaces) a value; the TTL restarts, so an outcome lives 5 min after the run ended. */
  set(key: string, value: T, now = Date.now()): void {
    this.entries.delete(key);
    this.entries.set(key, { value, at: now });
    // Map order is insertion order: the first entries are the oldest.
    while (this.entries.size > this.opts.max) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  /** Drops expired entries (the housekeeping sweep). */
  sweep(now = Date.now()): void {
    for (const [key, e] of this.entries) if (now - e.at > this.opts.ttlMs) this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }
}
