// The Node transport for GatewayClient: the `ws` package, with the 25 MiB inbound limit and no
// permessage-deflate (the gateway never negotiates it, so offering it only costs a header). It connects
// over TCP to the URL, or over a stream the caller opens (an SSH channel of the desktop's tunnel).

import type { Duplex } from 'node:stream';
import WebSocket, { type ClientOptions } from 'ws';
import type { TransportHandlers, TransportOptions, Transport, WebSocketFactory } from '../transport';

const CLOSE_HANDSHAKE_MS = 1000;

export const nodeWebSocketFactory: WebSocketFactory = (url, handlers, options) =>
  wire(new WebSocket(url, { maxPayload: options.maxPayloadBytes, perMessageDeflate: false, handshakeTimeout: 30_000 }), handlers);

/**
 * WebSockets over streams from `openStream` instead of TCP connections to the URL (which then only
 * names the Host header). No handshake timeout of its own: a stream is not a socket with timeouts, and
 * GatewayClient's connect timeout covers the handshake.
 */
export function streamWebSocketFactory(openStream: () => Promise<Duplex>): WebSocketFactory {
  return (url: string, handlers: TransportHandlers, options: TransportOptions): Transport =>
    wire(new WebSocket(url, { maxPayload: options.maxPayloadBytes, perMessageDeflate: false, createConnection: connectionOver(openStream) }), handlers);
}

/** ws's `createConnection` that hands the WebSocket a stream from `openStream` (http accepts it async). */
export function connectionOver(openStream: () => Promise<Duplex>): ClientOptions['createConnection'] {
  const createConnection = (_options: unknown, done: (err: Error | null, stream?: Duplex) => void): undefined => {
    openStream().then(
      (stream) => done(null, stream),
      (err: unknown) => done(err instanceof Error ? err : new Error(String(err))),
    );
    return undefined;
  };
  return createConnection as unknown as ClientOptions['createConnection'];
}

function wire(ws: WebSocket, handlers: TransportHandlers): Transport {
  ws.binaryType = 'nodebuffer';
  ws.on('open', () => handlers.onOpen());
  ws.on('message', (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => {
    const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
    handlers.onMessage(isBinary ? bytes : bytes.toString('utf8'));
  });
  ws.on('error', (err: Error) => handlers.onError(err.message));
  ws.on('close', (code: number, reason: Buffer) => handlers.onClose(code, reason.toString('utf8')));
  return {
    send: (text) => ws.send(text),
    close: (code, reason) => {
      if (ws.readyState === WebSocket.CONNECTING) {
        ws.terminate();
        return;
      }
      if (code === undefined) ws.close();
      else ws.close(code, reason);
      // A frozen peer never answers the close frame; ws would hold the socket (and the process) for 30 s.
      setTimeout(() => ws.terminate(), CLOSE_HANDSHAKE_MS).unref();
    },
  };
}
