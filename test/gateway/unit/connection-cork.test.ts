// Connection.sendText corks the client's TCP socket for the rest of the tick: every frame sent to one
// client in one tick leaves in one socket write, in order, and bufferedAmount (the slow-consumer rule)
// still counts the corked bytes. A real ws server and client on loopback; the Connection in-process.

import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { Connection, type ConnectionDeps } from '../../../src/gateway/connection';
import type { GatewayContext } from '../../../src/gateway/context';
import { EventHub } from '../../../src/gateway/events/hub';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0).reverse()) c();
});

interface Pair {
  conn: Connection;
  socket: Socket;
  /** Socket-level writes of the gateway side (write + writev calls that reached the kernel). */
  writes: () => number;
  received: string[];
  client: WebSocket;
}

async function pair(): Promise<Pair> {
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, clientTracking: false });
  const noop = (): void => {};
  const ctx = { log: { debug: noop, info: noop, warn: noop, error: noop }, timers: { handshakeMs: 60_000 } } as unknown as GatewayContext;
  const deps = { ctx, onOpen: noop, onClose: noop } as unknown as ConnectionDeps;
  let resolveConn!: (p: { conn: Connection; socket: Socket }) => void;
  const made = new Promise<{ conn: Connection; socket: Socket }>((r) => (resolveConn = r));
  const server: Server = createServer();
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    wss.handleUpgrade(req, socket, head, (ws) => {
      const conn = new Connection(ws, req, { socketIp: '127.0.0.1', clientIp: '127.0.0.1', untrustedProxyHeaders: false, isLocal: true, isLocalDirect: true }, deps, socket);
      resolveConn({ conn, socket: socket as Socket });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const client = new WebSocket(`ws://127.0.0.1:${port}`);
  const received: string[] = [];
  client.on('message', (d) => received.push(String(d)));
  const { conn, socket } = await made;
  await new Promise((r) => client.once('open', r));
  cleanups.push(() => {
    client.terminate();
    conn.terminate();
    server.close();
  });
  // Count what the stream hands to the kernel: _write for single chunks, _writev for a flushed cork.
  let writes = 0;
  const s = socket as unknown as { _write: (...a: unknown[]) => void; _writev?: (...a: unknown[]) => void };
  const origWrite = s._write.bind(socket);
  s._write = (...a) => {
    writes += 1;
    origWrite(...a);
  };
  if (s._writev) {
    const origWritev = s._writev.bind(socket);
    s._writev = (...a) => {
      writes += 1;
      origWritev(...a);
    };
  }
  return { conn, socket, writes: () => writes, received, client };
}

const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 50));

describe('Connection: frames of one tick in one socket write', () => {
  it('sends the frames of one tick in one write, in order, and frames of the next tick in another', async () => {
    const p = await pair();
    await settle();
    p.received.length = 0;
    const before = p.writes();
    p.conn.sendText('{"n":1}');
    p.conn.sendText('{"n":2}');
    p.conn.sendText('{"n":3}');
    expect(p.writes()).toBe(before); // corked until the next tick
    await new Promise((r) => process.nextTick(r));
    expect(p.writes()).toBe(before + 1);
    p.conn.sendText('{"n":4}');
    await settle();
    expect(p.writes()).toBe(before + 2);
    expect(p.received).toEqual(['{"n":1}', '{"n":2}', '{"n":3}', '{"n":4}']);
  });

  it('counts corked bytes in bufferedAmount, so the slow-consumer rule still applies within a tick', async () => {
    const p = await pair();
    await settle();
    expect(p.conn.bufferedAmount()).toBe(0);
    const big = JSON.stringify({ pad: 'x'.repeat(300) });
    p.conn.sendText(big);
    expect(p.conn.bufferedAmount()).toBeGreaterThanOrEqual(big.length);

    // A hub with a 200-byte limit: the second non-droppable broadcast in the same tick finds the first
    // one still buffered (corked) and closes the client; a drop-if-slow one is skipped.
    const hub = new EventHub(200);
    let closed = 0;
    hub.sinks.add({
      role: 'operator',
      scopes: ['operator.admin'],
      bufferedAmount: () => p.conn.bufferedAmount(),
      sendText: (t) => p.conn.sendText(t),
      closeSlowConsumer: () => void closed++,
    });
    hub.broadcast('chat', { text: 'y'.repeat(10) }, { dropIfSlow: true });
    expect(closed).toBe(0);
    hub.broadcast('agent', { text: 'z' });
    expect(closed).toBe(1);
    await settle();
    expect(p.conn.bufferedAmount()).toBe(0);
  });

  it('a close right after frames flushes them before the close frame', async () => {
    const p = await pair();
    await settle();
    p.received.length = 0;
    const closed = new Promise<number>((r) => p.client.once('close', (code) => r(code)));
    p.conn.sendText('{"last":1}');
    p.conn.close(1012, 'service restart');
    expect(await closed).toBe(1012);
    expect(p.received).toEqual(['{"last":1}']);
  });
});
