// The app's settings over the KeyValueStore port, secrets over the SecretStore port. The UI sees
// Settings (secrets reduced to has* flags); the core reads secrets through `secret()`.

import { DEFAULT_SETTINGS, SETTINGS_VERSION, parseSettingsPatch, type Settings, type SettingsPatch } from '../shared/settings';
import type { KeyValueStore, SecretStore } from './ports';
import { migrateSettings } from './settings-migrations';
import { SECRET_NAMES, STORE_KEYS, type StoredSettings } from './settings-schema';

export type SecretName = keyof typeof SECRET_NAMES;

export class SettingsStore {
  private current: StoredSettings;
  readonly warnings: string[] = [];

  constructor(
    private readonly store: KeyValueStore,
    private readonly secrets: SecretStore,
  ) {
    const migrationWarning = migrateSettings(store, secrets);
    if (migrationWarning) this.warnings.push(migrationWarning);
    this.current = this.readStored();
  }

  get(): Settings {
    return {
      ...structuredClone(this.current),
      version: SETTINGS_VERSION,
      hasGatewayToken: Boolean(this.secret('gatewayToken')),
      hasGatewayPassword: Boolean(this.secret('gatewayPassword')),
      hasKeyPassphrase: Boolean(this.secret('keyPassphrase')),
    };
  }

  secret(name: SecretName): string | null {
    return this.secrets.get(SECRET_NAMES[name]) || null;
  }

  setSecret(name: SecretName, value: string | null): void {
    this.secrets.set(SECRET_NAMES[name], value && value.length > 0 ? value : null);
  }

  /** Applies a validated patch and persists it. */
  apply(patch: SettingsPatch): Settings {
    const { gatewayToken, gatewayPassword, keyPassphrase, remote, ...plain } = patch;
    const next: StoredSettings = {
      ...this.current,
      ...plain,
      remote: { ...this.current.remote, ...remote },
    };
    if (gatewayToken !== undefined) this.setSecret('gatewayToken', gatewayToken);
    if (gatewayPassword !== undefined) this.setSecret('gatewayPassword', gatewayPassword);
    if (keyPassphrase !== undefined) this.setSecret('keyPassphrase', keyPassphrase);
    this.current = next;
    this.store.set(STORE_KEYS.settings, next);
    return this.get();
  }

  /** Reads what is stored, falling back to the defaults for anything a hand edit broke. */
  private readStored(): StoredSettings {
    const defaults: StoredSettings = { ...structuredClone(DEFAULT_SETTINGS) };
    delete (defaults as Partial<Settings>).version;
    delete (defaults as Partial<Settings>).hasGatewayToken;
    delete (defaults as Partial<Settings>).hasGatewayPassword;
    delete (defaults as Partial<Settings>).hasKeyPassphrase;
    const raw = this.store.get(STORE_KEYS.settings);
    if (raw === undefined) return defaults;
    try {
      const patch = parseSettingsPatch(raw);
      if (patch.gatewayToken !== undefined || patch.gatewayPassword !== undefined || patch.keyPassphrase !== undefined) throw new Error('secrets do not belong in the settings file');
      const { remote, ...plain } = patch;
      return { ...defaults, ...plain, remote: { ...defaults.remote, ...remote } } as StoredSettings;
    } catch (err) {
      this.warnings.push(`The settings file ${this.store.path} has an invalid entry (${err instanceof Error ? err.message : String(err)}); defaults are used until you save.`);
      return defaults;
    }
  }
}
