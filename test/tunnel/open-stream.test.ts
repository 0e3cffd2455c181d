// Tunnel.openStream: the desktop's own gateway connection rides an SSH channel directly (no local
// socket), with the same waiting and the same errors as a connection to the local port.
import type { Duplex } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { streamWebSocketFactory } from '../../src/client/node';
import { ClawdbotError } from '../../src/shared/errors';
import { Tunnel, type TunnelOptions } from '../../src/tunnel/supervisor';
import { startSshServer, type TestSshServer } from '../support/ssh-server';
import { closedPort, isState, startEchoServer, targetFor, waitForState, type EchoServer } from './helpers/engine';

let server: TestSshServer;
let echo: EchoServer;
const tunnels: Tunnel[] = [];

function tunnel(overrides: Partial<TunnelOptions> = {}, srv = server): Tunnel {
  const t = new Tunnel({ target: targetFor(srv), remotePort: echo.port, localPort: 0, backoff: { initialMs: 300, maxMs: 300, jitter: 0 }, waitForSessionMs: 3000, ...overrides });
  tunnels.push(t);
  return t;
}

/** A WebSocket over streams from openStream, as the desktop's GatewayClient makes them: one echo. */
function echoOver(openStream: () => Promise<Duplex>, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const transport = streamWebSocketFactory(openStream)(
      'ws://remote-gateway/',
      {
        onOpen: () => transport.send(text),
        onMessage: (data) => {
          resolve(typeof data === 'string' ? data : Buffer.from(data as Uint8Array).toString('utf8'));
          transport.close();
        },
        onError: (cause) => reject(new Error(cause ?? 'WebSocket error')),
        onClose: (code) => reject(new Error(`closed ${code} before the echo`)),
      },
      { maxPayloadBytes: 1024 * 1024 },
    );
  });
}

async function rejection(p: Promise<unknown>): Promise<ClawdbotError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ClawdbotError);
  return err as ClawdbotError;
}

beforeAll(async () => {
  server = await startSshServer();
  echo = await startEchoServer();
});
afterEach(async () => {
  await Promise.all(tunnels.splice(0).map((t) => t.stop()));
});
afterAll(async () => {
  await server.stop();
  await echo.close();
});

describe('Tunnel.openStream', () => {
  it('carries a WebSocket to the remote port over the SSH session', async () => {
    const t = tunnel();
    await t.start();
    await waitForState(t, isState('ready'));
    const before = echo.connections;
    expect(await echoOver(() => t.openStream(), 'over the channel')).toBe('over the channel');
    expect(echo.connections).toBe(before + 1);
  });

  it('waits for a session that is coming back, like a connection to the local port', async () => {
    const t = tunnel();
    await t.start();
    await waitForState(t, isState('ready'));
    server.dropSessions();
    await waitForState(t, isState('reconnecting'));
    expect(await echoOver(() => t.openStream(), 'waited')).toBe('waited');
  });

  it("gives up with the tunnel's own reason when the session does not come back in time", async () => {
    const srv = await startSshServer();
    const t = tunnel({ waitForSessionMs: 200 }, srv);
    await t.start();
    await waitForState(t, isState('ready'));
    await srv.stop();
    await waitForState(t, isState('reconnecting'));
    const err = await rejection(t.openStream());
    expect(err.errorClass).toMatch(/^(TcpFailed|SshReset|SshTimeout)$/);
    expect(err.hint).toContain('reconnecting');
  });

  it('says the remote gateway is not running when nothing listens on its port', async () => {
    const t = tunnel({ remotePort: await closedPort() });
    await t.start();
    await waitForState(t, isState('gateway-down'));
    expect((await rejection(t.openStream())).errorClass).toBe('RemoteGatewayDown');
  });

  it('turns a waiting stream away as "not running" when the tunnel stops meanwhile', async () => {
    const t = tunnel({ backoff: { initialMs: 5000, maxMs: 5000, jitter: 0 } });
    await t.start();
    await waitForState(t, isState('ready'));
    server.dropSessions();
    await waitForState(t, isState('reconnecting'));
    const waiting = t.openStream();
    await t.stop();
    expect((await rejection(waiting)).message).toBe('The SSH tunnel is not running.');
  });

  it('refuses once the tunnel is stopped, and the WebSocket reports why', async () => {
    const t = tunnel();
    await t.start();
    await waitForState(t, isState('ready'));
    await t.stop();
    expect((await rejection(t.openStream())).message).toBe('The SSH tunnel is not running.');
    await expect(echoOver(() => t.openStream(), 'x')).rejects.toThrow('The SSH tunnel is not running.');
  });
});
