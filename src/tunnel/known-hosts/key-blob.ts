// Facts about an SSH public key in wire format (the blob ssh2 hands to hostVerifier).
import { createHash } from 'node:crypto';

/** `SHA256:` + unpadded base64 of the blob's SHA-256, exactly what `ssh-keygen -lf` prints. */
export function fingerprint(keyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}

/** The key type named inside the blob (its first SSH string), e.g. `ssh-ed25519`; undefined if malformed. */
export function keyTypeOf(keyBlob: Buffer): string | undefined {
  if (keyBlob.length < 4) return undefined;
  const length = keyBlob.readUInt32BE(0);
  if (length === 0 || length > 64 || 4 + length > keyBlob.length) return undefined;
  const type = keyBlob.subarray(4, 4 + length).toString('latin1');
  return /^[\x21-\x7e]+$/.test(type) ? type : undefined;
}
