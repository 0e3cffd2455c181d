// Shared bits of the engine tests: a literal ResolvedTarget for a test server (with a known_hosts file
// that trusts it), waiting for a tunnel state, and a WebSocket echo server standing in for the gateway.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import type { Tunnel } from '../../../src/tunnel/supervisor';
import type { TunnelState } from '../../../src/tunnel/tunnel-state';
import type { ResolvedTarget, SshHop } from '../../../src/tunnel/types';

interface ServerLike {
  host: string;
  port: number;
  clientKeyPath: string;
  knownHostsLine?: () => string;
}

let scratch: string | undefined;
let files = 0;

// This module is loaded once per test file: its scratch folder goes when the file's tests are done.
afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
  scratch = undefined;
});

/** A file in the test file's scratch folder. */
export function scratchFile(name: string, content: string): string {
  scratch ??= mkdtempSync(join(tmpdir(), 'cbt-engine-'));
  const path = join(scratch, `${++files}-${name}`);
  writeFileSync(path, content, { mode: 0o600 });
  return path;
}

/** A hop for the server, trusting its host key through a known_hosts file of its own. */
export function hopFor(server: ServerLike, overrides: Partial<SshHop> = {}): SshHop {
  const knownHosts = scratchFile('known_hosts', server.knownHostsLine ? `${server.knownHostsLine()}\n` : '');
  return {
    alias: `${server.host}:${server.port}`,
    hostName: server.host,
    port: server.port,
    user: 'tester',
    identityFiles: [server.clientKeyPath],
    identitiesOnly: true,
    identityAgent: null,
    userKnownHostsFiles: [knownHosts],
    globalKnownHostsFiles: [],
    strictHostKeyChecking: 'yes',
    serverAliveIntervalMs: 5000,
    serverAliveCountMax: 3,
    ...overrides,
  };
}

export function targetFor(server: ServerLike, overrides: Partial<ResolvedTarget> = {}): ResolvedTarget {
  return { ...hopFor(server), jumps: [], source: 'literal', ...overrides };
}

/** Resolves with the first state (current or coming) that matches. */
export function waitForState(tunnel: Tunnel, match: (s: TunnelState) => boolean, timeoutMs = 10_000): Promise<TunnelState> {
  if (match(tunnel.state)) return Promise.resolve(tunnel.state);
  return new Promise((resolve, reject) => {
    const seen: string[] = [];
    const onState = (s: TunnelState): void => {
      seen.push(s.state);
      if (!match(s)) return;
      clearTimeout(timer);
      tunnel.off('state', onState);
      resolve(s);
    };
    const timer = setTimeout(() => {
      tunnel.off('state', onState);
      reject(new Error(`state not reached in ${timeoutMs} ms; saw ${seen.join(' → ') || 'nothing'}; now ${JSON.stringify(tunnel.state)}`));
    }, timeoutMs);
    tunnel.on('state', onState);
  });
}

export const isState = (name: TunnelState['state']) => (s: TunnelState): boolean => s.state === name;

export interface EchoServer {
  port: number;
  connections: number;
  close(): Promise<void>;
}

/** A WebSocket echo server on 127.0.0.1 (port 0 unless given): the "gateway" behind the tunnel. */
export async function startEchoServer(port = 0): Promise<EchoServer> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  const state = { connections: 0 };
  wss.on('connection', (ws) => {
    state.connections++;
    ws.on('message', (data, binary) => ws.send(data, { binary }));
  });
  return {
    port: (wss.address() as net.AddressInfo).port,
    get connections() {
      return state.connections;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of wss.clients) c.terminate();
        wss.close(() => resolve());
      }),
  };
}

/** Opens a WebSocket, sends text, resolves with the echo. */
export async function wsEcho(url: string, text: string, timeoutMs = 5000): Promise<string> {
  const ws = await openWs(url, timeoutMs);
  try {
    return await sendAndReceive(ws, text, timeoutMs);
  } finally {
    ws.close();
  }
}

export function openWs(url: string, timeoutMs = 5000): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error(`no WebSocket open on ${url} within ${timeoutMs} ms`));
    }, timeoutMs);
    ws.once('open', () => {
      clearTimeout(timer);
      resolve(ws);
    });
    ws.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

export function sendAndReceive(ws: WebSocket, text: string, timeoutMs = 5000): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no echo')), timeoutMs);
    ws.once('message', (data) => {
      clearTimeout(timer);
      resolve(String(data));
    });
    ws.send(text);
  });
}

/** Resolves when the socket (or WebSocket) closes. */
export function closed(ws: WebSocket, timeoutMs = 10_000): Promise<number> {
  if (ws.readyState === WebSocket.CLOSED) return Promise.resolve(0);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the WebSocket did not close')), timeoutMs);
    ws.once('close', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

/** A port nothing listens on (bound then released). */
export async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}
