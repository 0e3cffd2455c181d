// Remote help over the same SSH session as the tunnel, each call made only after the user confirmed it
// in the UI: read the remote gateway's port and token from ~/.clawdbot/clawdbot.json (the token is
// stored as our secret and never returned), see whether the gateway runs, start or restart it, tail
// its log.

import JSON5 from 'json5';
import { ClawdbotError } from '../shared/errors';
import type { DesktopCallResults } from '../shared/desktop-api';
import type { RemoteLink } from './remote-link';

const REMOTE_CONFIG = '${CLAWDBOT_CONFIG_PATH:-$HOME/.clawdbot/clawdbot.json}';
const REMOTE_LOG = '$HOME/.clawdbot/gateway.log';

function requireLink(link: RemoteLink | null): RemoteLink {
  if (!link) throw new ClawdbotError('Config', 'Remote help needs the SSH connection of remote mode.', 'Switch to Remote over SSH first.');
  return link;
}

export interface RemoteGatewayConfig {
  port: number | null;
  token: string | null;
  password: string | null;
}

export async function readRemoteGatewayConfig(link: RemoteLink | null): Promise<RemoteGatewayConfig> {
  const res = await requireLink(link).exec(`cat "${REMOTE_CONFIG}"`);
  if (res.code !== 0) {
    throw new ClawdbotError('RemoteGatewayDown', 'The remote ~/.clawdbot/clawdbot.json could not be read.', 'Run `clawdbot gateway run` once on the remote host, or enter the port and token by hand.');
  }
  let parsed: unknown;
  try {
    parsed = JSON5.parse(res.stdout);
  } catch {
    throw new ClawdbotError('Config', 'The remote clawdbot.json is not valid JSON5.', 'Fix the file on the remote host, or enter the port and token by hand.');
  }
  const gateway = (parsed as { gateway?: Record<string, unknown> } | null)?.gateway ?? {};
  const auth = (gateway.auth ?? {}) as Record<string, unknown>;
  const port = typeof gateway.port === 'number' && Number.isInteger(gateway.port) && gateway.port > 0 && gateway.port < 65536 ? gateway.port : null;
  const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v : null);
  return { port, token: str(auth.token), password: str(auth.password) };
}

/** A gateway answers when something listens on its port on the remote loopback. */
export async function remoteGatewayStatus(link: RemoteLink | null, port: number): Promise<DesktopCallResults['remoteGatewayStatus']> {
  const probe = `(command -v ss >/dev/null && ss -ltn | grep -q ':${port} ') || (exec 3<>/dev/tcp/127.0.0.1/${port}) 2>/dev/null`;
  const res = await requireLink(link).exec(`bash -c '${probe}' && echo running || echo stopped`);
  const running = res.stdout.trim().endsWith('running');
  return { running, detail: running ? `A gateway listens on the remote port ${port}.` : `Nothing listens on the remote port ${port}.` };
}

export async function startRemoteGateway(link: RemoteLink | null, port: number, command: string, restart: boolean): Promise<DesktopCallResults['remoteStartGateway']> {
  const l = requireLink(link);
  // "[c]lawdbot" matches the gateway's command line but not this shell's own, which holds the pattern.
  if (restart) await l.exec(`pkill -f '[c]lawdbot gateway run --port ${port}( |$)' ; sleep 1`);
  const res = await l.exec(command);
  if (res.code !== 0) return { started: false, detail: (res.stderr || res.stdout).trim().slice(-500) || `exit code ${res.code}` };
  return { started: true, detail: restart ? `Restarted the remote gateway on port ${port}.` : `Started the remote gateway on port ${port}.` };
}

export async function tailRemoteLog(link: RemoteLink | null, lines: number): Promise<string[]> {
  const n = Math.max(1, Math.min(1000, Math.trunc(lines)));
  const res = await requireLink(link).exec(`tail -n ${n} "${REMOTE_LOG}" 2>/dev/null || true`);
  return res.stdout.split('\n').filter((l, i, all) => l !== '' || i < all.length - 1);
}
