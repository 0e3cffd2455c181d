// What the app adopts when another program changed the config file (see config-watcher.ts).
//
// The mode is followed: `clawdbot` changing gateway.mode to local or remote is an explicit choice, and
// "the CLI and the app always agree" means the app switches with it. What keeps this from becoming a
// tug of war: what the app wrote is the watcher's baseline, never news (its own content, by hash);
// only a changed value counts (a file that still says what it said is not a new choice); a key that
// disappeared is not followed (a truncated or partly rewritten file must not switch the app off or
// wipe its secrets); and a file that does not parse is never adopted. The remote token and password
// become the app's secrets, the SSH target and identity file its remote settings. gateway.remote.url
// is not taken: in the app it is always the tunnel's own local end. Changes made while the app was not
// running are adopted the same way at the next start, measured against what the app last saw of the
// file (config-watcher.ts); a first run takes the file's mode and remote settings (core.ts).

import { parseSettingsPatch, type SettingsPatch } from '../shared/settings';
import type { ConfigChange } from './config-watcher';
import type { SettingsStore } from './settings-store';

/** The settings patch that makes the app agree with the changed file (empty when it already does). */
export function patchForConfigChange(change: ConfigChange, settings: SettingsStore): SettingsPatch {
  const current = settings.get();
  const raw: Record<string, unknown> = {};
  const remote: Record<string, unknown> = {};
  if (change.mode && change.mode !== current.mode) raw.mode = change.mode;
  if (change.remoteToken && change.remoteToken !== settings.secret('gatewayToken')) raw.gatewayToken = change.remoteToken;
  if (change.remotePassword && change.remotePassword !== settings.secret('gatewayPassword')) raw.gatewayPassword = change.remotePassword;
  if (change.remoteSshTarget && change.remoteSshTarget !== current.remote.target) remote.target = change.remoteSshTarget;
  if (change.remoteSshIdentity && change.remoteSshIdentity !== current.remote.identityFile) remote.identityFile = change.remoteSshIdentity;
  if (Object.keys(remote).length > 0) raw.remote = remote;
  // The same validation as a patch from the UI: a value the app could not use throws a ValidationError.
  return parseSettingsPatch(raw);
}

/** What changed, in words for the log (never a secret's value). */
export function describeConfigPatch(patch: SettingsPatch): string {
  const parts: string[] = [];
  if (patch.mode) parts.push(`mode ${patch.mode}`);
  if (patch.gatewayToken !== undefined) parts.push('a new gateway token');
  if (patch.gatewayPassword !== undefined) parts.push('a new gateway password');
  if (patch.remote?.target !== undefined) parts.push(`SSH target ${patch.remote.target}`);
  if (patch.remote?.identityFile !== undefined) parts.push(`identity file ${patch.remote.identityFile}`);
  return parts.join(', ');
}
