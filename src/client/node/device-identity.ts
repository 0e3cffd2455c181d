// The CLI's device identity (spec §7.1, §7.5): an Ed25519 keypair in <dir>/device.json
// ({version:1, deviceId, publicKeyPem, privateKeyPem, createdAtMs}, mode 0600), made on first use.
// Same file format as the reference CLI, so an existing ~/.clawdbot/identity keeps its pairing.

import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { join } from 'node:path';
import { base64UrlEncode, type DeviceIdentity } from '../device-auth';
import { readJsonObject, writePrivateJson } from './atomic-file';

/** DER SPKI of an Ed25519 key = this 12-byte prefix + the raw 32-byte key. */
const ED25519_SPKI_PREFIX_LENGTH = 12;

export interface NodeDeviceIdentity extends DeviceIdentity {
  readonly publicKeyPem: string;
}

function rawPublicKey(publicKey: KeyObject): Buffer {
  return publicKey.export({ type: 'spki', format: 'der' }).subarray(ED25519_SPKI_PREFIX_LENGTH);
}

function deviceIdFromRawKey(raw: Uint8Array): string {
  return createHash('sha256').update(raw).digest('hex');
}

function fromKeys(publicKeyPem: string, privateKeyPem: string): NodeDeviceIdentity {
  const privateKey = createPrivateKey(privateKeyPem);
  const raw = rawPublicKey(createPublicKey(publicKeyPem));
  return {
    deviceId: deviceIdFromRawKey(raw),
    publicKey: base64UrlEncode(raw),
    publicKeyPem,
    sign: async (payload) => base64UrlEncode(sign(null, Buffer.from(payload, 'utf8'), privateKey)),
  };
}

/** Loads <dir>/device.json, or creates it (also when it is unreadable: a keypair is cheap to re-pair on loopback). */
export function loadOrCreateDeviceIdentity(dir: string, now: () => number = Date.now): NodeDeviceIdentity {
  const path = join(dir, 'device.json');
  const stored = readJsonObject(path);
  if (stored && typeof stored.publicKeyPem === 'string' && typeof stored.privateKeyPem === 'string') {
    try {
      const identity = fromKeys(stored.publicKeyPem, stored.privateKeyPem);
      // The id is derived from the key; repair a file whose stored id drifted.
      if (stored.deviceId !== identity.deviceId) writePrivateJson(path, { ...stored, deviceId: identity.deviceId });
      return identity;
    } catch {
      // Not a usable key: fall through and make a new one.
    }
  }
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const privateKeyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const identity = fromKeys(publicKeyPem, privateKeyPem);
  writePrivateJson(path, { version: 1, deviceId: identity.deviceId, publicKeyPem, privateKeyPem, createdAtMs: now() });
  return identity;
}
