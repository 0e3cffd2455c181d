// Where a client (the CLI) connects and with which secret (spec §14.3), and the "Source:" labels the
// CLI prints. URL: --url > (remote mode) gateway.remote.url > ws://127.0.0.1:<port>. Token: --token >
// remote ? gateway.remote.token : CLAWDBOT_GATEWAY_TOKEN > gateway.auth.token. Password: --password >
// CLAWDBOT_GATEWAY_PASSWORD > remote ? gateway.remote.password : gateway.auth.password.

import { networkInterfaces } from 'node:os';
import { ClawdbotError } from '../shared/errors';
import { gatewayConfig, type ConfigObject } from './effective';
import { readConfigFile } from './file';
import { resolveGatewayPort, type PortSource } from './gateway-settings';
import { resolveConfigPath, type Env } from './paths';

export interface ClientOverrides {
  url?: string;
  token?: string;
  password?: string;
}

export interface ClientTarget {
  url: string;
  /** `cli --url`, `config gateway.remote.url`, `local loopback` or `local tailnet <ip>`. */
  urlSource: string;
  mode: 'local' | 'remote';
  token?: string;
  /** `cli --token`, `env CLAWDBOT_GATEWAY_TOKEN`, `config gateway.remote.token`, `config gateway.auth.token`. */
  tokenSource?: string;
  password?: string;
  passwordSource?: string;
  configPath: string;
  configExists: boolean;
  bind: string;
  port: number;
  portSource: PortSource;
  /** True when the URL is the locally derived one (neither --url nor remote.url). */
  isLocalUrl: boolean;
  /** Where the local gateway listens (ws://127.0.0.1:<port>), whatever the mode. */
  localUrl: string;
  /** gateway.remote.* (with ${ENV} substituted), whatever the mode: `gateway probe` tries it. */
  remote: { url?: string; token?: string; password?: string; sshTarget?: string };
}

export interface LoadedClientConfig {
  config: ConfigObject;
  configPath: string;
  exists: boolean;
}

/** Reads the config file for a client. A file that does not parse is an error naming the file. */
export function loadClientConfig(env: Env = process.env): LoadedClientConfig {
  const configPath = resolveConfigPath(env);
  const snap = readConfigFile(configPath);
  if (!snap.parsed) {
    throw new ClawdbotError('Config', `Config invalid: ${snap.parseError ?? configPath}`, `Fix ${configPath} (it is JSON5), or point CLAWDBOT_CONFIG_PATH at another file.`);
  }
  return { config: snap.parsed, configPath, exists: snap.exists };
}

function nonEmpty(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
}

/** `${NAME}` in a config string is replaced from the environment, as the reference does. */
function substituteEnv(value: string | undefined, env: Env): string | undefined {
  if (value === undefined) return undefined;
  return nonEmpty(value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_m, name: string) => env[name] ?? ''));
}

function first<T>(...candidates: Array<[T | undefined, string]>): { value?: T; source?: string } {
  for (const [value, source] of candidates) if (value !== undefined) return { value, source };
  return {};
}

/** The host's tailnet IPv4 (100.64.0.0/10), for `bind: "tailnet"`. */
export function tailnetIPv4(): string | undefined {
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) {
      if (a.family !== 'IPv4' || a.internal) continue;
      const [o1, o2] = a.address.split('.').map(Number);
      if (o1 === 100 && o2 !== undefined && o2 >= 64 && o2 <= 127) return a.address;
    }
  }
  return undefined;
}

/** Checks a user-given gateway URL; the error says what a good one looks like. */
export function checkGatewayUrl(url: string, from: string): string {
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (!parsed || (parsed.protocol !== 'ws:' && parsed.protocol !== 'wss:') || !parsed.hostname) {
    throw new ClawdbotError('Config', `Invalid ${from} "${url}": a gateway URL looks like ws://HOST:PORT or wss://HOST:PORT.`, 'For the local gateway use ws://127.0.0.1:18789.');
  }
  return url;
}

export interface ResolveOptions {
  /** Probes and status: in remote mode without a URL, fall back to the local one instead of failing. */
  fallbackToLocal?: boolean;
}

export function resolveClientTarget(overrides: ClientOverrides, loaded: LoadedClientConfig, env: Env = process.env, options: ResolveOptions = {}): ClientTarget {
  const g = gatewayConfig(loaded.config);
  const remote = g.mode === 'remote';
  const urlOverride = nonEmpty(overrides.url);
  const remoteUrl = remote ? substituteEnv(g.remote.url, env) : undefined;
  let port: { port: number; source: PortSource };
  try {
    port = resolveGatewayPort(loaded.config, env);
  } catch (err) {
    throw new ClawdbotError('Config', err instanceof Error ? err.message : String(err), 'Unset CLAWDBOT_GATEWAY_PORT or set it to the gateway\'s port.');
  }
  const remoteMisconfigured = remote && !urlOverride && !remoteUrl;
  if (remoteMisconfigured && !options.fallbackToLocal) {
    throw new ClawdbotError(
      'Config',
      `gateway remote mode misconfigured: gateway.remote.url missing\nConfig: ${loaded.configPath}\nFix: set gateway.remote.url, or set gateway.mode=local.`,
      'Set gateway.remote.url, or set gateway.mode=local.',
    );
  }
  const scheme = g.tls.enabled === true ? 'wss' : 'ws';
  let url: string;
  let urlSource: string;
  if (urlOverride) {
    url = checkGatewayUrl(urlOverride, '--url');
    urlSource = 'cli --url';
  } else if (remoteUrl) {
    url = checkGatewayUrl(remoteUrl, `gateway.remote.url in ${loaded.configPath}`);
    urlSource = 'config gateway.remote.url';
  } else {
    const tailnet = g.bind === 'tailnet' ? tailnetIPv4() : undefined;
    url = `${scheme}://${tailnet ?? '127.0.0.1'}:${port.port}`;
    urlSource = remoteMisconfigured ? 'missing gateway.remote.url (fallback local)' : tailnet ? `local tailnet ${tailnet}` : 'local loopback';
  }
  const token = first<string>(
    [nonEmpty(overrides.token), 'cli --token'],
    ...(remote
      ? ([[substituteEnv(g.remote.token, env), 'config gateway.remote.token']] as Array<[string | undefined, string]>)
      : ([[nonEmpty(env.CLAWDBOT_GATEWAY_TOKEN), 'env CLAWDBOT_GATEWAY_TOKEN'], [substituteEnv(g.auth.token, env), 'config gateway.auth.token']] as Array<[string | undefined, string]>)),
  );
  const password = first<string>(
    [nonEmpty(overrides.password), 'cli --password'],
    [nonEmpty(env.CLAWDBOT_GATEWAY_PASSWORD), 'env CLAWDBOT_GATEWAY_PASSWORD'],
    remote ? [substituteEnv(g.remote.password, env), 'config gateway.remote.password'] : [substituteEnv(g.auth.password, env), 'config gateway.auth.password'],
  );
  return {
    url,
    urlSource,
    mode: remote ? 'remote' : 'local',
    ...(token.value ? { token: token.value, tokenSource: token.source } : {}),
    ...(password.value ? { password: password.value, passwordSource: password.source } : {}),
    configPath: loaded.configPath,
    configExists: loaded.exists,
    bind: g.bind,
    port: port.port,
    portSource: port.source,
    isLocalUrl: !urlOverride && !remoteUrl,
    localUrl: `${scheme}://127.0.0.1:${port.port}`,
    remote: {
      url: substituteEnv(g.remote.url, env),
      token: substituteEnv(g.remote.token, env),
      password: substituteEnv(g.remote.password, env),
      sshTarget: nonEmpty(g.remote.sshTarget),
    },
  };
}

/** The lines the CLI prints under a connection error (§15.2); local URLs add the bind mode. */
export function describeTarget(target: ClientTarget): string[] {
  const lines = [`Gateway target: ${target.url}`, `Source: ${target.urlSource}`, `Config: ${target.configPath}`];
  if (target.isLocalUrl) lines.push(`Bind: ${target.bind}`);
  return lines;
}
