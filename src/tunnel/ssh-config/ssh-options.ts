// The settings for one host as `ssh -G` prints them: both resolvers (OpenSSH itself and our own
// ssh_config reader) produce this, so tests can compare them field by field.
import type { StrictHostKeyChecking } from '../types';

export interface SshOptions {
  /** Lowercased, `%h` expanded. */
  hostName: string;
  user: string;
  port: number;
  /** As written in the config (ssh -G does not expand them); `~` and tokens are expanded later. */
  identityFiles: string[];
  identitiesOnly: boolean;
  /** An expanded path, or `none`, `SSH_AUTH_SOCK` or `$VARIABLE` verbatim. */
  identityAgent?: string;
  proxyJump?: string;
  proxyCommand?: string;
  /** Seconds; 0 means not set. */
  serverAliveInterval: number;
  serverAliveCountMax: number;
  /** Seconds; undefined when `none`. */
  connectTimeout?: number;
  /** Expanded paths. */
  userKnownHostsFiles: string[];
  globalKnownHostsFiles: string[];
  strictHostKeyChecking: StrictHostKeyChecking;
  /** Lowercased. */
  hostKeyAlias?: string;
  hashKnownHosts: boolean;
}

/** OpenSSH 9.2's default identity files, in its order (what `ssh -G` prints when none is configured). */
export const OPENSSH_DEFAULT_IDENTITY_FILES = [
  '~/.ssh/id_rsa', '~/.ssh/id_ecdsa', '~/.ssh/id_ecdsa_sk', '~/.ssh/id_ed25519', '~/.ssh/id_ed25519_sk', '~/.ssh/id_xmss', '~/.ssh/id_dsa',
];

export const DEFAULT_GLOBAL_KNOWN_HOSTS = ['/etc/ssh/ssh_known_hosts', '/etc/ssh/ssh_known_hosts2'];
export const DEFAULT_USER_KNOWN_HOSTS = ['~/.ssh/known_hosts', '~/.ssh/known_hosts2'];

export function parseStrictHostKeyChecking(value: string): StrictHostKeyChecking | undefined {
  switch (value.toLowerCase()) {
    case 'yes': case 'true': return 'yes';
    case 'no': case 'false': case 'off': return 'no';
    case 'ask': return 'ask';
    case 'accept-new': return 'accept-new';
    default: return undefined;
  }
}

export function parseYesNo(value: string): boolean | undefined {
  switch (value.toLowerCase()) {
    case 'yes': case 'true': return true;
    case 'no': case 'false': return false;
    default: return undefined;
  }
}

const TIME_UNITS: Record<string, number> = { '': 1, s: 1, m: 60, h: 3600, d: 86400, w: 604800 };

/** OpenSSH's convtime: `90`, `1m30s`, `2h`... in seconds; undefined when malformed. */
export function parseTime(value: string): number | undefined {
  const parts = value.toLowerCase().match(/[0-9]+[smhdw]?/g);
  if (!parts || parts.join('') !== value.toLowerCase()) return undefined;
  let total = 0;
  for (const part of parts) {
    const unit = /[smhdw]$/.test(part) ? part.slice(-1) : '';
    total += Number(unit ? part.slice(0, -1) : part) * (TIME_UNITS[unit] ?? 1);
  }
  return Number.isSafeInteger(total) ? total : undefined;
}
