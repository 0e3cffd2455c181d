// The Settings view edits strings; this turns saved Settings into that form and the form back into a
// SettingsPatch, so the view stays a plain rendering of the store.
import type { Mode } from '../../shared/desktop-api';
import type { Settings, SettingsPatch, Theme } from '../../shared/settings';

export interface SettingsForm {
  mode: Mode;
  gatewayPort: string;
  target: string;
  identityFile: string;
  knownHostsFile: string;
  remotePort: string;
  localPort: string;
  /** Empty means "keep the saved one": the renderer never learns the saved secret. */
  gatewayToken: string;
  gatewayPassword: string;
  /** Sent untrimmed: spaces are part of a passphrase. */
  keyPassphrase: string;
  theme: Theme;
}

export function formFromSettings(s: Settings): SettingsForm {
  return {
    mode: s.mode,
    gatewayPort: String(s.localPort),
    target: s.remote.target,
    identityFile: s.remote.identityFile,
    knownHostsFile: s.remote.knownHostsFile,
    remotePort: String(s.remote.remotePort),
    localPort: s.remote.localPort === null ? '' : String(s.remote.localPort),
    gatewayToken: '',
    gatewayPassword: '',
    keyPassphrase: '',
    theme: s.theme,
  };
}

export type FormResult = { ok: true; patch: SettingsPatch } | { ok: false; field: string; message: string };

function parsePort(label: string, text: string): number | string {
  const n = Number(text.trim());
  if (!/^\d+$/.test(text.trim()) || n < 1 || n > 65535) return `${label} must be a number from 1 to 65535.`;
  return n;
}

/** The patch to save: only what the form changed, so values the user never touched are left alone. */
export function patchFromForm(form: SettingsForm, saved: Settings): FormResult {
  const gatewayPort = parsePort('Gateway port', form.gatewayPort);
  if (typeof gatewayPort === 'string') return { ok: false, field: 'gatewayPort', message: gatewayPort };
  const remotePort = parsePort('Remote gateway port', form.remotePort);
  if (typeof remotePort === 'string') return { ok: false, field: 'remotePort', message: remotePort };
  let localPort: number | null = null;
  if (form.localPort.trim() !== '') {
    const parsed = parsePort('Local port', form.localPort);
    if (typeof parsed === 'string') return { ok: false, field: 'localPort', message: parsed };
    localPort = parsed;
  }
  const target = form.target.trim();
  if (/\s/.test(target)) return { ok: false, field: 'target', message: 'SSH target must be an alias or user@host[:port], without spaces.' };
  if (form.mode === 'remote' && target === '') return { ok: false, field: 'target', message: 'Enter an SSH target to run Clawdbot remotely.' };

  const patch: SettingsPatch = {};
  if (form.mode !== saved.mode) patch.mode = form.mode;
  if (gatewayPort !== saved.localPort) patch.localPort = gatewayPort;
  if (form.theme !== saved.theme) patch.theme = form.theme;
  const remote: Partial<Settings['remote']> = {};
  if (target !== saved.remote.target) remote.target = target;
  if (form.identityFile.trim() !== saved.remote.identityFile) remote.identityFile = form.identityFile.trim();
  if (form.knownHostsFile.trim() !== saved.remote.knownHostsFile) remote.knownHostsFile = form.knownHostsFile.trim();
  if (remotePort !== saved.remote.remotePort) remote.remotePort = remotePort;
  if (localPort !== saved.remote.localPort) remote.localPort = localPort;
  if (Object.keys(remote).length > 0) patch.remote = remote;
  if (form.gatewayToken.trim()) patch.gatewayToken = form.gatewayToken.trim();
  if (form.gatewayPassword.trim()) patch.gatewayPassword = form.gatewayPassword.trim();
  if (form.keyPassphrase !== '') patch.keyPassphrase = form.keyPassphrase;
  return { ok: true, patch };
}

/** After a save the secrets typed into the form are forgotten: the renderer never keeps one. */
export function withoutSecrets(form: SettingsForm): SettingsForm {
  return { ...form, gatewayToken: '', gatewayPassword: '', keyPassphrase: '' };
}
