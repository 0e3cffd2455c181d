// When the supervisor tries again, and how long each retry's TCP connect may wait.
//
// While the link is down (connect timeouts, host or network unreachable) an attempt costs one SYN, so
// attempts follow each other closely: the TCP connect gives up after 600 ms (a SYN lost to the outage is
// not retransmitted by the kernel before 1 s) and the next attempt starts at once when the attempt
// already waited, else after a jittered delay capped at 600 ms. That keeps "link back → tunnel usable"
// under a second whatever the outage lasted. Every fifth attempt of such a streak waits 2 s, so a link
// whose round trip is longer than 600 ms still connects. Other failures (DNS, refused, reset, handshake)
// keep the ordinary capped backoff: a failing resolver or a restarting server is not hammered.

import type { ClawdbotError } from '../shared/errors';
import { Backoff, type BackoffOptions } from './backoff';

export const OUTAGE_TCP_TIMEOUT_MS = 600;
export const OUTAGE_LONG_TCP_TIMEOUT_MS = 2000;
/** Every this many attempts of an outage streak, one uses the long TCP timeout. */
export const OUTAGE_LONG_EVERY = 5;
export const OUTAGE_BACKOFF: BackoffOptions = { initialMs: 100, maxMs: OUTAGE_TCP_TIMEOUT_MS, jitter: 0.3 };

const OUTAGE_CODES = new Set(['ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN', 'EHOSTDOWN']);

/** A TCP connect that timed out or found no route: the link (not the server) is down. */
export function isLinkOutage(error: ClawdbotError): boolean {
  if (error.errorClass !== 'TcpFailed') return false;
  const cause = error.cause as { code?: unknown; message?: unknown } | undefined;
  const code = typeof cause?.code === 'string' ? cause.code : undefined;
  return (code !== undefined && OUTAGE_CODES.has(code)) || (typeof cause?.message === 'string' && /connect timed out/i.test(cause.message));
}

export interface RetryPolicyOptions {
  /** The ordinary backoff (DNS, refused, reset, handshake failures). */
  backoff?: BackoffOptions;
  /** For tests: a source of numbers in [0, 1) for the outage backoff's jitter. */
  random?: () => number;
}

export class RetryPolicy {
  private readonly backoff: Backoff;
  private readonly outageBackoff: Backoff;
  /** Consecutive failed attempts that were link outages. */
  private outageStreak = 0;

  constructor(options: RetryPolicyOptions = {}) {
    this.backoff = new Backoff(options.backoff);
    this.outageBackoff = new Backoff({ ...OUTAGE_BACKOFF, ...(options.random ? { random: options.random } : {}) });
  }

  /** Consecutive link-outage failures so far. */
  get streak(): number {
    return this.outageStreak;
  }

  /** The TCP connect timeout of a retry (never above the configured ConnectTimeout). */
  retryTcpTimeoutMs(connectTimeoutMs?: number): number {
    const long = this.outageStreak % OUTAGE_LONG_EVERY === OUTAGE_LONG_EVERY - 1;
    const cap = connectTimeoutMs && connectTimeoutMs > 0 ? connectTimeoutMs : 10_000;
    return Math.min(cap, long ? OUTAGE_LONG_TCP_TIMEOUT_MS : OUTAGE_TCP_TIMEOUT_MS);
  }

  /**
   * Counts a failed attempt and returns the delay before the next one. The delays space attempt
   * starts: an attempt that already took `elapsedMs` (a connect timeout) is followed that much sooner.
   */
  nextDelayMs(error: ClawdbotError, elapsedMs: number): number {
    const outage = isLinkOutage(error);
    this.outageStreak = outage ? this.outageStreak + 1 : 0;
    if (!outage) this.outageBackoff.reset();
    const spacing = outage ? this.outageBackoff.next() : this.backoff.next();
    return Math.max(0, spacing - elapsedMs);
  }

  /** Connected (or asked to start over): the next failure starts from the shortest delay. */
  reset(): void {
    this.backoff.reset();
    this.outageBackoff.reset();
    this.outageStreak = 0;
  }
}
