// Device identity checks (spec §7.1–§7.3): Ed25519 keys as raw base64url (or PEM), device id =
// sha256(raw key) in hex, signatures in base64url or base64 over the v1/v2 payload.

import { createHash, createPublicKey, verify, type KeyObject } from 'node:crypto';
import type { ConnectParams } from '../../shared/protocol/frames';
import { buildDeviceAuthPayload } from '../../shared/protocol/device-auth';

/** SPKI DER prefix of an Ed25519 public key; the 32 raw bytes follow. */
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
export const MAX_SIGNATURE_SKEW_MS = 10 * 60 * 1000;

export interface DecodedKey {
  key: KeyObject;
  raw: Buffer;
}

function fromBase64Any(text: string): Buffer | null {
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(text)) return null;
  return Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
}

export function decodePublicKey(publicKey: string): DecodedKey | null {
  try {
    if (publicKey.includes('BEGIN PUBLIC KEY')) {
      const key = createPublicKey(publicKey);
      if (key.asymmetricKeyType !== 'ed25519') return null;
      const der = key.export({ format: 'der', type: 'spki' });
      return { key, raw: der.subarray(ED25519_SPKI_PREFIX.length) };
    }
    const raw = fromBase64Any(publicKey);
    if (!raw || raw.length !== 32) return null;
    const key = createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
    return { key, raw };
  } catch {
    return null;
  }
}

export function base64Url(buf: Buffer): string {
  return buf.toString('base64').replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function deviceIdFromRawKey(raw: Buffer): string {
  return createHash('sha256').update(raw).digest('hex');
}

export type DeviceCheckFailure =
  | 'device identity mismatch'
  | 'device signature expired'
  | 'device nonce required'
  | 'device nonce mismatch'
  | 'device signature invalid';

export type DeviceCheck = { ok: true; publicKey: string } | { ok: false; message: DeviceCheckFailure };

/** The §7.3 checks, in order. `publicKey` is the normalized raw base64url key. */
export function checkDevice(
  params: ConnectParams,
  role: string,
  ctx: { challengeNonce: string; isLocal: boolean; now: number },
): DeviceCheck {
  const device = params.device;
  if (!device) throw new Error('checkDevice needs a device');
  const decoded = decodePublicKey(device.publicKey);
  if (!decoded || deviceIdFromRawKey(decoded.raw) !== device.id) return { ok: false, message: 'device identity mismatch' };
  if (Math.abs(ctx.now - device.signedAt) > MAX_SIGNATURE_SKEW_MS) return { ok: false, message: 'device signature expired' };
  if (!device.nonce && !ctx.isLocal) return { ok: false, message: 'device nonce required' };
  if (device.nonce && device.nonce !== ctx.challengeNonce) return { ok: false, message: 'device nonce mismatch' };
  const payload = buildDeviceAuthPayload({
    deviceId: device.id,
    clientId: params.client.id,
    clientMode: params.client.mode,
    role,
    scopes: params.scopes ?? [],
    signedAtMs: device.signedAt,
    token: params.auth?.token ?? null,
    nonce: device.nonce ?? null,
  });
  const signature = fromBase64Any(device.signature);
  let valid = false;
  try {
    valid = signature !== null && signature.length === 64 && verify(null, Buffer.from(payload, 'utf8'), decoded.key, signature);
  } catch {
    valid = false;
  }
  if (!valid) return { ok: false, message: 'device signature invalid' };
  return { ok: true, publicKey: base64Url(decoded.raw) };
}
