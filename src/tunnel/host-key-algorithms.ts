// The order in which a hop asks the server for a host key type. Like OpenSSH, the types known_hosts
// already holds for the host go first: a server with an ed25519 and an ecdsa key, known here only by its
// ecdsa key, then shows that key and is "known" instead of "unknown".

import type { ServerHostKeyAlgorithm } from 'ssh2';
import { knownHostKeyAlgorithms } from './known-hosts/check-host-key';
import { hostKeyQuery } from './known-hosts/host-names';
import type { SshHop } from './types';

/** ssh2's own default order (ssh-dss is supported but not offered unless known). */
const DEFAULT_ORDER: readonly ServerHostKeyAlgorithm[] = [
  'ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521', 'rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa',
];
const SUPPORTED = new Set<string>([...DEFAULT_ORDER, 'ssh-dss']);

function isSupported(algorithm: string): algorithm is ServerHostKeyAlgorithm {
  return SUPPORTED.has(algorithm);
}

/** The host key algorithms for ssh2's algorithms.serverHostKey; undefined keeps ssh2's default. */
export function hostKeyAlgorithmsFor(hop: SshHop): ServerHostKeyAlgorithm[] | undefined {
  const files = [...hop.userKnownHostsFiles, ...hop.globalKnownHostsFiles];
  const known = knownHostKeyAlgorithms(files, hostKeyQuery(hop)).filter(isSupported);
  if (known.length === 0) return undefined;
  return [...known, ...DEFAULT_ORDER.filter((a) => !known.includes(a))];
}
