// What the desktop core needs from a gateway connection. gateway-client-session.ts implements it with
// GatewayClient (src/client); the core's parts depend only on this shape.

import type { Duplex } from 'node:stream';
import type { ErrorInfo } from '../shared/errors';

export interface GatewayTarget {
  url: string;
  token?: string;
  password?: string;
  /** Connect over these streams instead of TCP to the URL (remote mode: the tunnel's SSH channel). */
  openStream?: () => Promise<Duplex>;
}

export interface GatewayHello {
  serverVersion?: string;
  uptimeMs?: number;
}

export interface GatewaySession {
  readonly connected: boolean;
  readonly hello: GatewayHello | null;
  request<T = unknown>(method: string, params?: Record<string, unknown>, timeoutMs?: number): Promise<T>;
  onEvent(listener: (event: string, payload: unknown) => void): () => void;
  /** Up after each hello-ok (also after an automatic reconnect), down with the reason when the socket is lost. */
  onConnection(listener: (up: boolean, error?: ErrorInfo) => void): () => void;
  /** While disconnected: try again now instead of waiting out the backoff (wake, tunnel back up). */
  kick(): void;
  close(): Promise<void>;
}

/** Opens a long-lived session that reconnects by itself until closed. */
export type OpenGatewaySession = (target: GatewayTarget) => GatewaySession;

export type ProbeResult = { ok: true; hello: GatewayHello } | { ok: false; error: ErrorInfo };

/** One connect + `health` + close: "does a gateway answer here with these credentials?". */
export type ProbeGateway = (target: GatewayTarget, timeoutMs?: number) => Promise<ProbeResult>;
