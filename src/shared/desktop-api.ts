// The DesktopApi contract: every call the UI may make into the desktop core, and every event the core
// pushes to it. Electron's preload and IPC handlers and the browser twin's WebSocket bridge are all
// generated from DESKTOP_CALLS / DESKTOP_EVENTS, and every incoming payload goes through its parser.
//
// The renderer never sees a gateway token, password or key passphrase: settings come back redacted
// (`hasGatewayToken`), and chat goes through these calls, not a direct gateway connection.

import type { ErrorInfo } from './errors';
import type { Settings } from './settings';
import { parseSettingsPatch } from './settings';
import { expectObject, optionalBoolean, optionalNumber, optionalString, requireString, requireOneOf, expectNothing } from './validate';

export type Mode = 'unconfigured' | 'local' | 'remote';

/** Where the current mode is in its life; `statusText` in DesktopState says it in words. */
export type Phase = 'idle' | 'starting' | 'connecting' | 'ready' | 'degraded' | 'reconnecting' | 'failed' | 'stopping';

export interface HealthInfo {
  ok: boolean;
  checkedAt: number;
  latencyMs: number | null;
  /** The last (up to 60) latencies, oldest first, for the sparkline. */
  latencyHistory: number[];
  consecutiveMisses: number;
  gatewayVersion?: string;
  uptimeMs?: number;
  sessionCount?: number;
}

export interface Transition {
  at: number;
  mode: Mode;
  phase: Phase;
  reason: string;
}

export interface HostKeyPrompt {
  id: string;
  host: string;
  port: number;
  keyType: string;
  fingerprint: string;
  kind: 'unknown' | 'changed';
  /** For a changed key: what known_hosts has. */
  previousFingerprint?: string;
}

export interface ForwardState {
  name: string;
  localPort: number;
  remoteHost: string;
  remotePort: number;
  state: 'listening' | 'stopped' | 'failed';
  error?: string;
}

export interface RemoteInfo {
  target: string;
  /** e.g. "alice@box.example.com:22 via jump1" */
  resolvedDescription: string;
  tunnelState: 'connecting' | 'ready' | 'reconnecting' | 'failed' | 'stopped' | 'gateway-down';
  attempt?: number;
  nextRetryInMs?: number;
  hostKeyFingerprint?: string;
  localPort: number;
  remotePort: number;
  forwards: ForwardState[];
}

export interface LocalInfo {
  pid?: number;
  adopted: boolean;
  restarts: number;
  port: number;
}

export interface DesktopState {
  mode: Mode;
  phase: Phase;
  /** Starts with Connected, Connecting, Reconnecting, Degraded, Disconnected, Failed or Not configured. */
  statusText: string;
  /** ws://127.0.0.1:PORT: the local gateway or the tunnel's local end. */
  endpointUrl: string | null;
  health: HealthInfo | null;
  lastError: ErrorInfo | null;
  transitions: Transition[];
  local: LocalInfo | null;
  remote: RemoteInfo | null;
  hostKeyPrompt: HostKeyPrompt | null;
  /** Whether the desktop core's own gateway connection (chat, health) is up. */
  gatewayConnected: boolean;
  warnings: string[];
  version: string;
}

export interface ChatSessionSummary {
  key: string;
  displayName?: string;
  updatedAt: number;
  lastMessagePreview?: string;
}

export type ChatMessageStatus = 'sending' | 'sent' | 'streaming' | 'final' | 'error' | 'aborted';

export interface ChatMessage {
  /** Stable id: the idempotency key for user messages, `${runId}:reply` for assistant replies. */
  id: string;
  role: 'user' | 'assistant' | 'system';
  text: string;
  timestamp: number;
  status: ChatMessageStatus;
  runId?: string;
  errorMessage?: string;
}

export interface ChatUpdate {
  sessionKey: string;
  /** The message, whole (replace any message with the same id). */
  message: ChatMessage;
}

export interface TestRemoteLayer {
  layer: 'dns' | 'tcp' | 'ssh-handshake' | 'host-key' | 'ssh-auth' | 'tunnel' | 'gateway-reachable' | 'gateway-auth' | 'gateway-health';
  label: string;
  status: 'pass' | 'fail' | 'skipped';
  message: string;
  hint?: string;
  durationMs?: number;
}

export interface SshTargetPreview {
  ok: boolean;
  description: string;
  user?: string;
  host?: string;
  port?: number;
  identityFiles?: string[];
  proxyJump?: string[];
  error?: string;
}

export interface LogLine {
  source: 'app' | 'gateway';
  ts: number;
  level: 'debug' | 'info' | 'warn' | 'error';
  text: string;
}

export interface DeepStatus {
  ok: boolean;
  fetchedAt: number;
  status?: unknown;
  error?: ErrorInfo;
}

/** Every call: its input parser (validates at the boundary) and, as a type, its result. */
export const DESKTOP_CALLS = {
  getState: { parse: expectNothing },
  setMode: { parse: (v: unknown) => ({ mode: requireOneOf(expectObject(v), 'mode', ['unconfigured', 'local', 'remote'] as const) }) },
  getSettings: { parse: expectNothing },
  saveSettings: { parse: (v: unknown) => parseSettingsPatch(v) },
  // identityFile is optional so earlier callers keep working: without it the preview comes from the SSH config alone.
  previewSshTarget: { parse: (v: unknown): { target: string; identityFile?: string } => { const o = expectObject(v); return { target: requireString(o, 'target', { allowEmpty: true }), identityFile: optionalString(o, 'identityFile') }; } },
  testRemote: { parse: expectNothing },
  answerHostKey: { parse: (v: unknown) => { const o = expectObject(v); return { id: requireString(o, 'id'), accept: optionalBoolean(o, 'accept') ?? false }; } },
  reconnectNow: { parse: expectNothing },
  checkHealth: { parse: expectNothing },
  deepStatus: { parse: expectNothing },
  copyDiagnostics: { parse: expectNothing },
  getLogs: { parse: (v: unknown) => { const o = expectObject(v ?? {}); return { limit: optionalNumber(o, 'limit') }; } },
  chatListSessions: { parse: expectNothing },
  chatHistory: { parse: (v: unknown) => ({ sessionKey: requireString(expectObject(v), 'sessionKey') }) },
  chatSend: { parse: (v: unknown) => { const o = expectObject(v); return { sessionKey: requireString(o, 'sessionKey'), text: requireString(o, 'text'), clientMessageId: requireString(o, 'clientMessageId') }; } },
  chatAbort: { parse: (v: unknown) => { const o = expectObject(v); return { sessionKey: requireString(o, 'sessionKey'), runId: optionalString(o, 'runId') }; } },
  remoteReadGatewayConfig: { parse: expectNothing },
  remoteGatewayStatus: { parse: expectNothing },
  remoteStartGateway: { parse: (v: unknown) => ({ restart: optionalBoolean(expectObject(v ?? {}), 'restart') ?? false }) },
  remoteTailLog: { parse: (v: unknown) => ({ lines: optionalNumber(expectObject(v ?? {}), 'lines') }) },
} as const;

export type DesktopCallName = keyof typeof DESKTOP_CALLS;
export type DesktopCallInput<K extends DesktopCallName> = ReturnType<(typeof DESKTOP_CALLS)[K]['parse']>;

/** The result type of each call. */
export interface DesktopCallResults {
  getState: DesktopState;
  setMode: DesktopState;
  getSettings: Settings;
  saveSettings: Settings;
  previewSshTarget: SshTargetPreview;
  testRemote: TestRemoteLayer[];
  answerHostKey: DesktopState;
  reconnectNow: DesktopState;
  checkHealth: HealthInfo | null;
  deepStatus: DeepStatus;
  copyDiagnostics: { text: string };
  getLogs: LogLine[];
  chatListSessions: ChatSessionSummary[];
  chatHistory: ChatMessage[];
  chatSend: { runId: string };
  chatAbort: { aborted: boolean };
  remoteReadGatewayConfig: { port: number | null; hasToken: boolean; hasPassword: boolean; applied: boolean };
  remoteGatewayStatus: { running: boolean; detail: string };
  remoteStartGateway: { started: boolean; detail: string };
  remoteTailLog: { lines: string[] };
}

export const DESKTOP_EVENTS = ['state', 'chat', 'log'] as const;
export type DesktopEventName = (typeof DESKTOP_EVENTS)[number];
export interface DesktopEventPayloads {
  state: DesktopState;
  chat: ChatUpdate;
  log: LogLine;
}

/** What the UI holds: the same shape in Electron (preload) and in the browser twin (WebSocket). */
export interface DesktopApi {
  call<K extends DesktopCallName>(name: K, input?: DesktopCallInput<K>): Promise<DesktopCallResults[K]>;
  on<E extends DesktopEventName>(event: E, listener: (payload: DesktopEventPayloads[E]) => void): () => void;
}

/** The error a call rejects with; `info` is shown to the user. */
export interface DesktopCallError {
  info: ErrorInfo;
}
