// GatewaySession and ProbeGateway over GatewayClient (src/client). The session reconnects with backoff
// by itself; kick() replaces a client that is waiting out its backoff with a fresh one, so a wake or a
// tunnel that just came back reconnects at once. The desktop core connects as `gateway-client`/`ui`.

import type { GatewayClient } from '../client/gateway-client';
import type { BackoffOptions } from '../client/backoff';
import { createNodeGatewayClient, streamWebSocketFactory } from '../client/node';
import { toErrorInfo, type ErrorInfo } from '../shared/errors';
import type { HelloOk } from '../shared/protocol/frames';
import type { GatewayHello, GatewaySession, GatewayTarget, OpenGatewaySession, ProbeGateway } from './gateway-session';

export interface ClientSessionOptions {
  reconnect: Partial<BackoffOptions>;
  connectTimeoutMs: number;
  requestTimeoutMs: number;
  /** Device identity folder; used for password auth, which needs a device (spec §2.3). */
  identityDir: string;
}

function clientFor(target: GatewayTarget, options: ClientSessionOptions, reconnect: boolean): GatewayClient {
  return createNodeGatewayClient({
    url: target.url,
    ...(target.openStream ? { createWebSocket: streamWebSocketFactory(target.openStream) } : {}),
    ...(target.token ? { token: target.token } : {}),
    ...(target.password && !target.token ? { password: target.password, identityDir: options.identityDir } : {}),
    clientId: 'gateway-client',
    clientMode: 'ui',
    displayName: 'Clawdbot Desktop',
    reconnect: reconnect ? options.reconnect : false,
    connectTimeoutMs: options.connectTimeoutMs,
    requestTimeoutMs: options.requestTimeoutMs,
  });
}

function helloInfo(hello: HelloOk): GatewayHello {
  return { serverVersion: hello.server?.version, uptimeMs: hello.snapshot?.uptimeMs };
}

class ClientSession implements GatewaySession {
  private client: GatewayClient;
  private offClient: (() => void)[] = [];
  private readonly eventListeners = new Set<(event: string, payload: unknown) => void>();
  private readonly connectionListeners = new Set<(up: boolean, error?: ErrorInfo) => void>();
  private closed = false;
  private up = false;
  private lastHello: GatewayHello | null = null;

  constructor(
    private readonly target: GatewayTarget,
    private readonly options: ClientSessionOptions,
  ) {
    this.client = this.start();
  }

  get connected(): boolean {
    return this.up && this.client.state === 'connected';
  }

  get hello(): GatewayHello | null {
    return this.lastHello;
  }

  request<T>(method: string, params?: Record<string, unknown>, timeoutMs?: number): Promise<T> {
    return this.client.request<T>(method, params ?? {}, timeoutMs !== undefined ? { timeoutMs } : {});
  }

  onEvent(listener: (event: string, payload: unknown) => void): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  onConnection(listener: (up: boolean, error?: ErrorInfo) => void): () => void {
    this.connectionListeners.add(listener);
    return () => this.connectionListeners.delete(listener);
  }

  kick(): void {
    if (this.closed || this.client.state === 'connected' || this.client.state === 'connecting') return;
    const old = this.client;
    for (const off of this.offClient) off();
    this.offClient = [];
    void old.close();
    this.client = this.start();
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.client.close();
    for (const off of this.offClient) off();
    this.offClient = [];
  }

  private start(): GatewayClient {
    const client = clientFor(this.target, this.options, true);
    this.offClient.push(
      client.on('hello', (hello) => {
        this.lastHello = helloInfo(hello);
        this.setUp(true);
      }),
      client.on('event', (frame) => {
        for (const l of this.eventListeners) l(frame.event, frame.payload);
      }),
      client.on('close', ({ error }) => {
        if (!this.closed) this.setUp(false, toErrorInfo(error));
      }),
    );
    client.connect().catch(() => undefined); // failures arrive through 'close'
    return client;
  }

  private setUp(up: boolean, error?: ErrorInfo): void {
    this.up = up;
    for (const l of this.connectionListeners) l(up, error);
  }
}

export function clientSessionOpener(options: ClientSessionOptions): OpenGatewaySession {
  return (target) => new ClientSession(target, options);
}

export function clientProbe(options: ClientSessionOptions): ProbeGateway {
  return async (target, timeoutMs = options.connectTimeoutMs) => {
    const client = clientFor(target, { ...options, connectTimeoutMs: timeoutMs }, false);
    try {
      const hello = await client.connect();
      await client.request('health', {}, { timeoutMs });
      return { ok: true, hello: helloInfo(hello) };
    } catch (err) {
      return { ok: false, error: toErrorInfo(err) };
    } finally {
      await client.close().catch(() => undefined);
    }
  };
}
