import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', async () => (await import('./electron-mock')).electron);

import { secretStorageWarning } from '../../src/desktop/secret-storage-warning';
import { createSafeStorageSecretStore, type BlobStore } from '../../src/main/secret-store';
import { electron, resetElectronMock } from './electron-mock';

function blobStore(): BlobStore & { data: Map<string, unknown> } {
  const data = new Map<string, unknown>();
  return { data, get: (k) => data.get(k), set: (k, v) => void data.set(k, v), delete: (k) => void data.delete(k) };
}

beforeEach(() => resetElectronMock());

describe('safeStorage secret store', () => {
  it('keeps secrets encrypted at rest and reads them back', () => {
    const blobs = blobStore();
    const secrets = createSafeStorageSecretStore(blobs, 'darwin');
    secrets.set('gateway.token', 'tok-123');
    const stored = blobs.data.get('gateway.token');
    expect(typeof stored).toBe('string');
    expect(String(stored)).not.toContain('tok-123');
    expect(Buffer.from(String(stored), 'base64').toString()).not.toContain('tok-123');
    expect(secrets.get('gateway.token')).toBe('tok-123');
    expect(secrets.describe()).toEqual({ encrypted: true, where: 'in the OS keychain' });
    secrets.set('gateway.token', null);
    expect(blobs.data.has('gateway.token')).toBe(false);
    expect(secrets.get('gateway.token')).toBeNull();
  });

  it('treats a blob it cannot decrypt as unset', () => {
    const blobs = blobStore();
    blobs.data.set('gateway.token', Buffer.from('someone else').toString('base64'));
    expect(createSafeStorageSecretStore(blobs, 'linux').get('gateway.token')).toBeNull();
  });

  it('says "not encrypted" for Linux basic_text, with the keyring advice, but still stores', () => {
    electron.safeStorage.getSelectedStorageBackend.mockReturnValue('basic_text');
    const blobs = blobStore();
    const secrets = createSafeStorageSecretStore(blobs, 'linux');
    expect(secrets.describe()).toMatchObject({ encrypted: false, where: 'on this machine', advice: expect.stringMatching(/No OS keyring is available to this app: install and unlock one/) });
    expect(secretStorageWarning(secrets.describe())).toBe(
      'Secrets (the gateway token or password, the key passphrase) are stored unencrypted on this machine. No OS keyring is available to this app: install and unlock one (GNOME Keyring, KWallet), then restart the app.',
    );
    secrets.set('gateway.password', 'pw');
    expect(secrets.get('gateway.password')).toBe('pw');
    expect(blobs.data.size).toBe(1);
    expect(createSafeStorageSecretStore(blobs, 'darwin').describe().encrypted).toBe(true); // basic_text is Linux-only
  });

  it('without any encryption, keeps secrets in memory only, never on disk', () => {
    electron.safeStorage.isEncryptionAvailable.mockReturnValue(false);
    const blobs = blobStore();
    const secrets = createSafeStorageSecretStore(blobs, 'linux');
    expect(secrets.describe()).toMatchObject({ encrypted: false, where: 'in memory only, until the app quits', advice: expect.stringMatching(/No OS keyring/) });
    secrets.set('gateway.token', 'tok');
    expect(secrets.get('gateway.token')).toBe('tok');
    expect(blobs.data.size).toBe(0);
    expect(electron.safeStorage.encryptString).not.toHaveBeenCalled();
  });
});
