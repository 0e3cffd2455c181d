// The KeyValueStore port over electron-store: the very file the browser twin opens with conf
// (<state dir>/desktop/desktop-settings.json, flat keys), so the app and the twin share settings.
// The encrypted secrets sit next to it in their own file.

import ElectronStore from 'electron-store';
import type { KeyValueStore } from '../desktop/ports';
import { ENCRYPTED_SECRETS_FILE_NAME, SETTINGS_FILE_NAME, desktopDir } from '../desktop/settings-schema';
import type { BlobStore } from './secret-store';

function openStore(stateDir: string, name: string): ElectronStore<Record<string, unknown>> {
  return new ElectronStore<Record<string, unknown>>({
    cwd: desktopDir(stateDir),
    name,
    configFileMode: 0o600,
    // Keys are flat names; dots inside them ("gateway.token") are not paths.
    accessPropertiesByDotNotation: false,
  });
}

export function createElectronKeyValueStore(stateDir: string): KeyValueStore {
  const store = openStore(stateDir, SETTINGS_FILE_NAME);
  return {
    get: (key) => store.get(key),
    set: (key, value) => store.set(key, value),
    delete: (key) => store.delete(key),
    path: store.path,
  };
}

export function createEncryptedBlobStore(stateDir: string): BlobStore {
  const store = openStore(stateDir, ENCRYPTED_SECRETS_FILE_NAME);
  return {
    get: (key) => store.get(key),
    set: (key, value) => store.set(key, value),
    delete: (key) => store.delete(key),
  };
}
