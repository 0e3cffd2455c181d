// One WebSocket client: the challenge, the handshake (10 s to send `connect`), then requests and
// events. Frames are text or binary UTF-8 JSON; the server always sends text.

import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { hostname } from 'node:os';
import type { Duplex } from 'node:stream';
import type { RawData, WebSocket } from 'ws';
import { MAX_BUFFERED_BYTES, MAX_PAYLOAD_BYTES, PROTOCOL_VERSION, type ErrorShape, type HelloOk, type RequestFrame } from '../shared/protocol/frames';
import { checkRequestFrame, idOfInvalidFrame } from '../shared/protocol/validators';
import { VERSION } from '../shared/version';
import type { AuthRateLimiter } from './auth/rate-limiter';
import type { GatewayContext } from './context';
import type { EventSink } from './events/hub';
import { runHandshake, type HandshakeOk } from './handshake';
import { authorizeMethod } from './methods/authorize';
import { invalidRequest, unavailable, type Caller, type MethodTable, type Responder } from './methods/types';
import { isLoopbackIp, type PeerInfo } from './net/peer';
import { gatewayConfig } from '../config/effective';
import { allowedCommands } from './nodes/allowlist';
import { PresenceTracker, type PresenceClient } from './state/presence';

export const ADVERTISED_EVENTS = [
  'connect.challenge', 'agent', 'chat', 'presence', 'tick', 'talk.mode', 'shutdown', 'health', 'heartbeat', 'cron',
  'node.pair.requested', 'node.pair.resolved', 'node.invoke.request', 'device.pair.requested', 'device.pair.resolved',
  'voicewake.changed', 'exec.approval.requested', 'exec.approval.resolved',
];

const DEFAULT_VOICEWAKE_TRIGGERS = ['clawd', 'claude', 'computer'];
const MAX_CLOSE_REASON_BYTES = 120;
const MAX_QUEUED_DURING_CONNECT = 64;

export interface ConnectionDeps {
  ctx: GatewayContext;
  limiter: AuthRateLimiter;
  methods: MethodTable<unknown>;
  methodNames: string[];
  onOpen(conn: Connection): void;
  onClose(conn: Connection): void;
}

/** Cuts a close reason to 120 bytes without splitting a character. */
export function closeReason(text: string): string {
  let out = text;
  while (Buffer.byteLength(out, 'utf8') > MAX_CLOSE_REASON_BYTES) out = out.slice(0, -1);
  return out;
}

function rawToText(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}

export class Connection implements EventSink {
  readonly connId = randomUUID();
  readonly nonce = randomUUID();
  role: 'operator' | 'node' = 'operator';
  scopes: string[] = [];
  caller: Caller | undefined;
  private state: 'awaiting-connect' | 'connecting' | 'open' | 'closed' = 'awaiting-connect';
  private handshakeTimer: NodeJS.Timeout | undefined;
  private queued: string[] = [];
  private presenceClient: PresenceClient | undefined;
  /** Requests whose handler has not answered yet (shutdown waits for them). */
  private unanswered = 0;
  /** The socket is corked until the next tick (see sendText). */
  private corked = false;

  constructor(
    private readonly ws: WebSocket,
    private readonly req: IncomingMessage,
    readonly peer: PeerInfo,
    private readonly deps: ConnectionDeps,
    /** The TCP socket under `ws` (the upgrade's socket): frames of one tick are corked into one write. */
    private readonly socket?: Duplex,
  ) {
    ws.on('message', (data) => this.onMessage(rawToText(data)));
    ws.on('close', () => this.onClose());
    ws.on('error', (err) => deps.ctx.log.debug('socket error', { conn: this.connId, error: err.message }));
    this.sendFrame({ type: 'event', event: 'connect.challenge', payload: { nonce: this.nonce, ts: Date.now() } });
    // The reference closes a silent client with 1000 and an empty reason (§2.1).
    this.handshakeTimer = setTimeout(() => this.close(1000), deps.ctx.timers.handshakeMs);
  }

  get pendingRequests(): number {
    return this.unanswered;
  }

  get isOpen(): boolean {
    return this.state === 'open';
  }

  bufferedAmount(): number {
    return this.ws.bufferedAmount;
  }

  /**
   * Sends one frame. Every frame sent to this client in the same tick (e.g. the `agent` event and the
   * `chat` delta of one model chunk, or a response and the events right behind it) leaves in one socket
   * write: the socket is corked at the first frame and uncorked on the next tick. A forwarder that does
   * not coalesce (sshd without a tty runs with Nagle) then never sees one chunk's frames as two small
   * packets, the second of which could wait for the client's delayed ACK. Order is kept (one socket,
   * one buffer); bufferedAmount still counts the corked bytes (ws adds the socket's writableLength).
   */
  sendText(text: string): void {
    if (this.ws.readyState !== this.ws.OPEN) return;
    this.corkUntilNextTick();
    this.ws.send(text);
  }

  private corkUntilNextTick(): void {
    const socket = this.socket;
    if (this.corked || !socket || socket.destroyed || !socket.writable) return;
    this.corked = true;
    socket.cork();
    process.nextTick(() => {
      this.corked = false;
      // end() (the close handshake) or destroy() may have flushed it already; uncork of an uncorked
      // socket does nothing.
      if (socket.writableCorked > 0) socket.uncork();
    });
  }

  closeSlowConsumer(): void {
    this.deps.ctx.log.warn('closing slow consumer', { conn: this.connId, buffered: this.ws.bufferedAmount });
    this.close(1008, 'slow consumer');
  }

  close(code: number, reason = ''): void {
    if (this.ws.readyState === this.ws.OPEN || this.ws.readyState === this.ws.CONNECTING) this.ws.close(code, closeReason(reason));
  }

  onceClosed(fn: () => void): void {
    if (this.ws.readyState === this.ws.CLOSED) fn();
    else this.ws.once('close', fn);
  }

  terminate(): void {
    this.ws.terminate();
  }

  private sendFrame(frame: unknown): void {
    this.sendText(JSON.stringify(frame));
  }

  private sendResponse(id: string, ok: boolean, payload: unknown, error?: ErrorShape): void {
    const frame: Record<string, unknown> = { type: 'res', id, ok };
    if (payload !== undefined) frame.payload = payload;
    if (error) frame.error = error;
    this.sendFrame(frame);
  }

  private onMessage(text: string): void {
    if (this.state === 'closed') return;
    if (this.state === 'awaiting-connect') void this.onFirstFrame(text);
    else if (this.state === 'connecting') {
      // A client may pipeline requests behind `connect`; they run after hello-ok. Only a few, though.
      if (this.queued.length >= MAX_QUEUED_DURING_CONNECT) this.close(1008, 'too many frames before hello-ok');
      else this.queued.push(text);
    } else this.onRequestText(text);
  }

  private async onFirstFrame(text: string): Promise<void> {
    clearTimeout(this.handshakeTimer);
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      this.state = 'closed';
      this.close(1000);
      return;
    }
    const checked = checkRequestFrame(parsed);
    if (!checked.ok) {
      this.state = 'closed';
      this.close(1008, 'invalid request frame');
      return;
    }
    this.state = 'connecting';
    const frame = checked.value;
    const { ctx, limiter } = this.deps;
    let outcome: Awaited<ReturnType<typeof runHandshake>>;
    try {
      outcome = await runHandshake(ctx, limiter, { frame, nonce: this.nonce, peer: this.peer, tailscale: this.tailscaleHeaders() });
    } catch (err) {
      ctx.log.error('handshake failed', { conn: this.connId, error: err as Error });
      outcome = { ok: false, error: unavailable((err as Error).message), closeCode: 1011 };
    }
    if (this.ws.readyState !== this.ws.OPEN) return;
    if (!outcome.ok) {
      this.state = 'closed';
      this.sendResponse(frame.id, false, undefined, outcome.error);
      this.close(outcome.closeCode, outcome.reason ?? outcome.error.message);
      return;
    }
    this.open(frame, outcome);
  }

  private tailscaleHeaders(): { login?: string; forwardedFor?: string; forwardedProto?: string; forwardedHost?: string } {
    const h = (name: string): string | undefined => {
      const v = this.req.headers[name];
      return Array.isArray(v) ? v[0] : v;
    };
    return { login: h('tailscale-user-login'), forwardedFor: h('x-forwarded-for'), forwardedProto: h('x-forwarded-proto'), forwardedHost: h('x-forwarded-host') };
  }

  private open(frame: RequestFrame, hs: HandshakeOk): void {
    const { ctx } = this.deps;
    const { params } = hs;
    this.role = hs.role;
    this.scopes = hs.scopes;
    const remoteIp = this.peer.untrustedProxyHeaders ? undefined : this.peer.clientIp;
    this.caller = {
      connId: this.connId,
      clientId: params.client.id,
      clientMode: params.client.mode,
      ...(params.client.displayName ? { displayName: params.client.displayName } : {}),
      role: hs.role,
      scopes: hs.scopes,
      ...(hs.deviceId ? { deviceId: hs.deviceId } : {}),
      ...(remoteIp ? { remoteIp } : {}),
      isLocal: this.peer.isLocal,
      sendEvent: (event, payload) => this.sendFrame({ type: 'event', event, payload }),
    };
    const hello: HelloOk = {
      type: 'hello-ok',
      protocol: PROTOCOL_VERSION,
      server: { version: VERSION, host: hostname(), connId: this.connId },
      features: { methods: this.deps.methodNames, events: ADVERTISED_EVENTS },
      snapshot: {
        presence: ctx.presence.list(),
        health: ctx.health.snapshot(),
        stateVersion: { ...ctx.hub.stateVersion },
        uptimeMs: Date.now() - ctx.startedAt,
        configPath: ctx.configPath,
        stateDir: ctx.stateDir,
        sessionDefaults: { defaultAgentId: 'main', mainKey: 'main', mainSessionKey: 'agent:main:main', scope: 'per-sender' },
      },
      ...(hs.deviceToken
        ? { auth: { deviceToken: hs.deviceToken.token, role: hs.role, scopes: hs.deviceToken.scopes, issuedAtMs: hs.deviceToken.rotatedAtMs ?? hs.deviceToken.createdAtMs } }
        : {}),
      policy: { maxPayload: MAX_PAYLOAD_BYTES, maxBufferedBytes: MAX_BUFFERED_BYTES, tickIntervalMs: ctx.timers.tickMs },
    };
    this.sendResponse(frame.id, true, hello);
    this.state = 'open';
    ctx.log.info('client connected', { conn: this.connId, client: params.client.id, mode: params.client.mode, role: hs.role, auth: hs.authMethod, ip: this.peer.clientIp });

    if (PresenceTracker.isTracked(params.client.mode)) {
      this.presenceClient = {
        connId: this.connId,
        displayName: params.client.displayName,
        clientId: params.client.id,
        version: params.client.version,
        platform: params.client.platform,
        deviceFamily: params.client.deviceFamily,
        modelIdentifier: params.client.modelIdentifier,
        mode: params.client.mode,
        role: hs.role,
        scopes: hs.scopes,
        instanceId: params.client.instanceId,
        deviceId: hs.deviceId,
        // As the reference: loopback clients (and clients behind untrusted proxies) show no ip.
        ip: remoteIp && !isLoopbackIp(remoteIp) ? remoteIp : undefined,
      };
      ctx.presence.update(this.presenceClient, 'connect');
      ctx.hub.stateVersion.presence += 1;
    }
    if (hs.role === 'node') this.registerNode(hs, remoteIp);
    this.deps.onOpen(this);
    if (this.presenceClient) ctx.hub.broadcast('presence', { presence: ctx.presence.list() }, { dropIfSlow: true, withStateVersion: true });
    ctx.health.refreshSoon();
    for (const text of this.queued.splice(0)) this.onRequestText(text);
  }

  private registerNode(hs: HandshakeOk, remoteIp: string | undefined): void {
    const { ctx } = this.deps;
    const { client } = hs.params;
    const allow = allowedCommands(client.platform, gatewayConfig(ctx.config.get()).nodes);
    ctx.nodes.add({
      caller: this.caller as Caller,
      info: {
        nodeId: hs.deviceId ?? client.id,
        ...(client.displayName ? { displayName: client.displayName } : {}),
        platform: client.platform,
        version: client.version,
        ...(client.deviceFamily ? { deviceFamily: client.deviceFamily } : {}),
        ...(client.modelIdentifier ? { modelIdentifier: client.modelIdentifier } : {}),
        ...(remoteIp ? { remoteIp } : {}),
        caps: hs.params.caps ?? [],
        // Sorted, as the reference lists them (node-operator-side).
        commands: (hs.params.commands ?? []).filter((c) => allow.has(c)).sort(),
        ...(hs.params.pathEnv !== undefined ? { pathEnv: hs.params.pathEnv } : {}),
        ...(hs.params.permissions ? { permissions: hs.params.permissions } : {}),
        connectedAtMs: Date.now(),
      },
    });
    this.sendFrame({ type: 'event', event: 'voicewake.changed', payload: { triggers: DEFAULT_VOICEWAKE_TRIGGERS } });
  }

  private onRequestText(text: string): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      this.sendResponse('invalid', false, undefined, invalidRequest('invalid request frame: not valid JSON'));
      return;
    }
    const checked = checkRequestFrame(parsed);
    if (!checked.ok) {
      this.sendResponse(idOfInvalidFrame(parsed), false, undefined, invalidRequest(`invalid request frame: ${checked.message}`));
      return;
    }
    const { id, method, params } = checked.value;
    if (method === 'connect') return this.sendResponse(id, false, undefined, invalidRequest('connect is only valid as the first request'));
    const denied = authorizeMethod(method, this.role, this.scopes);
    if (denied) return this.sendResponse(id, false, undefined, invalidRequest(denied));
    const handler = Object.hasOwn(this.deps.methods, method) ? this.deps.methods[method] : undefined;
    if (!handler) return this.sendResponse(id, false, undefined, invalidRequest(`unknown method: ${method}`));
    if (params !== undefined && params !== null && (typeof params !== 'object' || Array.isArray(params))) {
      return this.sendResponse(id, false, undefined, invalidRequest(`invalid ${method} params: must be object`));
    }
    let responded = false;
    this.unanswered += 1;
    const answered = (): void => {
      if (!responded) this.unanswered -= 1;
      responded = true;
    };
    const respond: Responder = {
      ok: (payload) => {
        answered();
        this.sendResponse(id, true, payload);
      },
      error: (error, payload) => {
        answered();
        this.sendResponse(id, false, payload, error);
      },
    };
    const onThrow = (err: unknown): void => {
      const message = err instanceof Error ? err.message : String(err);
      if (responded) this.deps.ctx.log.error('method failed after responding', { method, error: message });
      else respond.error(unavailable(message));
    };
    try {
      const result = handler({
        requestId: id,
        method,
        params: (params ?? {}) as Record<string, unknown>,
        caller: this.caller as Caller,
        respond,
        services: this.deps.ctx,
      });
      if (result instanceof Promise) result.catch(onThrow);
    } catch (err) {
      onThrow(err);
    }
  }

  private onClose(): void {
    clearTimeout(this.handshakeTimer);
    const wasOpen = this.state === 'open';
    this.state = 'closed';
    this.deps.onClose(this);
    if (!wasOpen) return;
    const { ctx } = this.deps;
    ctx.nodes.remove(this.connId);
    ctx.log.info('client disconnected', { conn: this.connId });
    if (this.presenceClient) {
      ctx.presence.update(this.presenceClient, 'disconnect');
      ctx.hub.stateVersion.presence += 1;
      ctx.hub.broadcast('presence', { presence: ctx.presence.list() }, { dropIfSlow: true, withStateVersion: true });
    }
  }
}
