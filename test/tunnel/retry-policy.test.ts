// The retry schedule during an outage (short TCP timeouts, attempts back to back) and otherwise (the
// ordinary capped backoff), as counts and sequences: no wall-clock assertions.
import { describe, expect, it } from 'vitest';
import type { ClawdbotError } from '../../src/shared/errors';
import { classifySshError } from '../../src/tunnel/classify';
import { OUTAGE_LONG_EVERY, OUTAGE_LONG_TCP_TIMEOUT_MS, OUTAGE_TCP_TIMEOUT_MS, RetryPolicy, isLinkOutage } from '../../src/tunnel/retry-policy';

const ctx = { user: 'alice', host: 'box', port: 22 };
const failure = (code: string, message = `connect ${code} 10.0.0.1:22`): ClawdbotError => classifySshError(Object.assign(new Error(message), { code }), ctx);
const timedOut = failure('ETIMEDOUT', 'TCP connect timed out');
const unreachable = failure('EHOSTUNREACH');
const dns = failure('ENOTFOUND', 'getaddrinfo ENOTFOUND box');
const refused = failure('ECONNREFUSED');

describe('isLinkOutage', () => {
  it('is true for connect timeouts and missing routes, false for DNS, refusals and SSH failures', () => {
    expect([timedOut, unreachable, failure('ENETUNREACH'), failure('ENETDOWN')].map(isLinkOutage)).toEqual([true, true, true, true]);
    expect([dns, refused, classifySshError(Object.assign(new Error('Keepalive timeout'), { level: 'client-timeout' }), ctx)].map(isLinkOutage)).toEqual([false, false, false]);
  });
});

describe('RetryPolicy', () => {
  it('follows a timed-out attempt at once, with short TCP timeouts and a long one every few attempts', () => {
    const policy = new RetryPolicy({ random: () => 0 });
    const timeouts: number[] = [];
    const delays: number[] = [];
    for (let i = 0; i < 2 * OUTAGE_LONG_EVERY; i++) {
      const tcpTimeout = policy.retryTcpTimeoutMs();
      timeouts.push(tcpTimeout);
      delays.push(policy.nextDelayMs(timedOut, tcpTimeout)); // the attempt waited its whole timeout
    }
    expect(delays).toEqual(Array(2 * OUTAGE_LONG_EVERY).fill(0));
    const S = OUTAGE_TCP_TIMEOUT_MS;
    const L = OUTAGE_LONG_TCP_TIMEOUT_MS;
    expect(timeouts).toEqual([S, S, S, S, L, S, S, S, S, L]);
    expect(policy.streak).toBe(2 * OUTAGE_LONG_EVERY);
  });

  it('spaces instant "unreachable" failures by a capped, jittered delay instead of spinning', () => {
    const policy = new RetryPolicy({ random: () => 0 });
    const delays = Array.from({ length: 6 }, () => policy.nextDelayMs(unreachable, 0));
    expect(delays).toEqual([100, 200, 400, 600, 600, 600]);
    const jittered = new RetryPolicy({ random: () => 0.999 });
    const low = Array.from({ length: 6 }, () => jittered.nextDelayMs(unreachable, 0));
    expect(low.every((d) => d > 0 && d <= OUTAGE_TCP_TIMEOUT_MS)).toBe(true);
    expect(Math.min(...low.slice(3))).toBeGreaterThanOrEqual(Math.floor(0.7 * OUTAGE_TCP_TIMEOUT_MS) - 1);
  });

  it('keeps the ordinary backoff for DNS failures and refusals (no outage streak)', () => {
    const policy = new RetryPolicy({ backoff: { initialMs: 100, maxMs: 1000, jitter: 0, random: () => 0 } });
    const delays = [dns, dns, dns, refused, refused, dns].map((e) => policy.nextDelayMs(e, 0));
    expect(delays).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect(policy.streak).toBe(0);
  });

  it('starts a new outage streak after another kind of failure, and from scratch after reset()', () => {
    const policy = new RetryPolicy({ random: () => 0 });
    for (let i = 0; i < OUTAGE_LONG_EVERY - 1; i++) policy.nextDelayMs(timedOut, OUTAGE_TCP_TIMEOUT_MS);
    expect(policy.retryTcpTimeoutMs()).toBe(OUTAGE_LONG_TCP_TIMEOUT_MS);
    policy.nextDelayMs(refused, 0);
    expect(policy.streak).toBe(0);
    expect(policy.retryTcpTimeoutMs()).toBe(OUTAGE_TCP_TIMEOUT_MS);
    expect(policy.nextDelayMs(unreachable, 0)).toBe(100); // the outage spacing starts over too
    policy.reset();
    expect(policy.streak).toBe(0);
  });

  it('never waits longer than the configured ConnectTimeout', () => {
    const policy = new RetryPolicy();
    expect(policy.retryTcpTimeoutMs(300)).toBe(300);
    for (let i = 0; i < OUTAGE_LONG_EVERY - 1; i++) policy.nextDelayMs(timedOut, 300);
    expect(policy.retryTcpTimeoutMs(1500)).toBe(1500);
    expect(policy.retryTcpTimeoutMs()).toBe(OUTAGE_LONG_TCP_TIMEOUT_MS);
  });
});
