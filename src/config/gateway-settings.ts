// Port, bind and auth resolution for the gateway (spec §8.1, §14.3). Shared by `gateway run` and the
// CLI commands that need the local port or the server's secret.

import { gatewayConfig, type ConfigObject } from './effective';
import type { Env } from './paths';
import type { BindMode } from './schema';

export const DEFAULT_PORT = 18789;

export type PortSource = 'flag' | 'env' | 'config' | 'default';

function parsePort(text: string | undefined): number | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  const n = Number(text);
  return Number.isInteger(n) && n >= 0 && n <= 65535 ? n : undefined;
}

/** --port > CLAWDBOT_GATEWAY_PORT > gateway.port > 18789. `--port 0` asks for an ephemeral port. */
export function resolveGatewayPort(config: ConfigObject, env: Env, flag?: string): { port: number; source: PortSource } {
  if (flag !== undefined) {
    const port = parsePort(flag);
    if (port === undefined) throw new Error(`Invalid --port "${flag}": use a number from 0 to 65535.`);
    return { port, source: 'flag' };
  }
  const fromEnv = env.CLAWDBOT_GATEWAY_PORT;
  if (fromEnv !== undefined && fromEnv.trim() !== '') {
    const port = parsePort(fromEnv);
    if (port === undefined || port === 0) throw new Error(`Invalid CLAWDBOT_GATEWAY_PORT "${fromEnv}": use a number from 1 to 65535.`);
    return { port, source: 'env' };
  }
  const fromConfig = gatewayConfig(config).port;
  if (fromConfig !== undefined) return { port: fromConfig, source: 'config' };
  return { port: DEFAULT_PORT, source: 'default' };
}

export type AuthMode = 'token' | 'password';

export interface ServerAuth {
  mode: AuthMode;
  token?: string;
  password?: string;
  allowTailscale: boolean;
}

export interface AuthOverrides {
  mode?: string;
  token?: string;
  password?: string;
}

/**
 * The server's auth (§8.1): token = flag > gateway.auth.token > CLAWDBOT_GATEWAY_TOKEN; same for the
 * password; mode = flag > gateway.auth.mode > password when one exists > token. Never "none".
 */
export function resolveServerAuth(config: ConfigObject, env: Env, overrides: AuthOverrides = {}): ServerAuth {
  const g = gatewayConfig(config);
  const token = nonEmpty(overrides.token) ?? nonEmpty(g.auth.token) ?? nonEmpty(env.CLAWDBOT_GATEWAY_TOKEN);
  const password = nonEmpty(overrides.password) ?? nonEmpty(g.auth.password) ?? nonEmpty(env.CLAWDBOT_GATEWAY_PASSWORD);
  if (overrides.mode !== undefined && overrides.mode !== 'token' && overrides.mode !== 'password') {
    throw new Error(`Invalid --auth "${overrides.mode}": use token or password.`);
  }
  const mode: AuthMode = (overrides.mode as AuthMode | undefined) ?? g.auth.mode ?? (password ? 'password' : 'token');
  const allowTailscale = g.auth.allowTailscale ?? (g.tailscale.mode === 'serve' && mode !== 'password');
  return { mode, token, password, allowTailscale };
}

/** Startup refusals with the reference's texts; null when the auth can serve. */
export function authStartupProblem(auth: ServerAuth): string | null {
  if (auth.mode === 'token' && !auth.token) {
    return 'gateway auth mode is token, but no token was configured (set gateway.auth.token or CLAWDBOT_GATEWAY_TOKEN)';
  }
  if (auth.mode === 'password' && !auth.password) return 'gateway auth mode is password, but no password was configured';
  return null;
}

/** The host a bind mode listens on (spec §14.2); loopback also tries ::1. */
export function bindHost(mode: BindMode, customBindHost: string | undefined, tailnetIPv4: string | undefined): string {
  switch (mode) {
    case 'loopback':
      return '127.0.0.1';
    case 'lan':
      return '0.0.0.0';
    case 'tailnet':
      return tailnetIPv4 ?? '127.0.0.1';
    case 'auto':
      return '127.0.0.1';
    case 'custom':
      return customBindHost ?? '0.0.0.0';
  }
}

export function isLoopbackHost(host: string): boolean {
  return host === '127.0.0.1' || host === '::1' || host === 'localhost' || host.startsWith('127.');
}

function nonEmpty(v: string | undefined): string | undefined {
  return v !== undefined && v.trim() !== '' ? v : undefined;
}
