// The Tunnel supervisor against ssh2's in-process Server: ready, gateway-down, keepalive loss, a session
// dropped under an open WebSocket (same port, new WebSocket works), kick(), PortInUse, failures that stop.
import net from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ClawdbotError } from '../../src/shared/errors';
import { Tunnel, type TunnelOptions } from '../../src/tunnel/supervisor';
import type { TunnelState } from '../../src/tunnel/tunnel-state';
import { generateKeyPair, startSshServer, type TestSshServer } from '../support/ssh-server';
import { closed, closedPort, isState, openWs, scratchFile, sendAndReceive, startEchoServer, targetFor, waitForState, wsEcho, type EchoServer } from './helpers/engine';

let server: TestSshServer;
let echo: EchoServer;
const tunnels: Tunnel[] = [];

function tunnel(overrides: Partial<TunnelOptions> = {}, srv = server): Tunnel {
  const t = new Tunnel({
    target: targetFor(srv, { serverAliveIntervalMs: 300, serverAliveCountMax: 2 }),
    remotePort: echo.port,
    localPort: 0,
    backoff: { initialMs: 50, maxMs: 200 },
    waitForSessionMs: 3000,
    ...overrides,
  });
  tunnels.push(t);
  return t;
}

beforeAll(async () => {
  server = await startSshServer();
  echo = await startEchoServer();
});
afterEach(async () => {
  server.blackhole(false);
  server.setAuth('ok');
  await Promise.all(tunnels.splice(0).map((t) => t.stop()));
});
afterAll(async () => {
  await server.stop();
  await echo.close();
});

describe('Tunnel', () => {
  it('goes connecting → ready and forwards a WebSocket to the remote port', async () => {
    const t = tunnel();
    const states: string[] = [];
    t.on('state', (s) => states.push(s.state));
    await t.start();
    expect(t.url).toBe(`ws://127.0.0.1:${t.localPort}`);
    await waitForState(t, isState('ready'));
    expect(states).toEqual(['connecting', 'ready']);
    expect(t.hostKeyFingerprint).toBe(server.hostKey.fingerprint);
    expect(await wsEcho(t.url as string, 'hello')).toBe('hello');
  });

  it('listens on ::1 at the same port too, where the machine has IPv6 loopback', async (ctx) => {
    const probe = net.createServer();
    const hasV6 = await new Promise<boolean>((resolve) => {
      probe.once('error', () => resolve(false));
      probe.listen(0, '::1', () => resolve(true));
    });
    probe.close();
    if (!hasV6) return ctx.skip();
    const t = tunnel();
    await t.start();
    await waitForState(t, isState('ready'));
    expect(await wsEcho(`ws://[::1]:${t.localPort}`, 'six')).toBe('six');
  });

  it('uses the remote port as the local port by default', async () => {
    const remote = await startEchoServer();
    const port = remote.port;
    await remote.close(); // free it locally; the tunnel binds it, the "remote" side is the echo server below
    const t = tunnel({ localPort: undefined, remotePort: port });
    await t.start();
    expect(t.localPort).toBe(port);
  });

  it('reports gateway-down when nothing listens on the remote port, then ready once it does', async () => {
    const port = await closedPort();
    const t = tunnel({ remotePort: port });
    await t.start();
    const down = await waitForState(t, isState('gateway-down'));
    expect(down).toMatchObject({ state: 'gateway-down', errorClass: 'RemoteGatewayDown' });
    const late = await startEchoServer(port);
    try {
      await waitForState(t, isState('ready'));
      expect(await wsEcho(t.url as string, 'up')).toBe('up');
    } finally {
      await late.close();
    }
  });

  it('reconnects on the same port after the session drops under an open WebSocket', async () => {
    const t = tunnel();
    await t.start();
    await waitForState(t, isState('ready'));
    const port = t.localPort;
    const ws = await openWs(t.url as string);
    expect(await sendAndReceive(ws, 'one')).toBe('one');
    const wasClosed = closed(ws);
    server.dropSessions();
    const reconnecting = await waitForState(t, isState('reconnecting'));
    expect(reconnecting).toMatchObject({ state: 'reconnecting', attempt: 1, errorClass: 'SshReset' });
    await wasClosed;
    await waitForState(t, isState('ready'));
    expect(t.localPort).toBe(port);
    expect(await wsEcho(t.url as string, 'two')).toBe('two');
  });

  it('notices a silent server through keepalive and comes back when it answers again', async () => {
    const t = tunnel();
    await t.start();
    await waitForState(t, isState('ready'));
    server.blackhole(true);
    const s = await waitForState(t, isState('reconnecting'), 5000);
    expect(s).toMatchObject({ errorClass: 'SshTimeout' });
    server.blackhole(false);
    await waitForState(t, isState('ready'), 10_000);
    expect(await wsEcho(t.url as string, 'back')).toBe('back');
  });

  it('holds a connection made during an outage until the session is back', async () => {
    const t = tunnel({ backoff: { initialMs: 400, maxMs: 400, jitter: 0 } });
    await t.start();
    await waitForState(t, isState('ready'));
    server.dropSessions();
    await waitForState(t, isState('reconnecting'));
    expect(await wsEcho(t.url as string, 'waited')).toBe('waited');
  });

  it('closes a waiting connection cleanly when the session does not come back in time', async () => {
    const srv = await startSshServer();
    const t = tunnel({ waitForSessionMs: 200 }, srv);
    await t.start();
    await waitForState(t, isState('ready'));
    await srv.stop();
    await waitForState(t, isState('reconnecting'));
    const socket = net.connect(t.localPort, '127.0.0.1');
    const result = await new Promise<string>((resolve) => {
      socket.on('error', (e) => resolve(`error ${(e as NodeJS.ErrnoException).code}`));
      socket.on('end', () => resolve('end'));
    });
    expect(result).toBe('end');
    socket.destroy();
  });

  it('kick() retries at once instead of waiting out the backoff', async () => {
    const srv = await startSshServer();
    const t = tunnel({ backoff: { initialMs: 60_000, maxMs: 60_000, jitter: 0 } }, srv);
    await t.start();
    await waitForState(t, isState('ready'));
    srv.dropSessions();
    const s = await waitForState(t, isState('reconnecting'));
    expect((s as { nextInMs: number }).nextInMs).toBeGreaterThan(50_000);
    t.kick();
    await waitForState(t, isState('ready'), 5000);
    await srv.stop();
  });

  it('kick() on a ready tunnel whose link is silently dead reconnects without waiting for keepalive', async () => {
    const t = tunnel({ target: targetFor(server, { serverAliveIntervalMs: 60_000, serverAliveCountMax: 3 }), livenessTimeoutMs: 300 });
    await t.start();
    await waitForState(t, isState('ready'));
    server.blackhole(true);
    t.kick();
    const s = await waitForState(t, isState('reconnecting'), 3000);
    expect(s).toMatchObject({ errorClass: 'SshTimeout' });
    server.blackhole(false);
    await waitForState(t, isState('ready'), 10_000);
  });

  it('stops in failed on an auth failure and says why; kick() tries again', async () => {
    server.setAuth('refuse');
    const t = tunnel();
    await t.start();
    const failed = (await waitForState(t, isState('failed'))) as Extract<TunnelState, { state: 'failed' }>;
    expect(failed.errorClass).toBe('SshAuthFailed');
    expect(failed.hint).toBeTruthy();
    server.setAuth('ok');
    t.kick();
    await waitForState(t, isState('ready'));
  });

  it('stops in failed on an unknown host key', async () => {
    const t = tunnel({ target: targetFor(server, { userKnownHostsFiles: [scratchFile('empty', '')] }) });
    await t.start();
    const failed = await waitForState(t, isState('failed'));
    expect(failed).toMatchObject({ errorClass: 'HostKeyUnknown' });
  });

  it('times out a handshake the server never answers, and keeps retrying', async () => {
    server.blackhole(true);
    const t = tunnel({ target: targetFor(server, { connectTimeoutMs: 300 }) });
    await t.start();
    expect(await waitForState(t, isState('reconnecting'))).toMatchObject({ errorClass: 'SshTimeout' });
    server.blackhole(false);
    await waitForState(t, isState('ready'), 10_000);
  });

  it('never logs the passphrase it was given', async () => {
    const key = generateKeyPair('encrypted', 'sekrit-passphrase');
    const srv = await startSshServer({ authorizedKeys: [key.publicKey] });
    const lines: string[] = [];
    try {
      const t = tunnel({
        target: targetFor(srv, { identityFiles: [scratchFile('id_encrypted', key.privateKey)] }),
        auth: { passphrase: async () => 'sekrit-passphrase' },
        log: (line) => lines.push(line),
      }, srv);
      await t.start();
      await waitForState(t, isState('ready'));
      await t.stop();
      expect(lines.length).toBeGreaterThan(0);
      expect(lines.join('\n')).not.toContain('sekrit');
    } finally {
      await srv.stop();
    }
  });

  it('retries forever while the SSH port refuses connections', async () => {
    const t = tunnel({ target: targetFor({ ...server, port: await closedPort() }) });
    await t.start();
    await waitForState(t, (s) => s.state === 'reconnecting' && s.attempt >= 3);
    expect(t.state).toMatchObject({ errorClass: 'TcpFailed' });
  });

  it('fails with PortInUse when the local port is taken, or takes an ephemeral port when allowed', async () => {
    const busy = net.createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const port = (busy.address() as net.AddressInfo).port;
    try {
      const t = tunnel({ localPort: port });
      const err = await t.start().then(() => null, (e: unknown) => e);
      expect(err).toBeInstanceOf(ClawdbotError);
      expect((err as ClawdbotError).errorClass).toBe('PortInUse');
      expect((err as ClawdbotError).hint).toMatch(/--local-port/);
      expect(t.state).toMatchObject({ state: 'failed', errorClass: 'PortInUse' });

      const e = tunnel({ localPort: port, allowEphemeralPort: true });
      await e.start();
      expect(e.localPort).not.toBe(port);
      await waitForState(e, isState('ready'));
      expect(await wsEcho(e.url as string, 'eph')).toBe('eph');
    } finally {
      busy.close();
    }
  });

  it('runs extra forwards over the same session, each with its own port and state', async () => {
    const second = await startEchoServer();
    const busy = net.createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const busyPort = (busy.address() as net.AddressInfo).port;
    try {
      const t = tunnel({
        forwards: [
          { name: 'second', localPort: 0, remoteHost: '127.0.0.1', remotePort: second.port },
          { name: 'clash', localPort: busyPort, remoteHost: '127.0.0.1', remotePort: second.port },
        ],
      });
      await t.start();
      await waitForState(t, isState('ready'));
      const [ok, clash] = t.forwards;
      expect(ok).toMatchObject({ name: 'second', state: 'listening' });
      expect(clash).toMatchObject({ name: 'clash', state: 'failed' });
      expect(await wsEcho(`ws://127.0.0.1:${ok?.localPort}`, 'extra')).toBe('extra');
      expect(second.connections).toBe(1);
      expect(server.connectionCount).toBeGreaterThanOrEqual(1);
    } finally {
      busy.close();
      await second.close();
    }
  });

  it('binds an extra forward at once on kick() once its busy port frees up', async () => {
    const second = await startEchoServer();
    const busy = net.createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const busyPort = (busy.address() as net.AddressInfo).port;
    try {
      const t = tunnel({ forwards: [{ name: 'clash', localPort: busyPort, remoteHost: '127.0.0.1', remotePort: second.port }] });
      const states: string[] = [];
      t.on('forward', (f) => states.push(f.state));
      await t.start();
      await waitForState(t, isState('ready'));
      expect(t.forwards[0]).toMatchObject({ state: 'failed', error: expect.stringContaining(String(busyPort)) });

      await new Promise<void>((resolve) => busy.close(() => resolve()));
      const bound = new Promise<void>((resolve) => t.on('forward', (f) => f.state === 'listening' && resolve()));
      t.kick();
      await bound;
      expect(t.forwards[0]).toMatchObject({ state: 'listening', localPort: busyPort });
      expect(await wsEcho(`ws://127.0.0.1:${busyPort}`, 'freed')).toBe('freed');
      expect(states).toEqual(['failed', 'listening']);
    } finally {
      busy.close();
      await second.close();
    }
  });

  it('retries a busy extra forward port without being asked', async () => {
    const busy = net.createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const busyPort = (busy.address() as net.AddressInfo).port;
    const t = tunnel({ forwards: [{ name: 'clash', localPort: busyPort, remoteHost: '127.0.0.1', remotePort: echo.port }] });
    const bound = new Promise<void>((resolve) => t.on('forward', (f) => f.state === 'listening' && resolve()));
    await t.start();
    expect(t.forwards[0]?.state).toBe('failed');
    await new Promise<void>((resolve) => busy.close(() => resolve()));
    await bound; // the first retry comes about a second later
    expect(t.forwards[0]).toMatchObject({ state: 'listening', localPort: busyPort });
  });

  it('runs the health probe and reports gateway-down while it fails', async () => {
    let healthy = false;
    const probed: string[] = [];
    const t = tunnel({
      healthProbe: async (url) => {
        probed.push(url);
        if (!healthy) throw new Error('health: not ok');
      },
    });
    await t.start();
    const down = await waitForState(t, isState('gateway-down'));
    expect(down).toMatchObject({ errorClass: 'RemoteGatewayDown' });
    expect(probed[0]).toBe(t.url);
    healthy = true;
    await waitForState(t, isState('ready'), 10_000);
  });

  it('starts the remote gateway over SSH when its port is closed and startGateway is set', async () => {
    const port = await closedPort();
    const t = tunnel({ remotePort: port, startGateway: true });
    await t.start();
    await waitForState(t, isState('gateway-down'));
    await expect.poll(() => server.execLog.some((c) => c.includes(`clawdbot gateway run --port ${port}`))).toBe(true);
  });

  it('stop() closes the listener and ends in stopped', async () => {
    const t = tunnel();
    await t.start();
    await waitForState(t, isState('ready'));
    const port = t.localPort;
    await t.stop();
    expect(t.state).toEqual({ state: 'stopped' });
    const err = await new Promise<string>((resolve) => {
      const s = net.connect(port, '127.0.0.1');
      s.on('connect', () => resolve('connected'));
      s.on('error', (e) => resolve((e as NodeJS.ErrnoException).code ?? 'error'));
    });
    expect(err).toBe('ECONNREFUSED');
  });
});
