// A test device identity: an Ed25519 keypair, its id and the signed `device` block of ConnectParams.

import { createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { buildDeviceAuthPayload } from '../../../src/shared/protocol/device-auth';

export interface TestDevice {
  id: string;
  publicKey: string;
  privateKey: KeyObject;
}

const b64url = (b: Buffer): string => b.toString('base64').replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

export function makeDevice(): TestDevice {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(12);
  return { id: createHash('sha256').update(raw).digest('hex'), publicKey: b64url(raw), privateKey };
}

export interface SignInput {
  clientId: string;
  clientMode: string;
  role?: string;
  scopes?: string[];
  token?: string;
  nonce?: string;
  signedAt?: number;
}

export function signPayload(device: TestDevice, payload: string): string {
  return b64url(sign(null, Buffer.from(payload, 'utf8'), device.privateKey));
}

/** The `device` block: v2 when a nonce is given, else v1. */
export function deviceBlock(device: TestDevice, input: SignInput): Record<string, unknown> {
  const signedAt = input.signedAt ?? Date.now();
  const payload = buildDeviceAuthPayload({
    deviceId: device.id,
    clientId: input.clientId,
    clientMode: input.clientMode,
    role: input.role ?? 'operator',
    scopes: input.scopes ?? [],
    signedAtMs: signedAt,
    token: input.token ?? null,
    nonce: input.nonce ?? null,
  });
  return {
    id: device.id,
    publicKey: device.publicKey,
    signature: signPayload(device, payload),
    signedAt,
    ...(input.nonce ? { nonce: input.nonce } : {}),
  };
}
