// A device identity for browsers (WebCrypto Ed25519), for clients that want to sign their connect.
// The Control UI can do without (token auth); keys live only as long as the caller keeps them.

import { base64UrlEncode, toHex, type DeviceIdentity } from './device-auth';

export interface WebCryptoDeviceIdentity extends DeviceIdentity {
  /** The key pair, e.g. to keep in IndexedDB (the private key stays non-extractable). */
  readonly keyPair: CryptoKeyPair;
}

/** Wraps an Ed25519 key pair; the public key must be extractable as raw bytes. */
export async function deviceIdentityFromKeyPair(keyPair: CryptoKeyPair): Promise<WebCryptoDeviceIdentity> {
  const subtle = globalThis.crypto.subtle;
  const raw = new Uint8Array(await subtle.exportKey('raw', keyPair.publicKey));
  const deviceId = toHex(new Uint8Array(await subtle.digest('SHA-256', raw)));
  return {
    deviceId,
    publicKey: base64UrlEncode(raw),
    keyPair,
    sign: async (payload) => base64UrlEncode(new Uint8Array(await subtle.sign('Ed25519', keyPair.privateKey, new TextEncoder().encode(payload)))),
  };
}

/** A fresh Ed25519 identity; throws where the browser has no WebCrypto Ed25519 (then use token auth). */
export async function createWebCryptoDeviceIdentity(): Promise<WebCryptoDeviceIdentity> {
  const keyPair = (await globalThis.crypto.subtle.generateKey('Ed25519', false, ['sign', 'verify'])) as CryptoKeyPair;
  return deviceIdentityFromKeyPair(keyPair);
}
