// known_hosts as OpenSSH reads and writes it, and the ssh2 hostVerifier built on it.
export { fingerprint, keyTypeOf } from './key-blob';
export { checkHostKey, knownHostKeyAlgorithms } from './check-host-key';
export { addHostKey, replaceHostKey, type WriteOptions } from './known-hosts-writer';
export { createHostVerifier, type HostKeyReport, type HostVerifier, type HostVerifierOptions } from './host-verifier';
export { hostKeyName, hostKeyQuery, hashHostName } from './host-names';
