import { readFileSync, statSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { createFileSecretStore } from '../../src/desktop/node-secret-store';
import { createNodeKeyValueStore } from '../../src/desktop/node-settings-store';
import { SECRET_NAMES, STORE_KEYS } from '../../src/desktop/settings-schema';
import { SettingsStore } from '../../src/desktop/settings-store';
import { DEFAULT_SETTINGS, SETTINGS_VERSION, parseSettingsPatch } from '../../src/shared/settings';
import { tempEnv, testCore, type TempEnv } from './helpers';

let t: TempEnv;
afterEach(() => t?.cleanup());

describe('settings store', () => {
  it('migrates the unversioned v0 shape, moving the token out of the plain file', () => {
    t = tempEnv();
    const kv = createNodeKeyValueStore(t.stateDir);
    const secrets = createFileSecretStore(t.stateDir);
    // What the first previews wrote: flat keys, the token in clear, no version.
    for (const [k, v] of Object.entries({ mode: 'remote', port: 19001, sshTarget: ' alice@box ', sshIdentity: '~/.ssh/id_box', remotePort: 18800, gatewayToken: 'v0-secret-token' })) kv.set(k, v);

    const store = new SettingsStore(kv, secrets);
    const s = store.get();
    expect(s.version).toBe(SETTINGS_VERSION);
    expect(s.mode).toBe('remote');
    expect(s.localPort).toBe(19001);
    expect(s.remote).toMatchObject({ target: 'alice@box', identityFile: '~/.ssh/id_box', remotePort: 18800, hostKeyPolicy: 'ask', localPort: null });
    expect(s.hasGatewayToken).toBe(true);
    expect(s.hasKeyPassphrase).toBe(false);
    expect(Object.keys(s).sort()).toEqual(Object.keys(DEFAULT_SETTINGS).sort());
    expect(Object.keys(kv.get(STORE_KEYS.settings) as object).filter((k) => k.startsWith('has'))).toEqual([]);
    expect(store.secret('gatewayToken')).toBe('v0-secret-token');
    expect(kv.get(STORE_KEYS.version)).toBe(SETTINGS_VERSION);
    for (const old of ['mode', 'port', 'sshTarget', 'sshIdentity', 'remotePort', 'gatewayToken']) expect(kv.get(old)).toBeUndefined();
    expect(readFileSync(kv.path, 'utf8')).not.toContain('v0-secret-token');
    // A second open does not migrate again.
    expect(new SettingsStore(kv, secrets).get()).toEqual(s);
  });

  it('applies patches, keeps secrets apart and reports only whether they are set', () => {
    t = tempEnv();
    const kv = createNodeKeyValueStore(t.stateDir);
    const store = new SettingsStore(kv, createFileSecretStore(t.stateDir));
    expect(store.get()).toEqual(DEFAULT_SETTINGS);
    const s = store.apply({ mode: 'local', localPort: 20000, remote: { target: 'box' }, gatewayToken: 'tok-123456' });
    expect(s).toMatchObject({ mode: 'local', localPort: 20000, hasGatewayToken: true, remote: { target: 'box', remotePort: 18789 } });
    expect(JSON.stringify(s)).not.toContain('tok-123456');
    expect(readFileSync(kv.path, 'utf8')).not.toContain('tok-123456');
    expect(store.apply({ gatewayToken: null }).hasGatewayToken).toBe(false);
  });

  it('validates the key passphrase like the token, keeps it as typed, and stores it only as a secret', () => {
    expect(parseSettingsPatch({ keyPassphrase: '  spaces count  ' })).toEqual({ keyPassphrase: '  spaces count  ' });
    expect(parseSettingsPatch({ keyPassphrase: null })).toEqual({ keyPassphrase: null });
    expect(() => parseSettingsPatch({ keyPassphrase: 7 })).toThrow('keyPassphrase must be a string or null');
    expect(() => parseSettingsPatch({ keyPassphrase: 'two\nlines' })).toThrow('keyPassphrase must be a single line');
    t = tempEnv();
    const kv = createNodeKeyValueStore(t.stateDir);
    const secrets = createFileSecretStore(t.stateDir);
    const store = new SettingsStore(kv, secrets);
    expect(store.apply({ keyPassphrase: 'pass phrase 123' }).hasKeyPassphrase).toBe(true);
    expect(secrets.get(SECRET_NAMES.keyPassphrase)).toBe('pass phrase 123');
    expect(readFileSync(kv.path, 'utf8')).not.toContain('pass phrase 123');
    expect(store.apply({ keyPassphrase: null }).hasKeyPassphrase).toBe(false);
    // A passphrase put into the plain settings file by hand is not read from there.
    kv.set(STORE_KEYS.settings, { keyPassphrase: 'in the clear' });
    const reopened = new SettingsStore(kv, secrets);
    expect(reopened.get().hasKeyPassphrase).toBe(false);
    expect(reopened.warnings.join()).toMatch(/secrets do not belong in the settings file/);
  });

  it('falls back to defaults with a warning when the file was broken by hand', () => {
    t = tempEnv();
    const kv = createNodeKeyValueStore(t.stateDir);
    kv.set(STORE_KEYS.version, SETTINGS_VERSION);
    kv.set(STORE_KEYS.settings, { mode: 'sideways', localPort: 'x' });
    const store = new SettingsStore(kv, createFileSecretStore(t.stateDir));
    expect(store.get().mode).toBe('unconfigured');
    expect(store.warnings.join()).toMatch(/invalid entry/);
  });

  it('keeps two state dirs apart and secrets in a 0600 file flagged as unencrypted', () => {
    t = tempEnv();
    const other = tempEnv();
    try {
      const a = new SettingsStore(createNodeKeyValueStore(t.stateDir), createFileSecretStore(t.stateDir));
      const b = new SettingsStore(createNodeKeyValueStore(other.stateDir), createFileSecretStore(other.stateDir));
      a.apply({ localPort: 21000, gatewayToken: 'only-in-a' });
      expect(b.get().localPort).toBe(DEFAULT_SETTINGS.localPort);
      expect(b.get().hasGatewayToken).toBe(false);
      const secrets = createFileSecretStore(t.stateDir);
      expect(secrets.describe()).toMatchObject({ encrypted: false, where: `in ${secrets.path} (readable only by you)` });
      expect(statSync(secrets.path).mode & 0o777).toBe(0o600);
      expect(createNodeKeyValueStore(t.stateDir).path.startsWith(t.stateDir)).toBe(true);
    } finally {
      other.cleanup();
    }
  });

  it('says where the browser twin keeps its secrets, without the keyring advice meant for the desktop app', async () => {
    t = tempEnv();
    const core = testCore(t);
    const path = createFileSecretStore(t.stateDir).path;
    expect(core.getState().warnings).toContain(
      `Secrets (the gateway token or password, the key passphrase) are stored unencrypted in ${path} (readable only by you). The browser UI keeps them in this file by design; the desktop app keeps them in the OS keychain.`,
    );
    expect(core.getState().warnings.join('\n')).not.toMatch(/keyring/i);
    await core.shutdown();
  });

  it('leaves a settings file from a newer version alone', () => {
    t = tempEnv();
    const kv = createNodeKeyValueStore(t.stateDir);
    kv.set(STORE_KEYS.version, SETTINGS_VERSION + 1);
    kv.set(STORE_KEYS.settings, { mode: 'local' });
    const store = new SettingsStore(kv, createFileSecretStore(t.stateDir));
    expect(store.get().mode).toBe('local');
    expect(kv.get(STORE_KEYS.version)).toBe(SETTINGS_VERSION + 1);
    expect(store.warnings.join()).toMatch(/newer version/);
  });
});
