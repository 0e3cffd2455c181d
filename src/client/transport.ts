// The WebSocket seam. GatewayClient talks to a Transport made by a WebSocketFactory, so the same client
// runs on the browser's global WebSocket (the default here) and on Node's `ws` (src/client/node/).

export interface TransportHandlers {
  onOpen(): void;
  /** Text, or bytes to be decoded as UTF-8 (servers may send binary; ours always sends text). */
  onMessage(data: string | ArrayBuffer | Uint8Array): void;
  /** Always called exactly once, also after a failed open (code 1006 then). */
  onClose(code: number, reason: string): void;
  /** Low-level failure before the close, e.g. "connect ECONNREFUSED 127.0.0.1:18789" (Node only). */
  onError(cause: string | undefined): void;
}

export interface Transport {
  send(text: string): void;
  /** No code = a close frame without status (1005), as the real CLI does when done. */
  close(code?: number, reason?: string): void;
}

export interface TransportOptions {
  /** Inbound frames above this close the socket with 1009 (enforced by ws in Node, checked again by the client). */
  maxPayloadBytes: number;
}

export type WebSocketFactory = (url: string, handlers: TransportHandlers, options: TransportOptions) => Transport;

interface BrowserWebSocket {
  binaryType: string;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
}

type BrowserWebSocketCtor = new (url: string) => BrowserWebSocket;

/** The global WebSocket (browsers, Electron renderers, Node ≥ 22). */
export const browserWebSocketFactory: WebSocketFactory = (url, handlers) => {
  const Ctor = (globalThis as { WebSocket?: BrowserWebSocketCtor }).WebSocket;
  if (!Ctor) throw new Error('no global WebSocket here: pass createWebSocket (Node: nodeWebSocketFactory from src/client/node)');
  const ws = new Ctor(url);
  ws.binaryType = 'arraybuffer';
  ws.onopen = () => handlers.onOpen();
  ws.onmessage = (ev) => {
    const data = ev.data;
    if (typeof data === 'string' || data instanceof ArrayBuffer || data instanceof Uint8Array) handlers.onMessage(data);
  };
  ws.onerror = () => handlers.onError(undefined); // browsers hide the cause on purpose
  ws.onclose = (ev) => handlers.onClose(ev.code, ev.reason);
  return {
    send: (text) => ws.send(text),
    close: (code, reason) => (code === undefined ? ws.close() : ws.close(code, reason)),
  };
};
