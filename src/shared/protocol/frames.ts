// Wire frames of the Clawdbot gateway protocol v3 (spec: docs/protocol.md, §3).
// Plain types and constants only: this file runs in Node and in the browser.

export const PROTOCOL_VERSION = 3;
export const DEFAULT_GATEWAY_PORT = 18789;
export const MAX_PAYLOAD_BYTES = 524_288;
export const MAX_BUFFERED_BYTES = 1_572_864;
export const TICK_INTERVAL_MS = 30_000;
export const HANDSHAKE_TIMEOUT_MS = 10_000;
/** Real clients accept large frames (the TS client 25 MiB); so do ours. */
export const CLIENT_MAX_PAYLOAD_BYTES = 25 * 1024 * 1024;

export interface RequestFrame {
  type: 'req';
  id: string;
  method: string;
  params?: unknown;
}

export interface ErrorShape {
  code: ErrorCode;
  message: string;
  details?: unknown;
  retryable?: boolean;
  retryAfterMs?: number;
}

export type ErrorCode = 'INVALID_REQUEST' | 'UNAVAILABLE' | 'NOT_PAIRED' | 'NOT_LINKED' | 'AGENT_TIMEOUT';

export interface ResponseFrame {
  type: 'res';
  id: string;
  ok: boolean;
  payload?: unknown;
  error?: ErrorShape;
}

export interface StateVersion {
  presence: number;
  health: number;
}

export interface EventFrame {
  type: 'event';
  event: string;
  payload?: unknown;
  seq?: number;
  stateVersion?: StateVersion;
}

export type Frame = RequestFrame | ResponseFrame | EventFrame;

export const CLIENT_IDS = [
  'webchat-ui', 'clawdbot-control-ui', 'webchat', 'cli', 'gateway-client', 'clawdbot-macos', 'clawdbot-ios',
  'clawdbot-android', 'node-host', 'test', 'fingerprint', 'clawdbot-probe',
] as const;
export type ClientId = (typeof CLIENT_IDS)[number];

export const CLIENT_MODES = ['webchat', 'cli', 'ui', 'backend', 'node', 'probe', 'test'] as const;
export type ClientMode = (typeof CLIENT_MODES)[number];

export type Role = 'operator' | 'node';

export const SCOPES = {
  admin: 'operator.admin',
  read: 'operator.read',
  write: 'operator.write',
  approvals: 'operator.approvals',
  pairing: 'operator.pairing',
} as const;

export interface ConnectParams {
  minProtocol: number;
  maxProtocol: number;
  client: {
    id: ClientId;
    displayName?: string;
    version: string;
    platform: string;
    deviceFamily?: string;
    modelIdentifier?: string;
    mode: ClientMode;
    instanceId?: string;
  };
  caps?: string[];
  commands?: string[];
  permissions?: Record<string, boolean>;
  pathEnv?: string;
  role?: Role;
  scopes?: string[];
  device?: { id: string; publicKey: string; signature: string; signedAt: number; nonce?: string };
  auth?: { token?: string; password?: string };
  locale?: string;
  userAgent?: string;
}

export interface HelloOk {
  type: 'hello-ok';
  protocol: number;
  server: { version: string; commit?: string; host?: string; connId: string };
  features: { methods: string[]; events: string[] };
  snapshot: {
    presence: unknown[];
    health: unknown;
    stateVersion: StateVersion;
    uptimeMs: number;
    configPath?: string;
    stateDir?: string;
    sessionDefaults?: { defaultAgentId: string; mainKey: string; mainSessionKey: string; scope?: string };
  };
  canvasHostUrl?: string;
  auth?: { deviceToken: string; role: string; scopes: string[]; issuedAtMs?: number };
  policy: { maxPayload: number; maxBufferedBytes: number; tickIntervalMs: number };
}

/** Payload of the `chat` event (§10.1). */
export interface ChatEventPayload {
  runId: string;
  sessionKey: string;
  seq: number;
  state: 'delta' | 'final' | 'aborted' | 'error';
  message?: { role: 'assistant'; content: Array<{ type: 'text'; text: string }>; timestamp: number };
  errorMessage?: string;
  usage?: unknown;
  stopReason?: string;
}
