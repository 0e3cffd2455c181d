// The seam between SSH target resolution / host-key checking and the SSH session engine.

export type StrictHostKeyChecking = 'ask' | 'accept-new' | 'yes' | 'no';

/** One SSH hop, fully resolved (what `ssh -G` would print for it). */
export interface SshHop {
  /** What the user typed for this hop (alias or host). */
  alias: string;
  hostName: string;
  port: number;
  user: string;
  identityFiles: string[];
  identitiesOnly: boolean;
  /** Agent socket path; null when `IdentityAgent none`; undefined means SSH_AUTH_SOCK. */
  identityAgent?: string | null;
  userKnownHostsFiles: string[];
  globalKnownHostsFiles: string[];
  strictHostKeyChecking: StrictHostKeyChecking;
  /** Name used for known_hosts lookups instead of hostName. */
  hostKeyAlias?: string;
  connectTimeoutMs?: number;
  serverAliveIntervalMs: number;
  serverAliveCountMax: number;
  /** HashKnownHosts: write new known_hosts lines hashed. */
  hashKnownHosts?: boolean;
}

export interface ResolvedTarget extends SshHop {
  /** ProxyJump hops, first hop first; each resolved as its own alias. */
  jumps: SshHop[];
  /** How it was resolved. */
  source: 'ssh -G' | 'ssh_config' | 'literal';
}

/** The name and port a host key is looked up under (HostKeyAlias wins over HostName). */
export interface HostKeyQuery {
  host: string;
  port: number;
}

export type HostKeyVerdict =
  | { status: 'known'; fingerprint: string; keyType: string }
  | { status: 'unknown'; fingerprint: string; keyType: string }
  | { status: 'changed'; fingerprint: string; keyType: string; knownFingerprints: string[]; file: string; line: number }
  | { status: 'revoked'; fingerprint: string; keyType: string; file: string; line: number };

/** Asked when the policy is `ask` and the host is unknown (or, to show a warning, when it changed). */
export type HostKeyPromptFn = (prompt: {
  host: string;
  port: number;
  keyType: string;
  fingerprint: string;
  kind: 'unknown' | 'changed';
  previousFingerprints?: string[];
}) => Promise<boolean>;
