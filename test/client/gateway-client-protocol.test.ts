// GatewayClient against a scripted peer on a real loopback socket, for what a real gateway does not
// do on demand: no challenge, out-of-order and two-phase answers, seq gaps, a silent peer.

import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { GatewayClient } from '../../src/client/gateway-client';
import { GatewayError } from '../../src/client/errors';
import { nodeWebSocketFactory } from '../../src/client/node/ws-transport';

type Script = (ws: WebSocket, frame: { id: string; method: string; params?: Record<string, unknown> }) => void;

const servers: WebSocketServer[] = [];
const clients: GatewayClient[] = [];

function hello(tickIntervalMs = 30_000): Record<string, unknown> {
  return {
    type: 'hello-ok', protocol: 3, server: { version: 't', connId: 'c' }, features: { methods: [], events: [] },
    snapshot: { presence: [], health: {}, stateVersion: { presence: 0, health: 0 }, uptimeMs: 0 },
    policy: { maxPayload: 524288, maxBufferedBytes: 1572864, tickIntervalMs },
  };
}

async function peer(opts: { challenge?: boolean; tickIntervalMs?: number; onRequest?: Script }): Promise<{ url: string; connects: Array<Record<string, unknown>> }> {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  servers.push(wss);
  await new Promise((r) => wss.once('listening', r));
  const connects: Array<Record<string, unknown>> = [];
  wss.on('connection', (ws) => {
    if (opts.challenge !== false) ws.send(JSON.stringify({ type: 'event', event: 'connect.challenge', payload: { nonce: 'nonce-1', ts: Date.now() } }));
    ws.on('message', (data) => {
      const frame = JSON.parse(data.toString());
      if (frame.method === 'connect') {
        connects.push(frame.params);
        ws.send(JSON.stringify({ type: 'res', id: frame.id, ok: true, payload: hello(opts.tickIntervalMs) }));
      } else opts.onRequest?.(ws, frame);
    });
  });
  const { port } = wss.address() as { port: number };
  return { url: `ws://127.0.0.1:${port}`, connects };
}

function client(url: string, extra: Partial<ConstructorParameters<typeof GatewayClient>[0]> = {}): GatewayClient {
  const c = new GatewayClient({ url, token: 'T', createWebSocket: nodeWebSocketFactory, ...extra });
  clients.push(c);
  return c;
}

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  for (const s of servers.splice(0)) {
    for (const ws of s.clients) ws.terminate();
    await new Promise((r) => s.close(r));
  }
});

describe('GatewayClient protocol handling', () => {
  it('sends the challenge nonce-less connect when no challenge comes', async () => {
    const p = await peer({ challenge: false });
    await client(p.url, { challengeTimeoutMs: 50 }).connect();
    expect(p.connects[0]).toMatchObject({ minProtocol: 3, maxProtocol: 3, auth: { token: 'T' }, role: 'operator', client: { id: 'gateway-client', mode: 'backend' } });
  });

  it('matches responses by id when they come back out of order', async () => {
    const p = await peer({
      onRequest: (ws, f) => setTimeout(() => ws.send(JSON.stringify({ type: 'res', id: f.id, ok: true, payload: f.method })), f.method === 'slow' ? 80 : 1),
    });
    const c = client(p.url);
    await c.connect();
    const order: string[] = [];
    await Promise.all(['slow', 'fast'].map((m) => c.request(m).then((v) => order.push(v as string))));
    expect(order).toEqual(['fast', 'slow']);
  });

  it('expectFinal skips the "accepted" response of a two-phase method', async () => {
    const p = await peer({
      onRequest: (ws, f) => {
        ws.send(JSON.stringify({ type: 'res', id: f.id, ok: true, payload: { runId: 'r', status: 'accepted' } }));
        setTimeout(() => ws.send(JSON.stringify({ type: 'res', id: f.id, ok: false, payload: { runId: 'r', status: 'error', summary: 'no model' }, error: { code: 'UNAVAILABLE', message: 'no model' } })), 20);
      },
    });
    const c = client(p.url);
    await c.connect();
    const accepted: unknown[] = [];
    expect(await c.request('agent', {})).toEqual({ runId: 'r', status: 'accepted' });
    const err = await c.request('agent', {}, { expectFinal: true, onAccepted: (a) => accepted.push(a) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GatewayError);
    expect((err as GatewayError).message).toBe('no model');
    expect((err as GatewayError).payload).toEqual({ runId: 'r', status: 'error', summary: 'no model' });
    expect(accepted).toHaveLength(1);
  });

  it('reports seq gaps and times out requests', async () => {
    const p = await peer({
      onRequest: (ws, f) => {
        if (f.method !== 'emit') return; // never answers anything else
        for (const seq of [7, 8, 11]) ws.send(JSON.stringify({ type: 'event', event: 'presence', seq, payload: {} }));
        ws.send(JSON.stringify({ type: 'res', id: f.id, ok: true }));
      },
    });
    const c = client(p.url);
    const gaps: unknown[] = [];
    c.on('gap', (g) => gaps.push(g));
    await c.connect();
    await c.request('emit');
    expect(gaps).toEqual([{ expected: 9, received: 11 }]);
    await expect(c.request('never', {}, { timeoutMs: 30 })).rejects.toMatchObject({ errorClass: 'GatewayTimeout', message: 'gateway timeout after 30ms (never)' });
  });

  it('closes with 4000 "tick timeout" when the ticks stop', async () => {
    const p = await peer({ tickIntervalMs: 40 });
    const c = client(p.url);
    const closed = new Promise<{ code: number; reason: string }>((r) => c.on('close', r));
    await c.connect();
    expect(await closed).toMatchObject({ code: 4000, reason: 'tick timeout', willReconnect: false });
    expect(c.state).toBe('closed');
  });

  it('rejects pending requests when the connection drops, with the close code', async () => {
    const p = await peer({ onRequest: (ws) => ws.close(1012, 'service restart') });
    const c = client(p.url);
    await c.connect();
    await expect(c.request('health')).rejects.toMatchObject({ errorClass: 'GatewayUnreachable', closeCode: 1012, message: 'gateway closed (1012): service restart' });
  });

  it('refuses a URL that is not ws:// or wss://', async () => {
    await expect(client('http://127.0.0.1:1').connect()).rejects.toMatchObject({ errorClass: 'Config' });
  });
});

describe('GatewayClient reconnect with a scripted peer', () => {
  it('retries the first connect while nothing listens, then connects once the peer is up', async () => {
    const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await new Promise((r) => wss.once('listening', r));
    const { port } = wss.address() as { port: number };
    await new Promise((r) => wss.close(r)); // the port is now closed
    const c = client(`ws://127.0.0.1:${port}`, { challengeTimeoutMs: 20, reconnect: { initialMs: 30, maxMs: 60, jitter: 0 } });
    const attempts: number[] = [];
    c.on('reconnecting', ({ attempt, delayMs, error }) => {
      attempts.push(attempt);
      expect(error.errorClass).toBe('GatewayUnreachable');
      expect(delayMs).toBeLessThanOrEqual(60);
    });
    const connected = c.connect();
    await new Promise<void>((r) => {
      const off = c.on('reconnecting', ({ attempt }) => {
        if (attempt >= 2) {
          off();
          r();
        }
      });
    });
    const up = await peerOn(port);
    await connected;
    expect(attempts.length).toBeGreaterThanOrEqual(2);
    expect(up.connects).toHaveLength(1);
    await c.close();
    expect(c.state).toBe('closed');
  });
});

/** A scripted peer on a given port (for the reconnect test). */
async function peerOn(port: number): Promise<{ connects: unknown[] }> {
  const wss = new WebSocketServer({ port, host: '127.0.0.1' });
  servers.push(wss);
  await new Promise((r) => wss.once('listening', r));
  const connects: unknown[] = [];
  wss.on('connection', (ws) => {
    ws.on('message', (data) => {
      const frame = JSON.parse(data.toString());
      if (frame.method !== 'connect') return;
      connects.push(frame.params);
      ws.send(JSON.stringify({ type: 'res', id: frame.id, ok: true, payload: hello() }));
    });
  });
  return { connects };
}
