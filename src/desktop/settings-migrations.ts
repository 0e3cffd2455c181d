// Versioned migrations of the stored settings. Each step takes the store from version N-1 to N; the
// store records the version it reached, so a migration runs once. Version 0 is the unversioned, flat
// shape of the first previews (see test/desktop/settings-store.test.ts), which kept the gateway token
// in the plain settings file: step 1 moves it into the secret store.

import { DEFAULT_SETTINGS, SETTINGS_VERSION } from '../shared/settings';
import type { KeyValueStore, SecretStore } from './ports';
import { SECRET_NAMES, STORE_KEYS, type StoredSettings } from './settings-schema';

type Migration = (store: KeyValueStore, secrets: SecretStore) => void;

/** The keys of the version 0 shape. */
const V0_KEYS = ['mode', 'port', 'sshTarget', 'sshIdentity', 'remotePort', 'gatewayToken'] as const;

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function port(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 65535 ? v : undefined;
}

const MIGRATIONS: Record<number, Migration> = {
  1: (store, secrets) => {
    const mode = str(store.get('mode'));
    const token = str(store.get('gatewayToken'));
    const next: StoredSettings = {
      mode: mode === 'local' || mode === 'remote' ? mode : 'unconfigured',
      localPort: port(store.get('port')) ?? DEFAULT_SETTINGS.localPort,
      remote: {
        ...DEFAULT_SETTINGS.remote,
        target: str(store.get('sshTarget'))?.trim() ?? '',
        identityFile: str(store.get('sshIdentity'))?.trim() ?? '',
        remotePort: port(store.get('remotePort')) ?? DEFAULT_SETTINGS.remote.remotePort,
      },
      startAtLogin: DEFAULT_SETTINGS.startAtLogin,
      theme: DEFAULT_SETTINGS.theme,
    };
    if (token) secrets.set(SECRET_NAMES.gatewayToken, token);
    store.set(STORE_KEYS.settings, next);
    for (const key of V0_KEYS) store.delete(key);
  },
};

export function storedVersion(store: KeyValueStore): number {
  const v = store.get(STORE_KEYS.version);
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : 0;
}

/**
 * Brings the store up to SETTINGS_VERSION. A store written by a newer app is left alone (returns a
 * warning) rather than downgraded, so going back to an older build never loses settings.
 */
export function migrateSettings(store: KeyValueStore, secrets: SecretStore): string | null {
  let version = storedVersion(store);
  if (version > SETTINGS_VERSION) {
    return `The settings were written by a newer version (settings v${version}); they are read as far as this version understands them.`;
  }
  while (version < SETTINGS_VERSION) {
    const step = MIGRATIONS[version + 1];
    if (!step) throw new Error(`no settings migration to version ${version + 1}`);
    step(store, secrets);
    version += 1;
    store.set(STORE_KEYS.version, version);
  }
  return null;
}
