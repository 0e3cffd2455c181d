// The diagnostics bundle without the app: what `clawdbot diagnostics` prints when the window will not
// open. It reads what the app keeps under the state dir (settings, the last saved DesktopState, the log
// file) and resolves the SSH target the way the tunnel would, but starts no gateway and no tunnel and
// writes nothing.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolveConfigPath, resolveStateDir } from '../config/paths';
import { VERSION } from '../shared/version';
import { readConfigView } from './config-sync';
import { buildDiagnostics } from './diagnostics';
import { readLogTail } from './log-file';
import { createFileSecretStore } from './node-secret-store';
import type { KeyValueStore, SecretStore } from './ports';
import { Redactor } from './redactor';
import { resolveRemoteTarget } from './remote-target';
import { desktopDir, desktopLogFile, ENCRYPTED_SECRETS_FILE_NAME, SETTINGS_FILE_NAME } from './settings-schema';
import { SettingsStore } from './settings-store';
import { describeResolvedTarget } from './ssh-description';
import { readStateSnapshot, stateSnapshotPath } from './state-snapshot';
import { initialState } from './state-store';

const LOG_LINES = 100;

function readJsonObject(path: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(readFileSync(path, 'utf8'));
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** The settings file in memory: migrations of an old file run on the copy, never on the file. */
function settingsCopy(stateDir: string): KeyValueStore {
  const path = join(desktopDir(stateDir), `${SETTINGS_FILE_NAME}.json`);
  const values = new Map(Object.entries(readJsonObject(path)));
  return { get: (k) => values.get(k), set: (k, v) => void values.set(k, v), delete: (k) => void values.delete(k), path };
}

/**
 * The stored secrets, read only. The browser twin's are plain; the Electron app's are encrypted by the
 * OS keychain, which the CLI cannot open: their ciphertext stands in, enough to say that one is set.
 */
function storedSecrets(stateDir: string): SecretStore {
  const twin = createFileSecretStore(stateDir);
  const electron = readJsonObject(join(desktopDir(stateDir), `${ENCRYPTED_SECRETS_FILE_NAME}.json`));
  return {
    get: (name) => twin.get(name) ?? (typeof electron[name] === 'string' ? electron[name] : null),
    set: () => undefined,
    describe: () => ({ encrypted: false, where: `under ${stateDir}` }),
  };
}

export async function buildOfflineDiagnostics(env: Record<string, string | undefined>): Promise<string> {
  const stateDir = resolveStateDir(env);
  const configPath = resolveConfigPath(env);
  const secrets = storedSecrets(stateDir);
  const store = settingsCopy(stateDir);
  const settingsStore = new SettingsStore(store, secrets);
  const settings = settingsStore.get();

  const redactor = new Redactor();
  const view = readConfigView(configPath);
  for (const secret of [settingsStore.secret('gatewayToken'), settingsStore.secret('gatewayPassword'), settingsStore.secret('keyPassphrase'), view.remoteToken, view.remotePassword, env.CLAWDBOT_GATEWAY_TOKEN, env.CLAWDBOT_GATEWAY_PASSWORD]) redactor.add(secret);

  const notes = ['made by `clawdbot diagnostics` from what the app saved; no gateway or tunnel was started.'];
  const saved = readStateSnapshot(stateSnapshotPath(stateDir));
  if (saved) notes.push(`the state below is the app's last, saved at ${new Date(saved.savedAt).toISOString()}.`);
  else notes.push('the app has saved no state here yet; mode and settings come from the settings file.');
  const state = saved?.state ?? { ...initialState(VERSION), mode: settings.mode, statusText: 'The app is not running.' };
  state.warnings = [...state.warnings, ...settingsStore.warnings.filter((w) => !state.warnings.includes(w))];

  let ssh: Record<string, unknown> | null = null;
  if (settings.remote.target) {
    try {
      const resolved = await resolveRemoteTarget({ ...settings.remote, env });
      ssh = describeResolvedTarget(resolved);
    } catch (err) {
      ssh = { target: settings.remote.target, error: err instanceof Error ? err.message : String(err) };
    }
  }

  const logFile = desktopLogFile(stateDir);
  return buildDiagnostics(
    {
      state,
      settings,
      ssh,
      logs: readLogTail(logFile, LOG_LINES),
      paths: { stateDir, configPath, settingsFile: store.path, logFile },
      platform: `${process.platform} ${process.arch}`,
      nodeVersion: process.version,
      notes,
    },
    redactor,
  );
}
