// The effective config: the file's values with defaults filled in (spec §14.2). The gateway and the
// CLI read settings only through these helpers, so the defaults live in one place.

import type { BindMode } from './schema';

export type ConfigObject = Record<string, unknown>;

export interface GatewayConfig {
  port?: number;
  mode?: 'local' | 'remote';
  bind: BindMode;
  customBindHost?: string;
  controlUi: { enabled: boolean; basePath?: string; allowInsecureAuth: boolean };
  auth: { mode?: 'token' | 'password'; token?: string; password?: string; allowTailscale?: boolean };
  trustedProxies: string[];
  tailscale: { mode: 'off' | 'serve' | 'funnel'; resetOnExit: boolean };
  remote: { url?: string; token?: string; password?: string; tlsFingerprint?: string; sshTarget?: string; sshIdentity?: string; transport?: 'ssh' | 'direct' };
  reload: { mode: 'off' | 'restart' | 'hot' | 'hybrid'; debounceMs: number };
  tls: { enabled?: boolean; autoGenerate: boolean; certPath?: string; keyPath?: string; caPath?: string };
  nodes: { allowCommands: string[]; denyCommands: string[] };
}

function obj(v: unknown): ConfigObject {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as ConfigObject) : {};
}

/** The `gateway` section with defaults (the file is assumed validated). */
export function gatewayConfig(config: ConfigObject): GatewayConfig {
  const g = obj(config.gateway);
  const controlUi = obj(g.controlUi);
  const tailscale = obj(g.tailscale);
  const reload = obj(g.reload);
  const tls = obj(g.tls);
  const nodes = obj(g.nodes);
  return {
    ...(g as Partial<GatewayConfig>),
    bind: (g.bind as BindMode | undefined) ?? 'loopback',
    controlUi: { ...controlUi, enabled: controlUi.enabled !== false, allowInsecureAuth: controlUi.allowInsecureAuth === true },
    auth: { ...obj(g.auth) },
    trustedProxies: Array.isArray(g.trustedProxies) ? (g.trustedProxies as string[]) : [],
    tailscale: { mode: (tailscale.mode as GatewayConfig['tailscale']['mode'] | undefined) ?? 'off', resetOnExit: tailscale.resetOnExit === true },
    remote: { ...obj(g.remote) },
    reload: { mode: (reload.mode as GatewayConfig['reload']['mode'] | undefined) ?? 'hybrid', debounceMs: typeof reload.debounceMs === 'number' ? reload.debounceMs : 300 },
    tls: { ...tls, autoGenerate: tls.autoGenerate !== false },
    nodes: {
      allowCommands: Array.isArray(nodes.allowCommands) ? (nodes.allowCommands as string[]) : [],
      denyCommands: Array.isArray(nodes.denyCommands) ? (nodes.denyCommands as string[]) : [],
    },
  };
}

/** The whole config with the defaults of the sections we model applied (config.get's `config`). */
export function effectiveConfig(config: ConfigObject): ConfigObject {
  const g = gatewayConfig(config);
  return { ...config, gateway: { ...obj(config.gateway), port: g.port ?? 18789, bind: g.bind } };
}
