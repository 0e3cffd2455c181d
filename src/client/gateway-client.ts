/**
 * GatewayClient: one connection to a Clawdbot gateway (protocol v3, docs/protocol.md), in Node and
 * in the browser. Used by the CLI, the desktop core and the Control UI.
 *
 * ```ts
 * // Node: import { createNodeGatewayClient } from 'src/client/node' (ws transport + ~/.clawdbot/identity);
 * // browser: new GatewayClient({...}) uses the global WebSocket.
 * const client = new GatewayClient({
 *   url: 'ws://127.0.0.1:18789',
 *   token,                                  // or password; both optional
 *   clientId: 'gateway-client', clientMode: 'ui',   // CLI: 'cli'/'cli'; default 'gateway-client'/'backend'
 *   scopes: DEFAULT_OPERATOR_SCOPES,        // default admin+approvals+pairing
 *   device, deviceTokens,                   // optional identity: v2 signature, device-token reuse
 *   createWebSocket,                        // transport seam (default: global WebSocket)
 *   reconnect: true,                        // or BackoffOptions; default false (one-shot)
 *   connectTimeoutMs: 10_000, requestTimeoutMs: 30_000, challengeTimeoutMs: 750,
 * });
 * const hello = await client.connect();     // HelloOk; rejects with GatewayError (a ClawdbotError)
 * const health = await client.request('health');
 * const final = await client.request('agent', params, { expectFinal: true, timeoutMs: 600_000, onAccepted });
 * const off = client.onEvent('chat', (payload, frame) => …);  // or client.on('event', frame => …)
 * client.on('hello', h => resync());        // every successful (re)connect
 * client.on('gap', ({ expected, received }) => resync());
 * client.on('state', s => …);               // 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'closed'
 * client.on('close', ({ code, reason, error, willReconnect }) => …);
 * client.on('reconnecting', ({ attempt, delayMs, error }) => …);
 * client.on('connectError', err => …);      // the gateway's connect error, before its close
 * client.state; client.hello;               // current state and the current connection's hello-ok
 * await client.close();                     // clean close (no status code), no reconnect
 * ```
 * Errors: GatewayError (src/client/errors.ts) with errorClass (AuthFailed, PairingRequired,
 * ProtocolMismatch, GatewayUnreachable, GatewayTimeout, RateLimited, Config, Internal), hint,
 * `retryable`, closeCode/closeReason, the server's ErrorShape (`serverError`) and, for a failed
 * two-phase `agent`, its `payload`. With `reconnect`, retryable failures (drops, restarts, 1006, tick
 * timeout 4000) reconnect with capped backoff and jitter; auth, pairing and protocol errors stop.
 * Requests are not queued while disconnected. The tick watchdog closes with 4000 "tick timeout" after
 * 2 × policy.tickIntervalMs without a tick. With device + deviceTokens, hello-ok.auth.deviceToken is
 * stored and sent instead of the shared token next time; a stale one is dropped and the shared secret
 * retried at once (REF-BUG 8). Browser identity: createWebCryptoDeviceIdentity() (browser-device-identity.ts).
 */

import {
  CLIENT_MAX_PAYLOAD_BYTES, PROTOCOL_VERSION, SCOPES,
  type ClientId, type ClientMode, type ConnectParams, type ErrorShape, type EventFrame, type HelloOk, type ResponseFrame, type Role,
} from '../shared/protocol/frames';
import { VERSION } from '../shared/version';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from './backoff';
import { buildDeviceAuthPayload, type DeviceIdentity, type DeviceTokenStore } from './device-auth';
import { TypedEmitter } from './emitter';
import {
  badUrl, clientClosed, connectionClosed, connectRejected, gatewayTimeout, GatewayError, notConnected, requestFailed,
} from './errors';
import { randomId } from './random-id';
import { browserWebSocketFactory, type Transport, type WebSocketFactory } from './transport';

export const DEFAULT_OPERATOR_SCOPES: readonly string[] = [SCOPES.admin, SCOPES.approvals, SCOPES.pairing];

export interface GatewayClientOptions {
  url: string;
  token?: string;
  password?: string;
  clientId?: ClientId;
  clientMode?: ClientMode;
  clientVersion?: string;
  platform?: string;
  displayName?: string;
  instanceId?: string;
  deviceFamily?: string;
  modelIdentifier?: string;
  locale?: string;
  userAgent?: string;
  role?: Role;
  scopes?: readonly string[];
  caps?: string[];
  device?: DeviceIdentity;
  deviceTokens?: DeviceTokenStore;
  createWebSocket?: WebSocketFactory;
  challengeTimeoutMs?: number;
  /** Budget from opening the socket to hello-ok. */
  connectTimeoutMs?: number;
  /** Default per-request timeout; 0 = none. */
  requestTimeoutMs?: number;
  maxPayloadBytes?: number;
  reconnect?: boolean | Partial<BackoffOptions>;
  now?: () => number;
  random?: () => number;
}

export type ConnectionState = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'closed';

export interface RequestOptions {
  /** Overrides requestTimeoutMs; 0 = wait forever. */
  timeoutMs?: number;
  /** Two-phase methods (`agent`): skip the `status:"accepted"` response and resolve on the final one. */
  expectFinal?: boolean;
  onAccepted?: (payload: unknown) => void;
}

export interface GatewayClientEvents extends Record<string, unknown> {
  state: ConnectionState;
  hello: HelloOk;
  event: EventFrame;
  gap: { expected: number; received: number };
  close: { code: number; reason: string; error: GatewayError; willReconnect: boolean };
  reconnecting: { attempt: number; delayMs: number; error: GatewayError };
  connectError: GatewayError;
}

interface Pending {
  method: string;
  expectFinal: boolean;
  onAccepted?: (payload: unknown) => void;
  resolve(payload: unknown): void;
  reject(err: GatewayError): void;
  timer?: ReturnType<typeof setTimeout>;
}

/** One socket's life; callbacks of a replaced socket find `client.conn !== conn` and do nothing. */
interface Connection {
  transport?: Transport;
  connectSent: boolean;
  connectReqId?: string;
  usedStoredToken: boolean;
  hello?: HelloOk;
  connectError?: ErrorShape;
  retryWithSharedSecret: boolean;
  /** A failure decided by this client (timeout, watchdog) that wins over what the close says. */
  failure?: GatewayError;
  cause?: string;
  connectTimer?: ReturnType<typeof setTimeout>;
  challengeTimer?: ReturnType<typeof setTimeout>;
  /** After a connect error or our close frame: how long we wait for the peer's close. */
  closeTimer?: ReturnType<typeof setTimeout>;
  watchdog?: ReturnType<typeof setInterval>;
}

function clearTimers(conn: Connection): void {
  clearTimeout(conn.connectTimer);
  clearTimeout(conn.challengeTimer);
  clearTimeout(conn.closeTimer);
  clearInterval(conn.watchdog);
}

const CONNECT_CLOSE_GRACE_MS = 1000;

function platformName(): string {
  const p = (globalThis as { process?: { platform?: string } }).process?.platform;
  if (p) return p;
  const nav = (globalThis as { navigator?: { platform?: string } }).navigator;
  return nav?.platform || 'web';
}

export class GatewayClient extends TypedEmitter<GatewayClientEvents> {
  readonly url: string;
  private readonly opts: GatewayClientOptions;
  private readonly instanceId: string;
  private readonly createWebSocket: WebSocketFactory;
  private readonly backoff: BackoffOptions | undefined;
  private readonly now: () => number;
  private conn?: Connection;
  private readonly pending = new Map<string, Pending>();
  private waiter?: { promise: Promise<HelloOk>; resolve(h: HelloOk): void; reject(e: GatewayError): void };
  private currentState: ConnectionState = 'idle';
  private closedByUser = false;
  private attempt = 0;
  private reconnectTimer?: ReturnType<typeof setTimeout>;
  private lastSeq?: number;
  private lastTickAt = 0;
  private closeDone?: () => void;
  /** Set for the one immediate retry after a stale device token was dropped (REF-BUG 8). */
  private skipStoredTokenOnce = false;

  constructor(options: GatewayClientOptions) {
    super();
    this.opts = options;
    this.url = options.url;
    this.instanceId = options.instanceId ?? randomId();
    this.createWebSocket = options.createWebSocket ?? browserWebSocketFactory;
    this.backoff = options.reconnect ? { ...DEFAULT_BACKOFF, ...(options.reconnect === true ? {} : options.reconnect) } : undefined;
    this.now = options.now ?? Date.now;
  }

  get state(): ConnectionState {
    return this.currentState;
  }

  /** The hello-ok of the current connection. */
  get hello(): HelloOk | undefined {
    return this.conn?.hello;
  }

  get role(): Role {
    return this.opts.role ?? 'operator';
  }

  /** Opens the connection; resolves with hello-ok. With `reconnect`, retryable failures are retried first. */
  connect(): Promise<HelloOk> {
    if (this.conn?.hello) return Promise.resolve(this.conn.hello);
    if (this.waiter) return this.waiter.promise;
    this.closedByUser = false;
    if (!this.conn && !this.reconnectTimer) this.attempt = 0;
    let resolve!: (h: HelloOk) => void;
    let reject!: (e: GatewayError) => void;
    const promise = new Promise<HelloOk>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    this.waiter = { promise, resolve, reject };
    // A handshake already under way (a reconnect) will resolve the waiter; a pending retry starts now.
    if (this.conn) return promise;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    this.open();
    return promise;
  }

  /** Sends a request and resolves with the response payload (or rejects with GatewayError). */
  request<T = unknown>(method: string, params?: unknown, options: RequestOptions = {}): Promise<T> {
    const conn = this.conn;
    if (!conn?.hello || !conn.transport) return Promise.reject(notConnected());
    const id = randomId();
    const frame = params === undefined ? { type: 'req', id, method } : { type: 'req', id, method, params };
    return new Promise<T>((resolve, reject) => {
      const p: Pending = { method, expectFinal: options.expectFinal ?? false, onAccepted: options.onAccepted, resolve: resolve as (v: unknown) => void, reject };
      const timeoutMs = options.timeoutMs ?? this.opts.requestTimeoutMs ?? 30_000;
      if (timeoutMs > 0 && Number.isFinite(timeoutMs)) {
        p.timer = setTimeout(() => {
          this.pending.delete(id);
          reject(gatewayTimeout(timeoutMs, method));
        }, timeoutMs);
      }
      this.pending.set(id, p);
      try {
        conn.transport?.send(JSON.stringify(frame));
      } catch (err) {
        this.pending.delete(id);
        if (p.timer) clearTimeout(p.timer);
        reject(new GatewayError('GatewayUnreachable', `gateway send failed: ${err instanceof Error ? err.message : String(err)}`, 'The connection is closing; try again after the reconnect.'));
      }
    });
  }

  /** Listens to one event by name; returns the unsubscribe function. */
  onEvent(name: string, listener: (payload: unknown, frame: EventFrame) => void): () => void {
    return this.on('event', (frame) => {
      if (frame.event === name) listener(frame.payload, frame);
    });
  }

  /** Closes cleanly (a close frame without status, as the CLI does) and stops reconnecting. */
  close(): Promise<void> {
    this.closedByUser = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    const conn = this.conn;
    if (!conn) {
      this.failWaiter(clientClosed());
      this.setState('closed');
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      this.closeDone = resolve;
      conn.transport?.close();
      // A frozen peer never answers the close frame; do not wait for it.
      clearTimeout(conn.closeTimer);
      conn.closeTimer = setTimeout(() => this.finish(conn, 1005, '', clientClosed()), CONNECT_CLOSE_GRACE_MS);
    });
  }

  private setState(state: ConnectionState): void {
    if (state === this.currentState) return;
    this.currentState = state;
    this.emit('state', state);
  }

  private open(): void {
    const conn: Connection = { connectSent: false, usedStoredToken: false, retryWithSharedSecret: false };
    this.conn = conn;
    this.lastSeq = undefined;
    this.setState(this.attempt > 0 ? 'reconnecting' : 'connecting');
    let parsed: URL | undefined;
    try {
      parsed = new URL(this.url);
    } catch {
      parsed = undefined;
    }
    if (!parsed || (parsed.protocol !== 'ws:' && parsed.protocol !== 'wss:')) {
      this.finish(conn, 1006, '', badUrl(this.url, parsed ? `the scheme must be ws:// or wss://, not ${parsed.protocol}//` : 'not a URL'));
      return;
    }
    const connectTimeoutMs = this.opts.connectTimeoutMs ?? 10_000;
    conn.connectTimer = setTimeout(() => this.abandon(conn, 1008, 'connect failed', gatewayTimeout(connectTimeoutMs, 'connect')), connectTimeoutMs);
    const maxPayloadBytes = this.opts.maxPayloadBytes ?? CLIENT_MAX_PAYLOAD_BYTES;
    try {
      conn.transport = this.createWebSocket(this.url, {
        onOpen: () => {
          if (this.conn !== conn) return;
          // Spec §2.1: no challenge within 750 ms → connect without a nonce (accepted from loopback only).
          conn.challengeTimer = setTimeout(() => void this.sendConnect(conn, undefined), this.opts.challengeTimeoutMs ?? 750);
        },
        onMessage: (data) => {
          if (this.conn !== conn) return;
          const size = typeof data === 'string' ? data.length : data.byteLength;
          if (size > maxPayloadBytes) {
            this.abandon(conn, 1009, 'frame too large', connectionClosed(1009, 'frame too large'));
            return;
          }
          this.handleMessage(conn, typeof data === 'string' ? data : new TextDecoder().decode(data));
        },
        onError: (cause) => {
          if (this.conn === conn && cause) conn.cause = cause;
        },
        onClose: (code, reason) => this.finish(conn, code, reason),
      }, { maxPayloadBytes });
    } catch (err) {
      this.finish(conn, 1006, '', badUrl(this.url, err instanceof Error ? err.message : String(err)));
    }
  }

  private async sendConnect(conn: Connection, nonce: string | undefined): Promise<void> {
    if (conn.connectSent || this.conn !== conn) return;
    conn.connectSent = true;
    const o = this.opts;
    const role = this.role;
    const scopes = [...(o.scopes ?? DEFAULT_OPERATOR_SCOPES)];
    const clientId = o.clientId ?? 'gateway-client';
    const clientMode = o.clientMode ?? 'backend';
    try {
      let token = o.token || undefined;
      if (o.device && o.deviceTokens && !this.skipStoredTokenOnce) {
        const stored = await o.deviceTokens.load(o.device.deviceId, role);
        if (stored) {
          token = stored.token;
          conn.usedStoredToken = true;
        }
      }
      const params: ConnectParams = {
        minProtocol: PROTOCOL_VERSION,
        maxProtocol: PROTOCOL_VERSION,
        client: {
          id: clientId,
          ...(o.displayName ? { displayName: o.displayName } : {}),
          version: o.clientVersion ?? VERSION,
          platform: o.platform ?? platformName(),
          ...(o.deviceFamily ? { deviceFamily: o.deviceFamily } : {}),
          ...(o.modelIdentifier ? { modelIdentifier: o.modelIdentifier } : {}),
          mode: clientMode,
          instanceId: this.instanceId,
        },
        caps: o.caps ?? [],
        ...(token || o.password ? { auth: { ...(token ? { token } : {}), ...(o.password ? { password: o.password } : {}) } } : {}),
        role,
        scopes,
        ...(o.locale ? { locale: o.locale } : {}),
        ...(o.userAgent ? { userAgent: o.userAgent } : {}),
      };
      if (o.device) {
        const signedAt = this.now();
        const payload = buildDeviceAuthPayload({ deviceId: o.device.deviceId, clientId, clientMode, role, scopes, signedAtMs: signedAt, token, nonce });
        const signature = await o.device.sign(payload);
        params.device = { id: o.device.deviceId, publicKey: o.device.publicKey, signature, signedAt, ...(nonce ? { nonce } : {}) };
      }
      if (this.conn !== conn || !conn.transport) return;
      conn.connectReqId = randomId();
      conn.transport.send(JSON.stringify({ type: 'req', id: conn.connectReqId, method: 'connect', params }));
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      this.abandon(conn, 1008, 'connect failed', new GatewayError('Internal', `could not prepare the connect request: ${why}`, 'Check the device identity files under ~/.clawdbot/identity.'));
    }
  }

  private handleMessage(conn: Connection, text: string): void {
    let frame: unknown;
    try {
      frame = JSON.parse(text);
    } catch {
      return; // not ours to fix; the gateway only sends JSON
    }
    if (frame === null || typeof frame !== 'object') return;
    const f = frame as { type?: unknown };
    if (f.type === 'res') this.handleResponse(conn, frame as ResponseFrame);
    else if (f.type === 'event') this.handleEvent(conn, frame as EventFrame);
  }

  private handleResponse(conn: Connection, res: ResponseFrame): void {
    if (res.id === conn.connectReqId && !conn.hello) {
      this.handleConnectResponse(conn, res);
      return;
    }
    const p = this.pending.get(res.id);
    if (!p) return;
    if (p.expectFinal && res.ok && (res.payload as { status?: unknown } | undefined)?.status === 'accepted') {
      p.onAccepted?.(res.payload);
      return;
    }
    this.pending.delete(res.id);
    if (p.timer) clearTimeout(p.timer);
    if (res.ok) p.resolve(res.payload);
    else p.reject(requestFailed(res.error ?? { code: 'UNAVAILABLE', message: `${p.method} failed` }, res.payload));
  }

  private handleConnectResponse(conn: Connection, res: ResponseFrame): void {
    const o = this.opts;
    if (!res.ok) {
      const error = res.error ?? { code: 'UNAVAILABLE', message: 'connect failed' };
      conn.connectError = error;
      // REF-BUG 8: a stale stored device token is dropped and the shared secret retried at once.
      if (conn.usedStoredToken && /token mismatch/.test(error.message) && (o.token || o.password) && o.device && o.deviceTokens) {
        conn.retryWithSharedSecret = true;
        void Promise.resolve(o.deviceTokens.clear(o.device.deviceId, this.role)).catch(() => undefined);
      } else {
        this.emit('connectError', connectRejected(error, 1008, error.message));
      }
      // The gateway closes right after its error; close ourselves if it does not.
      conn.closeTimer = setTimeout(() => this.abandon(conn, 1008, 'connect failed'), CONNECT_CLOSE_GRACE_MS);
      return;
    }
    const hello = res.payload as HelloOk;
    if (!hello || hello.type !== 'hello-ok' || hello.protocol !== PROTOCOL_VERSION) {
      this.abandon(conn, 1002, 'protocol mismatch', connectionClosed(1002, `unexpected hello from the gateway (protocol ${String(hello?.protocol)})`));
      return;
    }
    clearTimeout(conn.connectTimer);
    conn.hello = hello;
    this.attempt = 0;
    if (hello.auth?.deviceToken && o.device && o.deviceTokens) {
      const entry = { token: hello.auth.deviceToken, role: hello.auth.role, scopes: hello.auth.scopes ?? [], updatedAtMs: this.now() };
      void Promise.resolve(o.deviceTokens.save(o.device.deviceId, entry)).catch(() => undefined);
    }
    this.startWatchdog(conn, hello.policy?.tickIntervalMs);
    this.setState('connected');
    this.emit('hello', hello);
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.resolve(hello);
  }

  private handleEvent(conn: Connection, frame: EventFrame): void {
    if (frame.event === 'connect.challenge') {
      const nonce = (frame.payload as { nonce?: unknown } | undefined)?.nonce;
      if (!conn.connectSent) {
        clearTimeout(conn.challengeTimer);
        void this.sendConnect(conn, typeof nonce === 'string' ? nonce : undefined);
      }
      return;
    }
    if (frame.event === 'tick') this.lastTickAt = this.now();
    if (typeof frame.seq === 'number') {
      if (this.lastSeq !== undefined && frame.seq > this.lastSeq + 1) this.emit('gap', { expected: this.lastSeq + 1, received: frame.seq });
      if (this.lastSeq === undefined || frame.seq > this.lastSeq) this.lastSeq = frame.seq;
    }
    this.emit('event', frame);
  }

  /** Spec §6: hello-ok counts as a tick; more than 2 × tickIntervalMs of silence closes with 4000. */
  private startWatchdog(conn: Connection, tickIntervalMs: number | undefined): void {
    const interval = typeof tickIntervalMs === 'number' && tickIntervalMs > 0 ? tickIntervalMs : 30_000;
    this.lastTickAt = this.now();
    conn.watchdog = setInterval(() => {
      if (this.now() - this.lastTickAt > 2 * interval) this.abandon(conn, 4000, 'tick timeout', connectionClosed(4000, 'tick timeout'));
    }, interval);
  }

  /** Closes this socket and treats it as closed now, without waiting for a peer that may never answer. */
  private abandon(conn: Connection, code: number, reason: string, failure?: GatewayError): void {
    if (this.conn !== conn) return;
    if (failure) conn.failure = failure;
    try {
      conn.transport?.close(code, reason);
    } catch {
      // already closing
    }
    this.finish(conn, code, reason);
  }

  private failWaiter(error: GatewayError): void {
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.reject(error);
  }

  /** The single place where a socket ends: decide the error, reject requests, maybe reconnect. */
  private finish(conn: Connection, code: number, reason: string, override?: GatewayError): void {
    if (this.conn !== conn) return;
    this.conn = undefined;
    clearTimers(conn);
    const error = override ?? conn.failure
      ?? (conn.connectError ? connectRejected(conn.connectError, code, reason) : connectionClosed(code, reason, conn.cause));
    for (const p of this.pending.values()) {
      if (p.timer) clearTimeout(p.timer);
      p.reject(this.closedByUser ? clientClosed() : error);
    }
    this.pending.clear();

    if (this.closedByUser) {
      this.emit('close', { code, reason, error, willReconnect: false });
      this.failWaiter(clientClosed());
      this.setState('closed');
      const done = this.closeDone;
      this.closeDone = undefined;
      done?.();
      return;
    }
    this.skipStoredTokenOnce = conn.retryWithSharedSecret;
    if (conn.retryWithSharedSecret) {
      this.open();
      return;
    }
    const willReconnect = !!this.backoff && error.retryable;
    this.emit('close', { code, reason, error, willReconnect });
    if (!willReconnect || !this.backoff) {
      this.failWaiter(error);
      this.setState('closed');
      return;
    }
    const delayMs = backoffDelay(this.attempt, this.backoff, this.opts.random);
    this.attempt += 1;
    this.setState('reconnecting');
    this.emit('reconnecting', { attempt: this.attempt, delayMs, error });
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      if (!this.closedByUser) this.open();
    }, delayMs);
  }
}
