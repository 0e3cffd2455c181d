import { createHash, createPublicKey, verify } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createWebCryptoDeviceIdentity } from '../../src/client/browser-device-identity';
import { base64UrlDecode, base64UrlEncode, buildDeviceAuthPayload } from '../../src/client/device-auth';
import { loadOrCreateDeviceIdentity } from '../../src/client/node/device-identity';
import { DeviceTokenFile } from '../../src/client/node/device-token-file';

/** Verifies like the gateway does: raw 32-byte key → SPKI, Ed25519 over the UTF-8 payload. */
function verifyRaw(publicKeyB64Url: string, payload: string, signatureB64Url: string): boolean {
  const spki = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), Buffer.from(base64UrlDecode(publicKeyB64Url))]);
  const key = createPublicKey({ key: spki, format: 'der', type: 'spki' });
  return verify(null, Buffer.from(payload, 'utf8'), key, Buffer.from(base64UrlDecode(signatureB64Url)));
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'clawdbot-identity-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('node device identity', () => {
  it('creates device.json (0600) in the reference format and reloads the same identity', () => {
    const a = loadOrCreateDeviceIdentity(dir, () => 1234);
    const file = JSON.parse(readFileSync(join(dir, 'device.json'), 'utf8'));
    expect(file).toEqual({ version: 1, deviceId: a.deviceId, publicKeyPem: a.publicKeyPem, privateKeyPem: expect.stringContaining('PRIVATE KEY'), createdAtMs: 1234 });
    expect(statSync(join(dir, 'device.json')).mode & 0o777).toBe(0o600);
    expect(a.publicKey).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(a.deviceId).toBe(createHash('sha256').update(base64UrlDecode(a.publicKey)).digest('hex'));
    expect(loadOrCreateDeviceIdentity(dir).deviceId).toBe(a.deviceId);
  });

  it('signs the v2 payload so that the gateway-side check passes', async () => {
    const id = loadOrCreateDeviceIdentity(dir);
    const payload = buildDeviceAuthPayload({ deviceId: id.deviceId, clientId: 'cli', clientMode: 'cli', role: 'operator', scopes: ['operator.admin', 'operator.pairing'], signedAtMs: 42, token: 'tok', nonce: 'n-1' });
    expect(payload).toBe(`v2|${id.deviceId}|cli|cli|operator|operator.admin,operator.pairing|42|tok|n-1`);
    const sig = await id.sign(payload);
    expect(verifyRaw(id.publicKey, payload, sig)).toBe(true);
    expect(verifyRaw(id.publicKey, payload.replace('|42|', '|43|'), sig)).toBe(false);
  });

  it('replaces an unusable device.json with a fresh key', () => {
    writeFileSync(join(dir, 'device.json'), '{"version":1,"publicKeyPem":"nope","privateKeyPem":"nope"}');
    const id = loadOrCreateDeviceIdentity(dir);
    expect(JSON.parse(readFileSync(join(dir, 'device.json'), 'utf8')).deviceId).toBe(id.deviceId);
  });
});

describe('device-auth.json', () => {
  it('stores, loads and clears tokens per role, ignoring another keypair\'s tokens', () => {
    const store = new DeviceTokenFile(dir);
    expect(store.load('dev-a', 'operator')).toBeUndefined();
    store.save('dev-a', { token: 't1', role: 'operator', scopes: ['operator.admin'], updatedAtMs: 5 });
    expect(JSON.parse(readFileSync(store.path, 'utf8'))).toEqual({ version: 1, deviceId: 'dev-a', tokens: { operator: { token: 't1', role: 'operator', scopes: ['operator.admin'], updatedAtMs: 5 } } });
    expect(statSync(store.path).mode & 0o777).toBe(0o600);
    expect(store.load('dev-a', 'operator')?.token).toBe('t1');
    expect(store.load('dev-b', 'operator')).toBeUndefined();
    store.clear('dev-a', 'operator');
    expect(store.load('dev-a', 'operator')).toBeUndefined();
  });

  it('treats a damaged file as empty', () => {
    writeFileSync(join(dir, 'device-auth.json'), '{oops');
    expect(new DeviceTokenFile(dir).load('dev-a', 'operator')).toBeUndefined();
  });
});

describe('WebCrypto device identity', () => {
  it('derives the id from the raw key and signs verifiably', async () => {
    const id = await createWebCryptoDeviceIdentity();
    expect(id.publicKey).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(id.deviceId).toBe(createHash('sha256').update(base64UrlDecode(id.publicKey)).digest('hex'));
    const payload = buildDeviceAuthPayload({ deviceId: id.deviceId, clientId: 'gateway-client', clientMode: 'ui', role: 'operator', scopes: [], signedAtMs: 1, nonce: 'x' });
    expect(verifyRaw(id.publicKey, payload, await id.sign(payload))).toBe(true);
  });
});

describe('base64url', () => {
  it('round-trips without padding', () => {
    for (const n of [0, 1, 2, 3, 31, 32, 64]) {
      const bytes = Uint8Array.from({ length: n }, (_v, i) => (i * 37) & 0xff);
      const text = base64UrlEncode(bytes);
      expect(text).not.toMatch(/[=+/]/);
      expect([...base64UrlDecode(text)]).toEqual([...bytes]);
    }
  });
});
