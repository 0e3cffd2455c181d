// One line for UI previews: "alice@box.example.com:22 via jump1 (key ~/.ssh/id_ed25519)".
import { existsSync } from 'node:fs';
import os from 'node:os';
import type { ResolvedTarget, SshHop } from '../types';

export function describeTarget(resolved: ResolvedTarget, home: string = os.homedir()): string {
  const via = resolved.jumps.length > 0 ? ` via ${resolved.jumps.map((j) => j.alias).join(', ')}` : '';
  return `${resolved.user}@${formatHost(resolved.hostName)}:${resolved.port}${via} (${credentials(resolved, home)})`;
}

function formatHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

/** The key that will be tried first: an existing identity file, else the agent. */
function credentials(hop: SshHop, home: string): string {
  const key = hop.identityFiles.find((file) => existsSync(file));
  if (key !== undefined) return `key ${shortenHome(key, home)}`;
  if (hop.identityAgent === null) return 'no key found';
  return 'ssh agent';
}

function shortenHome(file: string, home: string): string {
  return home && file.startsWith(`${home}/`) ? `~${file.slice(home.length)}` : file;
}
