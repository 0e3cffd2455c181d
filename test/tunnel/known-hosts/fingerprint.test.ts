// SHA256 fingerprints and key types from key blobs, against `ssh-keygen -lf`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fingerprint, keyTypeOf } from '../../../src/tunnel/known-hosts';
import { hasSshKeygen, makeKey, sshKeygen, tempDir } from './test-keys';

let tmp: ReturnType<typeof tempDir>;
beforeAll(() => {
  tmp = tempDir();
});
afterAll(() => tmp.remove());

describe.skipIf(!hasSshKeygen)('fingerprint', () => {
  it.each(['ed25519', 'ecdsa', 'rsa'] as const)('equals ssh-keygen -lf for %s keys', (type) => {
    const key = makeKey(tmp.dir, `fp_${type}`, type);
    const printed = sshKeygen(['-lf', key.pubPath]).stdout.split(' ')[1];
    expect(fingerprint(key.blob)).toBe(printed);
    expect(keyTypeOf(key.blob)).toBe(key.type);
  });
});

describe('keyTypeOf', () => {
  it('returns undefined for blobs that are not SSH keys', () => {
    expect(keyTypeOf(Buffer.alloc(0))).toBeUndefined();
    expect(keyTypeOf(Buffer.from([0, 0, 0, 200, 1, 2]))).toBeUndefined();
    expect(keyTypeOf(Buffer.from([0, 0, 0, 2, 0, 10]))).toBeUndefined();
  });
});
