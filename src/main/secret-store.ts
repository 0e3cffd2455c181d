// The SecretStore port over safeStorage: each secret is encrypted by the OS keychain (macOS Keychain,
// Windows DPAPI, libsecret/kwallet on Linux) and kept as base64 in its own small file. On Linux without
// a keyring safeStorage falls back to a fixed key ("basic_text"): still stored, but describe() says
// unencrypted, with the keyring advice, so the core warns. With no encryption at all, secrets live in
// memory for this run only: a secret is never written in the clear.

import { safeStorage } from 'electron';
import type { SecretStorageDescription, SecretStore } from '../desktop/ports';

/** Where the encrypted blobs are kept (an electron-store file in the app's folder). */
export interface BlobStore {
  get(key: string): unknown;
  set(key: string, value: unknown): void;
  delete(key: string): void;
}

const KEYRING_ADVICE = 'No OS keyring is available to this app: install and unlock one (GNOME Keyring, KWallet), then restart the app.';

function describeSafeStorage(platform: NodeJS.Platform): SecretStorageDescription {
  if (!safeStorage.isEncryptionAvailable()) return { encrypted: false, where: 'in memory only, until the app quits', advice: KEYRING_ADVICE };
  if (platform === 'linux' && safeStorage.getSelectedStorageBackend() === 'basic_text') return { encrypted: false, where: 'on this machine', advice: KEYRING_ADVICE };
  return { encrypted: true, where: 'in the OS keychain' };
}

export function createSafeStorageSecretStore(blobs: BlobStore, platform: NodeJS.Platform): SecretStore {
  const memory = new Map<string, string>();
  const persistent = (): boolean => safeStorage.isEncryptionAvailable();

  return {
    get(name) {
      if (!persistent()) return memory.get(name) ?? null;
      const blob = blobs.get(name);
      if (typeof blob !== 'string') return null;
      try {
        return safeStorage.decryptString(Buffer.from(blob, 'base64'));
      } catch {
        return null; // encrypted by another user or keychain: as good as unset
      }
    },
    set(name, value) {
      if (!persistent()) {
        if (value === null) memory.delete(name);
        else memory.set(name, value);
        return;
      }
      if (value === null) blobs.delete(name);
      else blobs.set(name, safeStorage.encryptString(value).toString('base64'));
    },
    describe: () => describeSafeStorage(platform),
  };
}
