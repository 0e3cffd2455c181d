// A raw protocol client for tests: opens a WebSocket to the gateway, records every frame it receives,
// and lets a test wait for frames by predicate. It speaks the wire format directly (no GatewayClient),
// so tests can send anything, including bad input.

import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';

/** A received frame. Payloads are untyped JSON that tests probe freely, hence `any`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyFrame = Record<string, unknown> & { type?: string; id?: string; event?: string; ok?: boolean; payload?: any; error?: any; seq?: number; stateVersion?: { presence: number; health: number } };

export interface CloseInfo {
  code: number;
  reason: string;
}

export interface OpenOptions {
  /** Extra HTTP headers for the upgrade (e.g. X-Forwarded-For, Origin). */
  headers?: Record<string, string>;
}

export interface ConnectOptions {
  token?: string;
  password?: string;
  role?: 'operator' | 'node';
  scopes?: string[];
  client?: Record<string, unknown>;
  /** Extra or overriding ConnectParams keys (e.g. device, caps, commands). */
  params?: Record<string, unknown>;
}

const DEFAULT_WAIT_MS = 5_000;

export class WsTestClient {
  /** Every frame received, in order (non-JSON text is kept as { raw }). */
  readonly frames: AnyFrame[] = [];
  /** The connect.challenge nonce, once received. */
  nonce: string | undefined;
  readonly closed: Promise<CloseInfo>;
  private cursor = 0;
  private consumed = new WeakSet<AnyFrame>();
  private waiters = new Set<() => void>();
  private closeInfo: CloseInfo | undefined;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const text = data.toString();
      let frame: AnyFrame;
      try {
        frame = JSON.parse(text) as AnyFrame;
      } catch {
        frame = { raw: text };
      }
      if (frame.type === 'event' && frame.event === 'connect.challenge') this.nonce = (frame.payload as { nonce?: string })?.nonce;
      this.frames.push(frame);
      this.wake();
    });
    this.closed = new Promise((resolve) => {
      ws.on('close', (code, reason) => {
        this.closeInfo = { code, reason: reason.toString() };
        resolve(this.closeInfo);
        this.wake();
      });
    });
    ws.on('error', () => {
      /* reported through close */
    });
  }

  /** Opens a socket; resolves once it is open (rejects on an HTTP error such as 403). */
  static open(url: string, opts: OpenOptions = {}): Promise<WsTestClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { headers: opts.headers, maxPayload: 64 * 1024 * 1024 });
      const client = new WsTestClient(ws);
      ws.once('open', () => resolve(client));
      ws.once('unexpected-response', (req, res) => {
        req.destroy(); // with this listener, ws leaves the refused request to us
        reject(new Error(`unexpected HTTP ${res.statusCode}`));
      });
      ws.once('error', reject);
    });
  }

  get isClosed(): boolean {
    return this.closeInfo !== undefined;
  }

  /** Sends a frame as JSON text (or binary with `binary: true`); strings are sent verbatim. */
  send(frame: unknown, opts: { binary?: boolean } = {}): void {
    const text = typeof frame === 'string' ? frame : JSON.stringify(frame);
    this.ws.send(opts.binary ? Buffer.from(text, 'utf8') : text, { binary: opts.binary ?? false });
  }

  /** Resolves with the next not-yet-consumed frame matching `match` (frames before it stay unconsumed). */
  next(match: (f: AnyFrame) => boolean = () => true, timeoutMs = DEFAULT_WAIT_MS): Promise<AnyFrame> {
    return new Promise((resolve, reject) => {
      const tryResolve = (): void => {
        const found = this.findUnconsumed(match);
        if (found !== undefined) {
          cleanup();
          resolve(found);
        } else if (this.closeInfo) {
          cleanup();
          reject(new Error(`socket closed (${this.closeInfo.code} ${this.closeInfo.reason}) while waiting for a frame`));
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`timed out after ${timeoutMs} ms waiting for a frame; got: ${JSON.stringify(this.frames.slice(-5)).slice(0, 2000)}`));
      }, timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        this.waiters.delete(tryResolve);
      };
      this.waiters.add(tryResolve);
      tryResolve();
    });
  }

  private findUnconsumed(match: (f: AnyFrame) => boolean): AnyFrame | undefined {
    for (let i = this.cursor; i < this.frames.length; i++) {
      const f = this.frames[i] as AnyFrame;
      if (this.consumed.has(f) || !match(f)) continue;
      this.consumed.add(f);
      while (this.cursor < this.frames.length && this.consumed.has(this.frames[this.cursor] as AnyFrame)) this.cursor++;
      return f;
    }
    return undefined;
  }

  /** Resolves once `check()` is true (re-checked on every frame and on close). */
  waitUntil(check: () => boolean, timeoutMs = DEFAULT_WAIT_MS): Promise<void> {
    return new Promise((resolve, reject) => {
      const test = (): void => {
        if (check()) {
          done();
          resolve();
        } else if (this.closeInfo) {
          done();
          reject(new Error(`socket closed (${this.closeInfo.code} ${this.closeInfo.reason}) before the condition held`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`condition still false after ${timeoutMs} ms`));
      }, timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        this.waiters.delete(test);
      };
      this.waiters.add(test);
      test();
    });
  }

  /** The next event named `event`. */
  event(event: string, timeoutMs?: number): Promise<AnyFrame> {
    return this.next((f) => f.type === 'event' && f.event === event, timeoutMs);
  }

  /** The next response with this id. */
  response(id: string, timeoutMs?: number): Promise<AnyFrame> {
    return this.next((f) => f.type === 'res' && f.id === id, timeoutMs);
  }

  /** Sends a request and resolves with its (first) response. */
  async request(method: string, params?: unknown, opts: { id?: string; binary?: boolean; timeoutMs?: number } = {}): Promise<AnyFrame> {
    const id = opts.id ?? randomUUID();
    const frame: Record<string, unknown> = { type: 'req', id, method };
    if (params !== undefined) frame.params = params;
    this.send(frame, { binary: opts.binary });
    return this.response(id, opts.timeoutMs);
  }

  /** Waits for the challenge, then sends `connect`; resolves with the connect response (ok or not). */
  async connect(opts: ConnectOptions = {}): Promise<AnyFrame> {
    await this.event('connect.challenge');
    return this.request('connect', connectParams(opts));
  }

  /** Resolves when the socket is closed by either side. */
  waitClosed(timeoutMs = DEFAULT_WAIT_MS): Promise<CloseInfo> {
    return Promise.race([
      this.closed,
      new Promise<CloseInfo>((_, reject) => setTimeout(() => reject(new Error(`socket still open after ${timeoutMs} ms`)), timeoutMs).unref()),
    ]);
  }

  close(code?: number): Promise<CloseInfo> {
    if (!this.closeInfo) this.ws.close(code);
    return this.closed;
  }

  /** Drops the TCP connection without a close frame. */
  terminate(): void {
    this.ws.terminate();
  }

  private wake(): void {
    for (const w of [...this.waiters]) w();
  }
}

/** ConnectParams as a test client of ours sends them (client `test`, mode `test`, admin scope). */
export function connectParams(opts: ConnectOptions = {}): Record<string, unknown> {
  const params: Record<string, unknown> = {
    minProtocol: 3,
    maxProtocol: 3,
    client: { id: 'test', version: '0.0.0-test', platform: 'linux', mode: 'test', instanceId: randomUUID(), ...opts.client },
    role: opts.role ?? 'operator',
    scopes: opts.scopes ?? (opts.role === 'node' ? [] : ['operator.admin']),
  };
  const auth: Record<string, string> = {};
  if (opts.token !== undefined) auth.token = opts.token;
  if (opts.password !== undefined) auth.password = opts.password;
  if (Object.keys(auth).length > 0) params.auth = auth;
  return { ...params, ...opts.params };
}

/** Opens a socket and completes the handshake; throws when connect is refused. */
export async function connectClient(url: string, opts: ConnectOptions & OpenOptions = {}): Promise<WsTestClient> {
  const client = await WsTestClient.open(url, { headers: opts.headers });
  const res = await client.connect(opts);
  if (!res.ok) {
    await client.close();
    throw new Error(`connect refused: ${JSON.stringify(res.error)}`);
  }
  return client;
}
