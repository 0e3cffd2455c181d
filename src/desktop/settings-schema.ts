// How settings sit in the key-value store and the secret store (the names and places both shells share).

import { join } from 'node:path';
import type { Settings } from '../shared/settings';

/** The app's own folder inside the Clawdbot state dir (settings, secrets, logs). */
export function desktopDir(stateDir: string): string {
  return join(stateDir, 'desktop');
}

/** The app's log file (rotated to `.1`), read back by `clawdbot diagnostics`. */
export function desktopLogFile(stateDir: string): string {
  return join(desktopDir(stateDir), 'logs', 'desktop.log');
}

/** The settings file's name in desktopDir (conf's configName, electron-store's name). */
export const SETTINGS_FILE_NAME = 'desktop-settings';

/** Settings as stored: the UI's Settings minus the version and the derived has* flags. */
export type StoredSettings = Omit<Settings, 'version' | 'hasGatewayToken' | 'hasGatewayPassword' | 'hasKeyPassphrase'>;

/** Electron's safeStorage-encrypted secrets, in an electron-store file next to the settings. */
export const ENCRYPTED_SECRETS_FILE_NAME = 'secrets-safestorage';

export const STORE_KEYS = {
  version: 'settingsVersion',
  settings: 'settings',
  /** What the app last saw of the Clawdbot config file (config-watcher.ts): its hash and non-secret values. */
  configFileSeen: 'configFileSeen',
} as const;

export const SECRET_NAMES = {
  /** The remote gateway's token (also written to gateway.remote.token for the CLI). */
  gatewayToken: 'gateway.token',
  gatewayPassword: 'gateway.password',
  /** The passphrase of the encrypted identity file in remote.identityFile. */
  keyPassphrase: 'ssh.keyPassphrase',
} as const;
