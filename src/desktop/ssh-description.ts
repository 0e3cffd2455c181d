// The resolved SSH settings as the diagnostics bundle shows them: every hop's user, host, port, keys,
// known_hosts files and policy. Paths and names only, never key material or secrets.

import type { ResolvedTarget, SshHop } from '../tunnel/types';

function describeHop(h: SshHop): Record<string, unknown> {
  return {
    alias: h.alias, user: h.user, hostName: h.hostName, port: h.port, identityFiles: h.identityFiles, identitiesOnly: h.identitiesOnly,
    knownHostsFiles: h.userKnownHostsFiles, strictHostKeyChecking: h.strictHostKeyChecking, keepaliveMs: h.serverAliveIntervalMs,
  };
}

export function describeResolvedTarget(t: ResolvedTarget): Record<string, unknown> {
  return { ...describeHop(t), source: t.source, jumps: t.jumps.map(describeHop) };
}
