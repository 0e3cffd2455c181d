// The layered "Test remote" diagnostic: each layer passes until the first failure, which says why.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestRemoteLayer } from '../../src/shared/desktop-api';
import { testRemote } from '../../src/tunnel/test-remote';
import { startSshServer, type TestSshServer } from '../support/ssh-server';
import { closedPort, hopFor, scratchFile, startEchoServer, targetFor, wsEcho, type EchoServer } from './helpers/engine';

let server: TestSshServer;
let echo: EchoServer;

const summary = (layers: TestRemoteLayer[]): string => layers.map((l) => `${l.layer}:${l.status}`).join(' ');

beforeAll(async () => {
  server = await startSshServer();
  echo = await startEchoServer();
});
afterAll(async () => {
  await server.stop();
  await echo.close();
});

describe('testRemote', () => {
  it('passes every layer and runs the caller\'s gateway layers through a temporary forward', async () => {
    const layers = await testRemote(targetFor(server), {
      remotePort: echo.port,
      gatewayLayers: async (url) => [{ layer: 'gateway-reachable', label: 'Gateway', status: 'pass', message: await wsEcho(url, 'probe') }],
    });
    expect(summary(layers)).toBe('dns:pass tcp:pass ssh-handshake:pass host-key:pass ssh-auth:pass tunnel:pass gateway-reachable:pass');
    expect(layers[3]?.message).toContain(server.hostKey.fingerprint);
    expect(layers[6]?.message).toBe('probe');
  });

  it('stops at the first failing layer and skips the rest', async () => {
    const dns = await testRemote(targetFor({ ...server, host: 'nowhere.invalid' }), { remotePort: echo.port });
    expect(summary(dns)).toBe('dns:fail tcp:skipped ssh-handshake:skipped host-key:skipped ssh-auth:skipped tunnel:skipped');
    expect(dns[0]?.hint).toBeTruthy();

    const tcp = await testRemote(targetFor({ ...server, port: await closedPort() }), { remotePort: echo.port });
    expect(summary(tcp)).toMatch(/^dns:pass tcp:fail ssh-handshake:skipped/);

    const hostKey = await testRemote(targetFor(server, { userKnownHostsFiles: [scratchFile('empty', '')] }), { remotePort: echo.port });
    expect(summary(hostKey)).toMatch(/ssh-handshake:pass host-key:fail ssh-auth:skipped/);
    expect(hostKey[3]?.message).toContain(server.hostKey.fingerprint);

    server.setAuth('refuse');
    try {
      const auth = await testRemote(targetFor(server), { remotePort: echo.port });
      expect(summary(auth)).toMatch(/host-key:pass ssh-auth:fail tunnel:skipped/);
    } finally {
      server.setAuth('ok');
    }

    const tunnel = await testRemote(targetFor(server), { remotePort: await closedPort() });
    expect(summary(tunnel)).toMatch(/ssh-auth:pass tunnel:fail$/);
    expect(tunnel[5]?.hint).toMatch(/gateway run/);
  });

  it('names the jump hop that cannot reach the target', async () => {
    const layers = await testRemote(targetFor({ ...server, port: await closedPort() }, { jumps: [hopFor(server)] }), { remotePort: echo.port });
    expect(summary(layers)).toMatch(/^dns:pass tcp:fail/);
    expect(layers[1]?.message).toContain(`127.0.0.1:${server.port}`);
  });
});
