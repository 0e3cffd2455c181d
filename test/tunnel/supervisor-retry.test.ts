// The supervisor during an outage: every attempt's TCP connect times out (tcpConnect is replaced here),
// so the retries must use the short outage timeout with a long one every few attempts, follow each other
// without the ordinary backoff, and a DNS failure must keep that backoff. Counts only, no wall time.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ClawdbotError } from '../../src/shared/errors';
import { OUTAGE_LONG_TCP_TIMEOUT_MS, OUTAGE_TCP_TIMEOUT_MS } from '../../src/tunnel/retry-policy';
import { Tunnel } from '../../src/tunnel/supervisor';
import { tcpConnect, type TcpConnectOptions } from '../../src/tunnel/tcp-connect';
import type { TunnelState } from '../../src/tunnel/tunnel-state';
import { hopFor } from './helpers/engine';

vi.mock('../../src/tunnel/tcp-connect', () => ({ tcpConnect: vi.fn() }));

const tunnels: Tunnel[] = [];
afterEach(async () => {
  await Promise.all(tunnels.splice(0).map((t) => t.stop()));
  vi.mocked(tcpConnect).mockReset();
});

function failingWith(code: string, message: string, errorClass: 'TcpFailed' | 'DnsFailed'): TcpConnectOptions[] {
  const calls: TcpConnectOptions[] = [];
  vi.mocked(tcpConnect).mockImplementation(async (options) => {
    calls.push(options);
    throw new ClawdbotError(errorClass, message, 'retrying', { cause: Object.assign(new Error(message), { code }) });
  });
  return calls;
}

function start(attempts: number): { tunnel: Tunnel; states: TunnelState[]; reached: Promise<void> } {
  const hop = hopFor({ host: '192.0.2.1', port: 22, clientKeyPath: '/nonexistent/id_ed25519' });
  const tunnel = new Tunnel({ target: { ...hop, jumps: [], source: 'literal' }, remotePort: 18789, localPort: 0, backoff: { initialMs: 100, maxMs: 1000, jitter: 0 } });
  tunnels.push(tunnel);
  const states: TunnelState[] = [];
  const reached = new Promise<void>((resolve) => {
    tunnel.on('state', (s) => {
      states.push(s);
      if (s.state === 'reconnecting' && s.attempt >= attempts) resolve();
    });
  });
  void tunnel.start();
  return { tunnel, states, reached };
}

describe('Tunnel retries during an outage', () => {
  it('retries timed-out connects with the short TCP timeout (a long one every fifth) and no backoff wait', async () => {
    const calls = failingWith('ETIMEDOUT', 'TCP connect timed out', 'TcpFailed');
    const { tunnel, states, reached } = start(11);
    await reached;
    await tunnel.stop();
    const S = OUTAGE_TCP_TIMEOUT_MS;
    const L = OUTAGE_LONG_TCP_TIMEOUT_MS;
    // Attempt 1 uses the hop's own timeout (no ConnectTimeout: 10 s); the retries the outage ones.
    expect(calls.slice(0, 11).map((c) => c.timeoutMs)).toEqual([10_000, S, S, S, L, S, S, S, S, L, S]);
    const waits = states.flatMap((s) => (s.state === 'reconnecting' ? [s.nextInMs] : []));
    // The mocked connect fails at once, so the outage spacing shows: capped at the short timeout.
    expect(waits.length).toBeGreaterThanOrEqual(10);
    expect(waits.every((ms) => ms <= S)).toBe(true);
    expect(states.filter((s) => s.state === 'failed')).toHaveLength(0);
  });

  it('keeps the ordinary backoff for DNS failures', async () => {
    failingWith('ENOTFOUND', 'getaddrinfo ENOTFOUND box', 'DnsFailed');
    const { tunnel, states, reached } = start(5);
    await reached;
    await tunnel.stop();
    const waits = states.flatMap((s) => (s.state === 'reconnecting' ? [s.nextInMs] : []));
    // 100, 200, 400, 800, 1000 less the time each attempt took: past the outage cap from the fourth on.
    expect(waits.slice(0, 5).every((ms, i) => ms <= [100, 200, 400, 800, 1000][i]!)).toBe(true);
    expect(Math.min(...waits.slice(3, 5))).toBeGreaterThan(OUTAGE_TCP_TIMEOUT_MS);
  });
});
