// `gateway probe --ssh TARGET`: forward the remote gateway's port over SSH with the tunnel engine
// (src/tunnel), probe the tunnel's local end like any other target, then close the tunnel. The tunnel
// code (and ssh2) is loaded only when --ssh is given, so the other probes stay fast. Non-interactive:
// an unknown host key is refused rather than asked about.

import type { ClientTarget } from '../config/client-target';
import type { TunnelState } from '../tunnel/tunnel-state';
import { probeGateway, type ProbeResult } from './probe';

export interface SshProbeRequest {
  sshTarget: string;
  identityFile?: string;
  /** Instead of ~/.ssh/known_hosts (like the tunnel command's --known-hosts). */
  knownHostsFile?: string;
  /** gateway.remote.url, whose port is the remote gateway's (default 18789). */
  remoteUrl?: string;
  /** Credentials to use once the tunnel is up; its URL is replaced by the tunnel's local end. */
  base: ClientTarget;
  budgetMs: number;
}

/** SSH needs a few round trips before the gateway probe starts; give it at least this long. */
const MIN_SSH_BUDGET_MS = 10_000;

function remotePortOf(url: string | undefined): number {
  const port = url ? Number(new URL(url).port) : NaN;
  return Number.isInteger(port) && port > 0 ? port : 18789;
}

export async function probeOverSsh(request: SshProbeRequest): Promise<{ result: ProbeResult; warning?: string }> {
  const failed = (why: string): { result: ProbeResult; warning: string } => ({
    result: { url: `ssh://${request.sshTarget}`, ok: false, rpcOk: false, error: why },
    warning: `SSH tunnel failed: ${why}`,
  });
  const [{ resolveTarget }, { Tunnel }] = await Promise.all([import('../tunnel/ssh-config'), import('../tunnel/supervisor')]);
  let tunnel: InstanceType<typeof Tunnel> | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const overrides = {
      ...(request.identityFile ? { identityFile: request.identityFile } : {}),
      ...(request.knownHostsFile ? { knownHostsFile: request.knownHostsFile } : {}),
    };
    const target = await resolveTarget(request.sshTarget, { overrides });
    tunnel = new Tunnel({ target, remotePort: remotePortOf(request.remoteUrl), localPort: 0, allowEphemeralPort: true });
    const t = tunnel;
    const settled = new Promise<TunnelState>((resolve) => {
      t.on('state', (s) => {
        if (s.state !== 'connecting') resolve(s);
      });
      timer = setTimeout(() => resolve({ state: 'failed', errorClass: 'SshTimeout', reason: `no tunnel within ${Math.max(request.budgetMs, MIN_SSH_BUDGET_MS)}ms`, hint: '' }), Math.max(request.budgetMs, MIN_SSH_BUDGET_MS));
    });
    t.start().catch(() => undefined); // failures arrive as states
    const state = await settled;
    if (state.state === 'ready' && t.url) return { result: await probeGateway({ ...request.base, url: t.url, urlSource: `ssh tunnel ${request.sshTarget}` }, request.budgetMs) };
    if (state.state === 'gateway-down' || state.state === 'reconnecting' || state.state === 'failed') return failed(state.reason);
    return failed(state.state);
  } catch (err) {
    return failed(err instanceof Error ? err.message : String(err));
  } finally {
    clearTimeout(timer);
    await tunnel?.stop().catch(() => undefined);
  }
}
