// Is the program holding a port a Clawdbot gateway? A gateway greets every WebSocket with
// `connect.challenge` at once (spec §2.1), so a short probe tells it apart from any other program
// without credentials. Used only when our own listen failed, so it never slows a normal start.

import WebSocket from 'ws';

export const GATEWAY_PROBE_TIMEOUT_MS = 500;

/** The address a client would dial for a bind host (a wildcard bind is reachable on loopback). */
function dialHost(bindHost: string): string {
  if (bindHost === '0.0.0.0') return '127.0.0.1';
  if (bindHost === '::') return '[::1]';
  return bindHost.includes(':') ? `[${bindHost}]` : bindHost;
}

function isChallenge(data: WebSocket.RawData): boolean {
  try {
    const frame = JSON.parse(data.toString()) as { type?: unknown; event?: unknown };
    return frame.type === 'event' && frame.event === 'connect.challenge';
  } catch {
    return false;
  }
}

export function isGatewayListening(bindHost: string, port: number, timeoutMs = GATEWAY_PROBE_TIMEOUT_MS): Promise<boolean> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://${dialHost(bindHost)}:${port}`, { handshakeTimeout: timeoutMs, perMessageDeflate: false });
    const done = (isGateway: boolean): void => {
      clearTimeout(giveUp);
      ws.removeAllListeners();
      ws.on('error', () => {});
      ws.terminate();
      resolve(isGateway);
    };
    // The handshake timeout covers the upgrade; this covers a server that upgrades and then says nothing.
    const giveUp = setTimeout(() => done(false), timeoutMs);
    ws.once('message', (data) => done(isChallenge(data)));
    ws.once('error', () => done(false));
    ws.once('close', () => done(false));
  });
}
