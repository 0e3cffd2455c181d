// The loopback sshd of the tunnel benchmarks, and how each client (OpenSSH, our CLI, the engine) is
// pointed at it with the same key and known_hosts.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ResolvedTarget } from '../../src/tunnel/types';
import { clientKey, startSshd, type RunningSshd } from '../../test/support/sshd';

export interface SshFixture {
  sshd: RunningSshd;
  keyPath: string;
  knownHosts: string;
  host: string;
  port: number;
  user: string;
}

export async function loopbackSshd(dir: string): Promise<SshFixture> {
  const key = clientKey(dir);
  const sshd = await startSshd({ dir: join(dir, 'sshd'), authorizedKeys: [key.publicKey] });
  const knownHosts = join(dir, 'known_hosts');
  writeFileSync(knownHosts, `${sshd.knownHostsLine()}\n`);
  return { sshd, keyPath: key.path, knownHosts, host: sshd.host, port: sshd.port, user: 'root' };
}

/** `ssh -N -L` arguments as a user would run it, strict host key checking, no agent. */
export function sshForwardArgs(f: SshFixture, localPort: number, remotePort: number, extra: string[] = []): string[] {
  return [
    '-i', f.keyPath, '-o', 'IdentitiesOnly=yes', '-o', `UserKnownHostsFile=${f.knownHosts}`, '-o', 'StrictHostKeyChecking=yes',
    '-o', 'BatchMode=yes', '-o', 'LogLevel=ERROR', '-o', 'ExitOnForwardFailure=yes', ...extra,
    '-p', String(f.port), '-N', '-L', `127.0.0.1:${localPort}:127.0.0.1:${remotePort}`, `${f.user}@${f.host}`,
  ];
}

/** `clawdbot tunnel` arguments for the same server. */
export function cliTunnelArgs(f: SshFixture, localPort: number, remotePort: number): string[] {
  return ['tunnel', `${f.user}@${f.host}:${f.port}`, '--identity', f.keyPath, '--known-hosts', f.knownHosts, '--strict-host-key-checking', 'yes', '--remote-port', String(remotePort), '--local-port', String(localPort)];
}

/** The engine's target, resolved literally (what `ssh -G` would give for the CLI arguments above). */
export function engineTarget(f: SshFixture, keepalive = { intervalMs: 5000, countMax: 3 }): ResolvedTarget {
  return {
    alias: `${f.host}:${f.port}`, hostName: f.host, port: f.port, user: f.user, identityFiles: [f.keyPath], identitiesOnly: true, identityAgent: null,
    userKnownHostsFiles: [f.knownHosts], globalKnownHostsFiles: [], strictHostKeyChecking: 'yes',
    serverAliveIntervalMs: keepalive.intervalMs, serverAliveCountMax: keepalive.countMax, jumps: [], source: 'literal',
  };
}
