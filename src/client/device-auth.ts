// Device identity as the gateway sees it (spec §7): the signer and token-store seams and the
// base64url helpers. Runtime-neutral; the Node and WebCrypto implementations plug in.

export interface DeviceIdentity {
  /** Lowercase hex SHA-256 of the raw 32-byte Ed25519 public key. */
  readonly deviceId: string;
  /** Raw public key, base64url without padding (43 characters). */
  readonly publicKey: string;
  /** Ed25519 signature of the UTF-8 payload, base64url without padding. */
  sign(payload: string): Promise<string>;
}

export interface StoredDeviceToken {
  token: string;
  role: string;
  scopes: string[];
  updatedAtMs: number;
}

/** Where device tokens from `hello-ok.auth` are kept between connects (the CLI: device-auth.json). */
export interface DeviceTokenStore {
  load(deviceId: string, role: string): StoredDeviceToken | undefined | Promise<StoredDeviceToken | undefined>;
  save(deviceId: string, entry: StoredDeviceToken): void | Promise<void>;
  clear(deviceId: string, role: string): void | Promise<void>;
}

/** The signed string (spec §7.2) is built by the same code the gateway verifies with. */
export { buildDeviceAuthPayload, type DeviceAuthPayloadInput } from '../shared/protocol/device-auth';

export function base64UrlEncode(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function base64UrlDecode(text: string): Uint8Array {
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/');
  const binary = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

export function toHex(bytes: Uint8Array): string {
  let hex = '';
  for (const b of bytes) hex += b.toString(16).padStart(2, '0');
  return hex;
}
