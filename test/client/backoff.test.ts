import { describe, expect, it } from 'vitest';
import { backoffDelay, DEFAULT_BACKOFF } from '../../src/client/backoff';

describe('backoffDelay', () => {
  it('doubles from 1 s and stops at the 30 s cap without jitter', () => {
    const opts = { ...DEFAULT_BACKOFF, jitter: 0 };
    expect([0, 1, 2, 3, 4, 5, 6, 10].map((a) => backoffDelay(a, opts))).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
  });

  it('spreads by at most ±jitter and never passes the cap', () => {
    for (const r of [0, 0.25, 0.5, 0.999]) {
      const d = backoffDelay(2, DEFAULT_BACKOFF, () => r);
      expect(d).toBeGreaterThanOrEqual(4000 * 0.8);
      expect(d).toBeLessThanOrEqual(4000 * 1.2);
      expect(backoffDelay(20, DEFAULT_BACKOFF, () => r)).toBeLessThanOrEqual(30_000);
    }
    expect(backoffDelay(2, DEFAULT_BACKOFF, () => 0)).not.toBe(backoffDelay(2, DEFAULT_BACKOFF, () => 0.999));
  });
});
