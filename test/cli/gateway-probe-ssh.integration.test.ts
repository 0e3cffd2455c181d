// `gateway probe --ssh`: the tunnel engine forwards to a real gateway through the in-process SSH server.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type RunningGateway } from '../support/gateway';
import { startSshServer, type TestSshServer } from '../support/ssh-server';
import { makeCliHome, type CliHome } from './run-cli';

let gw: RunningGateway;
let ssh: TestSshServer;
let cli: CliHome;
let knownHosts: string;

beforeAll(async () => {
  [gw, ssh] = await Promise.all([startGateway(), startSshServer()]);
  cli = makeCliHome();
  delete cli.env.SSH_AUTH_SOCK;
  mkdirSync(join(cli.home, '.ssh'), { recursive: true, mode: 0o700 });
  knownHosts = join(cli.home, '.ssh', 'known_hosts');
  writeFileSync(knownHosts, `${ssh.knownHostsLine()}\n`);
  // The remote gateway's port comes from gateway.remote.url, as for the desktop app's tunnel.
  cli.writeConfig({ gateway: { mode: 'local', port: 1, remote: { url: gw.url, token: gw.token } } });
});
afterAll(async () => {
  cli?.remove();
  await Promise.all([gw?.stop(), ssh?.stop()]);
});

describe('clawdbot gateway probe --ssh', () => {
  it('probes the gateway through an SSH tunnel and closes it', async () => {
    const r = await cli.run(['gateway', 'probe', '--ssh', `tester@127.0.0.1:${ssh.port}`, '--ssh-identity', ssh.clientKeyPath, '--ssh-known-hosts', knownHosts]);
    expect(r.stdout).toMatch(/SSH tunnel tester@127\.0\.0\.1:\d+ ws:\/\/127\.0\.0\.1:\d+\n {2}Connect: ok \(\d+ms\) · RPC: ok\n/);
    expect(r.stdout).toMatch(/Remote \(config\) ws:\/\/127\.0\.0\.1:\d+\n {2}Connect: ok/);
    expect(r.code).toBe(0);
    expect(ssh.logins).toContain('tester');
  });

  it('reports an SSH failure as a warning line', async () => {
    ssh.setAuth('refuse');
    try {
      const r = await cli.run(['gateway', 'probe', '--ssh', `tester@127.0.0.1:${ssh.port}`, '--ssh-identity', ssh.clientKeyPath, '--ssh-known-hosts', knownHosts, '--json']);
      const ssht = JSON.parse(r.stdout).targets.find((t: { kind: string }) => t.kind.startsWith('SSH tunnel'));
      expect(ssht).toMatchObject({ ok: false, warning: expect.stringMatching(/^SSH tunnel failed: /) });
    } finally {
      ssh.setAuth('ok');
    }
  });
});
