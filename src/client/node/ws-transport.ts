// The Node transport for GatewayClient: the `ws` package, with the 25 MiB inbound limit and no
// permessage-deflate (the gateway never negotiates it, so offering it only costs a header).

import WebSocket from 'ws';
import type { WebSocketFactory } from '../transport';

const CLOSE_HANDSHAKE_MS = 1000;

export const nodeWebSocketFactory: WebSocketFactory = (url, handlers, options) => {
  const ws = new WebSocket(url, { maxPayload: options.maxPayloadBytes, perMessageDeflate: false, handshakeTimeout: 30_000 });
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
};
