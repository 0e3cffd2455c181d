// An IPv6 literal target, typed as the user would (`user@[::1]:PORT`): resolved, connected over IPv6,
// its host key filed and found again as `[::1]:PORT`, and the remote gateway forwarded.
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { dirname } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveTarget } from '../../src/tunnel/ssh-config';
import { Tunnel } from '../../src/tunnel/supervisor';
import { startSshServer, type TestSshServer } from '../support/ssh-server';
import { isState, scratchFile, startEchoServer, waitForState, wsEcho, type EchoServer } from './helpers/engine';

const hasIpv6Loopback = await new Promise<boolean>((resolve) => {
  const probe = net.createServer();
  probe.once('error', () => resolve(false));
  probe.listen(0, '::1', () => probe.close(() => resolve(true)));
});

describe.skipIf(!hasIpv6Loopback)('an IPv6 target', () => {
  let server: TestSshServer;
  let echo: EchoServer;

  beforeAll(async () => {
    server = await startSshServer({ host: '::1' });
    echo = await startEchoServer();
  });
  afterAll(async () => {
    await server?.stop();
    await echo?.close();
  });

  async function tunnelTo(knownHostsFile: string, strictHostKeyChecking: 'accept-new' | 'yes'): Promise<Tunnel> {
    // An empty config of our own (like `ssh -F`), so neither ~/.ssh/config nor /etc/ssh/ssh_config applies.
    const sshConfigPath = scratchFile('ssh_config', '');
    const target = await resolveTarget(`tester@[::1]:${server.port}`, {
      env: { HOME: dirname(sshConfigPath), USER: 'tester' },
      sshConfigPath,
      overrides: { identityFile: server.clientKeyPath, knownHostsFile, strictHostKeyChecking },
    });
    expect(target).toMatchObject({ hostName: '::1', port: server.port, user: 'tester' });
    const tunnel = new Tunnel({ target: { ...target, identityAgent: null }, remotePort: echo.port, localPort: 0 });
    await tunnel.start();
    return tunnel;
  }

  it('connects to user@[::1]:PORT, files the key as [::1]:PORT and finds it again under "yes"', async () => {
    const knownHosts = scratchFile('known_hosts', '');
    const first = await tunnelTo(knownHosts, 'accept-new');
    try {
      await waitForState(first, isState('ready'));
      expect(await wsEcho(first.url as string, 'over six')).toBe('over six');
    } finally {
      await first.stop();
    }
    expect(readFileSync(knownHosts, 'utf8')).toMatch(new RegExp(`^\\[::1\\]:${server.port} ssh-ed25519 `));

    const again = await tunnelTo(knownHosts, 'yes');
    try {
      await waitForState(again, isState('ready'));
    } finally {
      await again.stop();
    }
  });
});
