// The host key check itself: revoked beats known, known beats changed, anything else is unknown.
import type { HostKeyQuery, HostKeyVerdict } from '../types';
import { hostFieldMatches, hostKeyName } from './host-names';
import { fingerprint, keyTypeOf } from './key-blob';
import { readKnownHostsEntries, type NumberedEntry } from './known-hosts-reader';

export function checkHostKey(files: string[], query: HostKeyQuery, keyBlob: Buffer): HostKeyVerdict {
  const keyType = keyTypeOf(keyBlob) ?? 'unknown';
  const print = fingerprint(keyBlob);
  const entries = entriesFor(files, query);
  const revoked = entries.find((e) => e.marker === 'revoked' && e.keyBlob.equals(keyBlob));
  if (revoked) return { status: 'revoked', fingerprint: print, keyType, file: revoked.file, line: revoked.line };
  const sameType = entries.filter((e) => e.marker === undefined && e.keyType === keyType);
  if (sameType.some((e) => e.keyBlob.equals(keyBlob))) return { status: 'known', fingerprint: print, keyType };
  const [first] = sameType;
  if (first) {
    const knownFingerprints = [...new Set(sameType.map((e) => fingerprint(e.keyBlob)))];
    return { status: 'changed', fingerprint: print, keyType, knownFingerprints, file: first.file, line: first.line };
  }
  return { status: 'unknown', fingerprint: print, keyType };
}

/**
 * ssh2 host key algorithms for the key types already known for the host, to be preferred when
 * negotiating (as OpenSSH does); otherwise a server that also has another key type looks "unknown".
 */
export function knownHostKeyAlgorithms(files: string[], query: HostKeyQuery): string[] {
  const types = entriesFor(files, query).filter((e) => e.marker === undefined).map((e) => e.keyType);
  return [...new Set(types.flatMap((t) => (t === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] : [t])))];
}

function entriesFor(files: string[], query: HostKeyQuery): NumberedEntry[] {
  const name = hostKeyName(query);
  return files.flatMap(readKnownHostsEntries).filter((e) => e.marker !== 'cert-authority' && hostFieldMatches(e.hosts, name));
}
