// One known_hosts line: `[@marker] hosts keytype base64 [comment]`. Anything else (comments, blanks,
// old RSA1 lines, bad base64, a type that contradicts the blob) is not an entry and is skipped.
import { keyTypeOf } from './key-blob';

export interface KnownHostsEntry {
  marker?: 'revoked' | 'cert-authority';
  hosts: string;
  keyType: string;
  keyBlob: Buffer;
}

export function parseKnownHostsLine(text: string): KnownHostsEntry | undefined {
  const fields = text.trim().split(/\s+/);
  if (fields.length === 0 || fields[0] === '' || fields[0]?.startsWith('#')) return undefined;
  let marker: KnownHostsEntry['marker'];
  if (fields[0]?.startsWith('@')) {
    if (fields[0] === '@revoked') marker = 'revoked';
    else if (fields[0] === '@cert-authority') marker = 'cert-authority';
    else return undefined;
    fields.shift();
  }
  const [hosts, keyType, base64] = fields;
  if (!hosts || !keyType || !base64 || !/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) return undefined;
  const keyBlob = Buffer.from(base64, 'base64');
  if (keyTypeOf(keyBlob) !== keyType) return undefined;
  return { ...(marker ? { marker } : {}), hosts, keyType, keyBlob };
}

/** The line OpenSSH appends for a newly trusted key. */
export function formatKnownHostsLine(hostField: string, keyType: string, keyBlob: Buffer): string {
  return `${hostField} ${keyType} ${keyBlob.toString('base64')}`;
}
