// Probing a gateway for `gateway status`, `gateway probe` and `status`: connect as a probe (the
// reference's client cli/probe, admin scope), call the read-only methods on one connection, and never
// throw: an unreachable gateway is a result with the reason in one line.

import { GatewayError } from '../client/errors';
import type { ClientTarget } from '../config/client-target';
import { withGateway } from './gateway-session';

export interface GatewaySelf {
  host?: string;
  ip?: string;
  platform?: string;
  version?: string;
}

export interface ProbeResult {
  url: string;
  /** The socket opened and hello-ok came back. */
  ok: boolean;
  connectMs?: number;
  /** Every probe request answered. */
  rpcOk: boolean;
  /** Why it failed, in one line ("connect ECONNREFUSED 127.0.0.1:18789", "gateway closed (1008): unauthorized: …"). */
  error?: string;
  errorClass?: string;
  serverVersion?: string;
  self?: GatewaySelf;
  health?: unknown;
  status?: unknown;
  channels?: unknown;
}

/** The transport's words for a refused or dropped socket; the gateway's message otherwise. */
function failureReason(err: unknown): string {
  if (err instanceof GatewayError && err.closeCode === 1006 && err.transportCause) return err.transportCause;
  if (err instanceof GatewayError && err.serverError) return err.serverError.message;
  return err instanceof Error ? err.message : String(err);
}

function pickSelf(presence: unknown): GatewaySelf | undefined {
  if (!Array.isArray(presence)) return undefined;
  const self = presence.find((e) => (e as { mode?: unknown })?.mode === 'gateway') as GatewaySelf | undefined;
  return self ? { host: self.host, ip: self.ip, platform: self.platform, version: self.version } : undefined;
}

export async function probeGateway(target: ClientTarget, timeoutMs: number, options: { deep?: boolean } = {}): Promise<ProbeResult> {
  const started = performance.now();
  const result: ProbeResult = { url: target.url, ok: false, rpcOk: false };
  try {
    await withGateway({ target, timeoutMs, mode: 'probe', quiet: true }, async (client, hello) => {
      result.ok = true;
      result.connectMs = Math.round(performance.now() - started);
      result.serverVersion = hello.server.version;
      const settle = <T>(p: Promise<T>): Promise<T | undefined> => p.then((v) => v, (err: unknown) => {
        result.error ??= failureReason(err);
        return undefined;
      });
      const [health, status, presence, channels] = await Promise.all([
        settle(client.request('health', options.deep ? { probe: true } : undefined)),
        settle(client.request('status')),
        settle(client.request('system-presence')),
        options.deep ? settle(client.request('channels.status', { probe: false, timeoutMs: 8000 })) : Promise.resolve(undefined),
      ]);
      Object.assign(result, { health, status, channels, self: pickSelf(presence), rpcOk: result.error === undefined });
    });
  } catch (err) {
    result.error = failureReason(err);
    if (err instanceof GatewayError) result.errorClass = err.errorClass;
  }
  return result;
}

/** "<host> (<ip>) · <platform> · app <version>" as the reference prints a probed gateway. */
export function describeSelf(self: GatewaySelf | undefined, serverVersion: string | undefined): string {
  const host = self?.host ?? 'unknown host';
  return `${host}${self?.ip ? ` (${self.ip})` : ''} · ${self?.platform ?? 'unknown platform'} · app ${self?.version ?? serverVersion ?? 'unknown'}`;
}
