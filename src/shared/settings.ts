// The app's settings: one schema for Electron (electron-store) and Node (conf), the same file.
// Secrets (gateway token/password, key passphrases) are never part of Settings: the store keeps them
// encrypted apart, and the UI only learns whether one is set.

import type { Mode } from './desktop-api';
import { ValidationError, expectObject, optionalBoolean, optionalNumber, optionalString, rejectUnknownKeys } from './validate';

export const SETTINGS_VERSION = 1;

export type HostKeyPolicy = 'ask' | 'accept-new' | 'yes';
export type Theme = 'system' | 'light' | 'dark';

export interface ExtraForward {
  name: string;
  localPort: number;
  remoteHost: string;
  remotePort: number;
}

export interface RemoteSettings {
  /** An alias from ~/.ssh/config or user@host[:port]. */
  target: string;
  identityFile: string;
  remotePort: number;
  /** null: the same as remotePort. */
  localPort: number | null;
  hostKeyPolicy: HostKeyPolicy;
  knownHostsFile: string;
  startGatewayIfDown: boolean;
  forwards: ExtraForward[];
}

export interface Settings {
  version: number;
  mode: Mode;
  localPort: number;
  remote: RemoteSettings;
  startAtLogin: boolean;
  theme: Theme;
  hasGatewayToken: boolean;
  hasGatewayPassword: boolean;
  /** Whether a passphrase for remote.identityFile is stored (the passphrase itself never leaves the core). */
  hasKeyPassphrase: boolean;
}

export const DEFAULT_SETTINGS: Settings = {
  version: SETTINGS_VERSION,
  mode: 'unconfigured',
  localPort: 18789,
  remote: {
    target: '',
    identityFile: '',
    remotePort: 18789,
    localPort: null,
    hostKeyPolicy: 'ask',
    knownHostsFile: '',
    startGatewayIfDown: false,
    forwards: [],
  },
  startAtLogin: false,
  theme: 'system',
  hasGatewayToken: false,
  hasGatewayPassword: false,
  hasKeyPassphrase: false,
};

/** What the UI may change. A secret set to null is cleared; absent means unchanged. */
export interface SettingsPatch {
  mode?: Mode;
  localPort?: number;
  remote?: Partial<RemoteSettings>;
  startAtLogin?: boolean;
  theme?: Theme;
  gatewayToken?: string | null;
  gatewayPassword?: string | null;
  /** The passphrase of an encrypted remote.identityFile. */
  keyPassphrase?: string | null;
}

const PORT = { min: 1, max: 65535, integer: true } as const;

function parseMode(v: unknown): Mode | undefined {
  if (v === undefined) return undefined;
  if (v === 'unconfigured' || v === 'local' || v === 'remote') return v;
  throw new ValidationError('mode must be one of unconfigured, local, remote');
}

/** Tokens are trimmed (pasted with stray spaces); a passphrase is kept as typed, spaces included. */
function parseSecret(o: Record<string, unknown>, key: string, options: { trim: boolean } = { trim: true }): string | null | undefined {
  const v = o[key];
  if (v === undefined || v === null) return v as null | undefined;
  if (typeof v !== 'string') throw new ValidationError(`${key} must be a string or null`);
  if (/[\r\n]/.test(v)) throw new ValidationError(`${key} must be a single line`);
  return options.trim ? v.trim() : v;
}

function parseForwards(v: unknown): ExtraForward[] | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v)) throw new ValidationError('remote.forwards must be a list');
  return v.map((item, i) => {
    const o = expectObject(item, `remote.forwards[${i}]`);
    rejectUnknownKeys(o, ['name', 'localPort', 'remoteHost', 'remotePort'], `remote.forwards[${i}]`);
    const name = optionalString(o, 'name') ?? `forward-${i + 1}`;
    const localPort = optionalNumber(o, 'localPort', PORT);
    const remotePort = optionalNumber(o, 'remotePort', PORT);
    if (localPort === undefined || remotePort === undefined) {
      throw new ValidationError(`remote.forwards[${i}] needs localPort and remotePort`);
    }
    return { name, localPort, remoteHost: optionalString(o, 'remoteHost') || '127.0.0.1', remotePort };
  });
}

export function parseSettingsPatch(v: unknown): SettingsPatch {
  const o = expectObject(v, 'settings');
  rejectUnknownKeys(o, ['mode', 'localPort', 'remote', 'startAtLogin', 'theme', 'gatewayToken', 'gatewayPassword', 'keyPassphrase'], 'settings');
  const patch: SettingsPatch = {};
  const mode = parseMode(o.mode);
  if (mode) patch.mode = mode;
  const localPort = optionalNumber(o, 'localPort', PORT);
  if (localPort !== undefined) patch.localPort = localPort;
  const startAtLogin = optionalBoolean(o, 'startAtLogin');
  if (startAtLogin !== undefined) patch.startAtLogin = startAtLogin;
  if (o.theme !== undefined) {
    if (o.theme !== 'system' && o.theme !== 'light' && o.theme !== 'dark') throw new ValidationError('theme must be system, light or dark');
    patch.theme = o.theme;
  }
  const token = parseSecret(o, 'gatewayToken');
  if (token !== undefined) patch.gatewayToken = token;
  const password = parseSecret(o, 'gatewayPassword');
  if (password !== undefined) patch.gatewayPassword = password;
  const keyPassphrase = parseSecret(o, 'keyPassphrase', { trim: false });
  if (keyPassphrase !== undefined) patch.keyPassphrase = keyPassphrase;
  if (o.remote !== undefined) {
    const r = expectObject(o.remote, 'remote');
    rejectUnknownKeys(r, ['target', 'identityFile', 'remotePort', 'localPort', 'hostKeyPolicy', 'knownHostsFile', 'startGatewayIfDown', 'forwards'], 'remote');
    const remote: Partial<RemoteSettings> = {};
    const target = optionalString(r, 'target');
    if (target !== undefined) {
      if (/\s/.test(target.trim())) throw new ValidationError('remote.target must be an SSH alias or user@host[:port], without spaces');
      remote.target = target.trim();
    }
    const identityFile = optionalString(r, 'identityFile');
    if (identityFile !== undefined) remote.identityFile = identityFile.trim();
    const remotePort = optionalNumber(r, 'remotePort', PORT);
    if (remotePort !== undefined) remote.remotePort = remotePort;
    if (r.localPort === null) remote.localPort = null;
    else {
      const lp = optionalNumber(r, 'localPort', PORT);
      if (lp !== undefined) remote.localPort = lp;
    }
    if (r.hostKeyPolicy !== undefined) {
      if (r.hostKeyPolicy !== 'ask' && r.hostKeyPolicy !== 'accept-new' && r.hostKeyPolicy !== 'yes') {
        throw new ValidationError('remote.hostKeyPolicy must be ask, accept-new or yes');
      }
      remote.hostKeyPolicy = r.hostKeyPolicy;
    }
    const kh = optionalString(r, 'knownHostsFile');
    if (kh !== undefined) remote.knownHostsFile = kh.trim();
    const sg = optionalBoolean(r, 'startGatewayIfDown');
    if (sg !== undefined) remote.startGatewayIfDown = sg;
    const forwards = parseForwards(r.forwards);
    if (forwards) remote.forwards = forwards;
    patch.remote = remote;
  }
  return patch;
}
