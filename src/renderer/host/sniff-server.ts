// Who served this page: the browser twin (`clawdbot ui`) or the gateway itself (its Control UI). Both
// serve the same files at `/` with `?token=…`, so the server is asked: a gateway accepts a WebSocket on
// any path and speaks first with `connect.challenge`; the twin answers a DesktopApi call on /api instead.
// The twin's own socket does the asking, so telling them apart costs no extra connection.
export type ServedBy = 'twin' | 'control-ui';

/** The part of a browser WebSocket the sniffer listens on, next to the adapter's own handlers. */
export interface SniffableSocket {
  addEventListener(type: 'message', listener: (ev: { data: unknown }) => void): void;
  addEventListener(type: 'close', listener: () => void): void;
}

export function isGatewayChallenge(data: unknown): boolean {
  if (typeof data !== 'string') return false;
  try {
    const frame = JSON.parse(data) as { type?: unknown; event?: unknown };
    return frame.type === 'event' && frame.event === 'connect.challenge';
  } catch {
    return false;
  }
}

/**
 * Watches the first socket the twin adapter opens: its first message (the gateway's challenge, or the
 * twin's answer or event) decides. A socket closed before any message means the twin refused it (a
 * bad token); the twin's adapter then reports that itself.
 */
export function serverSniffer(): { watch(socket: SniffableSocket): void; servedBy: Promise<ServedBy> } {
  let decide!: (kind: ServedBy) => void;
  let watching = false;
  const servedBy = new Promise<ServedBy>((resolve) => (decide = resolve));
  return {
    servedBy,
    watch(socket) {
      if (watching) return;
      watching = true;
      socket.addEventListener('message', (ev) => decide(isGatewayChallenge(ev.data) ? 'control-ui' : 'twin'));
      socket.addEventListener('close', () => decide('twin'));
    },
  };
}
