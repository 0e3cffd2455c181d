// The desktop brain (createDesktopCore) in remote mode against a RemoteGatewayHost. The SSH keepalive
// is shortened the way a user would do it, in ~/.ssh/config (ServerAliveInterval 1, CountMax 2), so
// that a dead link is noticed in ≈2-3 s instead of the default 15 s. `ssh -G` would read root's real
// ~/.ssh/config rather than the test's HOME, so for the tunnel PATH points where no `ssh` is and the
// engine's own ssh_config reader (the path for machines without OpenSSH) reads the test's HOME.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DesktopCore } from '../../../src/desktop/ports';
import type { RemoteEngine } from '../../../src/desktop/remote-link';
import { tunnelRemoteEngine } from '../../../src/desktop/remote-tunnel';
import type { DesktopTiming } from '../../../src/desktop/timing';
import { freePort, isHealthy, tempEnv, testCore, waitForState, type TempEnv } from '../../desktop/helpers';
import type { RemoteGatewayHost } from './remote-gateway';

const userSshConfigEngine = (home: string): RemoteEngine => ({
  ...tunnelRemoteEngine,
  create: (options, events) => tunnelRemoteEngine.create({ ...options, env: { ...options.env, HOME: home, PATH: join(home, 'no-ssh-here') } }, events),
});

export interface RemoteCore {
  core: DesktopCore;
  t: TempEnv;
  knownHosts: string;
  shutdown(): Promise<void>;
}

export async function remoteCore(remote: RemoteGatewayHost, timing: Partial<DesktopTiming> = {}): Promise<RemoteCore> {
  const t = tempEnv({ CLAWDBOT_GATEWAY_PORT: String(await freePort()) });
  mkdirSync(join(t.home, '.ssh'), { recursive: true });
  writeFileSync(join(t.home, '.ssh', 'config'), 'Host *\n  ServerAliveInterval 1\n  ServerAliveCountMax 2\n');
  const knownHosts = join(t.root, 'known_hosts');
  writeFileSync(knownHosts, `${remote.host.sshd.knownHostsLine()}\n`);
  const core = testCore(t, { remote: userSshConfigEngine(t.home), timing });
  await core.call('saveSettings', {
    remote: { target: `root@${remote.host.ip}`, identityFile: remote.key.path, knownHostsFile: knownHosts, hostKeyPolicy: 'yes', remotePort: remote.port, localPort: await freePort() },
    gatewayToken: remote.token,
  });
  await core.call('setMode', { mode: 'remote' });
  await waitForState(core, isHealthy, 'the remote gateway healthy through the tunnel', 30_000);
  return {
    core,
    t,
    knownHosts,
    shutdown: async () => {
      await core.shutdown();
      t.cleanup();
    },
  };
}
