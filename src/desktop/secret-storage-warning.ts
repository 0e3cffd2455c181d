// The warning shown while secrets are kept in plain text. The SecretStore says where and what to do
// about it, because the advice differs: the Electron app on Linux without a keyring can get one, while
// the browser twin keeps its 0600 file by design.

import type { SecretStorageDescription } from './ports';

export function secretStorageWarning(storage: SecretStorageDescription): string | null {
  if (storage.encrypted) return null;
  const stored = `Secrets (the gateway token or password, the key passphrase) are stored unencrypted ${storage.where}.`;
  return storage.advice ? `${stored} ${storage.advice}` : stored;
}
