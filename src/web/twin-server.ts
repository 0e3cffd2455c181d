// The browser twin's server: HTTP on 127.0.0.1 serving the built renderer, and the DesktopApi on the
// WebSocket path /api. Every request must name the twin as Host; the API also needs the URL token and,
// from a browser, the twin's own Origin.

import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { DesktopCore } from '../desktop/ports';
import { AccessGuard, newAccessToken } from './access-guard';
import { attachApiSocket } from './api-bridge';
import { serveStatic } from './static-files';

export const API_PATH = '/api';
const MAX_MESSAGE_BYTES = 8 * 1024 * 1024;

export interface TwinServerOptions {
  core: DesktopCore;
  /** The built renderer (dist/renderer). */
  rendererDir: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** For tests; default a fresh random token. */
  token?: string;
}

export interface TwinServer {
  readonly port: number;
  readonly token: string;
  /** http://127.0.0.1:PORT/?token=… */
  readonly url: string;
  close(): Promise<void>;
}

function reject(socket: Duplex, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

export async function startTwinServer(options: TwinServerOptions): Promise<TwinServer> {
  const token = options.token ?? newAccessToken();
  let port = 0;
  const guard = new AccessGuard(token, () => port);
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  const server: Server = createServer((req, res) => {
    if (!guard.hostAllowed(req)) {
      res.writeHead(421, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Misdirected request\n');
      return;
    }
    serveStatic(options.rendererDir, req, res, port);
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    if (path !== API_PATH) return reject(socket, 404, 'Not Found');
    if (!guard.hostAllowed(req) || !guard.originAllowed(req)) return reject(socket, 403, 'Forbidden');
    if (!guard.tokenAllowed(req)) return reject(socket, 401, 'Unauthorized');
    wss.handleUpgrade(req, socket, head, (ws) => attachApiSocket(options.core, ws));
  });
  await new Promise<void>((resolve, rejectListen) => {
    server.once('error', rejectListen);
    server.listen({ host: '127.0.0.1', port: options.port ?? 0, exclusive: true }, () => {
      server.off('error', rejectListen);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  return {
    port,
    token,
    url: `http://127.0.0.1:${port}/?token=${token}`,
    async close() {
      for (const client of wss.clients) client.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
