// Keeps the Clawdbot config file (gateway.mode, gateway.remote.*, the local gateway's auth) in step
// with the app, so `clawdbot health` and the app always talk to the same gateway. A file that already
// says what the app would write is left alone, byte for byte: a rewrite is plain JSON and loses a
// hand-edited file's comments. Real writes go through updateConfigFile, which refuses to touch a file
// that does not parse and keeps a commented one at <path>.bak; each write reports what it left on disk,
// so the config watcher knows that content as the app's own.

import { randomBytes } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { readConfigFile, updateConfigFile, type ConfigFileSnapshot } from '../config/file';
import type { Env } from '../config/paths';

export interface GatewayCredentials {
  token?: string;
  password?: string;
}

type Obj = Record<string, unknown>;

function section(parent: Obj, key: string): Obj {
  const v = parent[key];
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) return v as Obj;
  const fresh: Obj = {};
  parent[key] = fresh;
  return fresh;
}

function get(o: unknown, ...path: string[]): unknown {
  let cur = o;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Obj)[key];
  }
  return cur;
}

function nonEmpty(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() !== '' ? v : undefined;
}

export interface ConfigView {
  mode?: 'local' | 'remote';
  port?: number;
  remoteToken?: string;
  remotePassword?: string;
  remoteSshTarget?: string;
  remoteSshIdentity?: string;
}

/** Told about the app's writes to the config file. */
export interface ConfigWriteListener {
  /** The file as the app left it, right after it wrote it. */
  written(snapshot: ConfigFileSnapshot): void;
  /** A hand-edited JSON5 file was rewritten as plain JSON; the file as it was is kept at `backup`. */
  keptOriginal(backup: string): void;
}

function update(configPath: string, mutate: (config: Obj) => void, listener?: ConfigWriteListener): void {
  const current = readConfigFile(configPath).parsed;
  if (current) {
    const next = structuredClone(current);
    mutate(next);
    if (isDeepStrictEqual(next, current)) return; // it already says so: no rewrite, no lost comments
  }
  updateConfigFile(configPath, mutate, (backup) => listener?.keptOriginal(backup));
  // Read back in the same tick: the bytes on disk, whatever format the writer chose. Only another
  // program writing in that very instant could have its change taken for ours.
  listener?.written(readConfigFile(configPath));
}

/** What the config file says (empty when it is missing or does not parse). */
export function readConfigView(configPath: string): ConfigView {
  return configViewOf(readConfigFile(configPath).parsed ?? {});
}

/** The app's part of a parsed config. */
export function configViewOf(parsed: Obj): ConfigView {
  const mode = get(parsed, 'gateway', 'mode');
  const port = get(parsed, 'gateway', 'port');
  return {
    mode: mode === 'local' || mode === 'remote' ? mode : undefined,
    port: typeof port === 'number' && Number.isInteger(port) && port > 0 ? port : undefined,
    remoteToken: nonEmpty(get(parsed, 'gateway', 'remote', 'token')),
    remotePassword: nonEmpty(get(parsed, 'gateway', 'remote', 'password')),
    remoteSshTarget: nonEmpty(get(parsed, 'gateway', 'remote', 'sshTarget')),
    remoteSshIdentity: nonEmpty(get(parsed, 'gateway', 'remote', 'sshIdentity')),
  };
}

/**
 * The credentials our local gateway runs with, as the CLI resolves them in local mode (env token, else
 * gateway.auth.*). When there are none, a token is generated and written to gateway.auth.token, so the
 * gateway never runs without auth and the CLI finds the same token.
 */
export function ensureLocalGatewayAuth(configPath: string, env: Env, listener?: ConfigWriteListener): GatewayCredentials {
  const envToken = nonEmpty(env.CLAWDBOT_GATEWAY_TOKEN);
  if (envToken) return { token: envToken };
  const snap = readConfigFile(configPath);
  const token = nonEmpty(get(snap.parsed, 'gateway', 'auth', 'token'));
  const password = nonEmpty(get(snap.parsed, 'gateway', 'auth', 'password')) ?? nonEmpty(env.CLAWDBOT_GATEWAY_PASSWORD);
  const authMode = get(snap.parsed, 'gateway', 'auth', 'mode');
  if (authMode === 'password' && password) return { password };
  if (token) return { token };
  if (password) return { password };
  const generated = randomBytes(24).toString('hex');
  update(configPath, (config) => {
    section(section(config, 'gateway'), 'auth').token = generated;
  }, listener);
  return { token: generated };
}

export function writeLocalMode(configPath: string, port: number, listener?: ConfigWriteListener): void {
  update(configPath, (config) => {
    const gateway = section(config, 'gateway');
    gateway.mode = 'local';
    gateway.port = port;
  }, listener);
}

export interface RemoteModeConfig {
  url: string;
  token: string | null;
  password: string | null;
  sshTarget: string;
  sshIdentity: string;
}

export function writeRemoteMode(configPath: string, remote: RemoteModeConfig, listener?: ConfigWriteListener): void {
  update(configPath, (config) => {
    const gateway = section(config, 'gateway');
    gateway.mode = 'remote';
    const r = section(gateway, 'remote');
    r.url = remote.url;
    setOrDelete(r, 'token', remote.token);
    setOrDelete(r, 'password', remote.password);
    setOrDelete(r, 'sshTarget', remote.sshTarget || null);
    setOrDelete(r, 'sshIdentity', remote.sshIdentity || null);
  }, listener);
}

function setOrDelete(o: Obj, key: string, value: string | null): void {
  if (value) o[key] = value;
  else delete o[key];
}
