// The DesktopApi of the gateway's own Control UI: the same WebChat and Health views, over a direct
// GatewayClient instead of the desktop brain. It keeps what the brain would keep for one page: the
// connection state in words, health samples, stream → message bookkeeping, and an outbox so a message
// sent while the link is down goes out (with the same idempotency key) once it is back.
import type { GatewayClient } from '../../client/gateway-client';
import type {
  ChatMessage,
  ChatSessionSummary,
  ChatUpdate,
  DesktopApi,
  DesktopCallError,
  DesktopCallInput,
  DesktopCallName,
  DesktopCallResults,
  DesktopEventName,
  DesktopEventPayloads,
  DesktopState,
  HealthInfo,
} from '../../shared/desktop-api';
import { toErrorInfo, type ErrorInfo } from '../../shared/errors';
import type { ChatEventPayload, HelloOk } from '../../shared/protocol/frames';
import { DEFAULT_SETTINGS } from '../../shared/settings';
import { VERSION } from '../../shared/version';
import { parseHistoryEntry, replyId, textOf } from '../../shared/chat-history';
import { identifyHistory } from './chat-ids';
import { TOKEN_NEEDED } from './token-needed';

/** The part of GatewayClient this adapter uses (tests hand in a fake). */
export type GatewayConnection = Pick<GatewayClient, 'connect' | 'close' | 'request' | 'onEvent' | 'on' | 'url' | 'state'>;

const HEALTH_INTERVAL_MS = 30_000;
const MAX_LATENCY_SAMPLES = 60;
const HISTORY_LIMIT = 200;

interface SentMessage {
  id: string;
  sessionKey: string;
  text: string;
  acked: boolean;
}

function callError(info: ErrorInfo): DesktopCallError {
  return { info };
}

function notHere(name: string): DesktopCallError {
  return callError({ errorClass: 'Config', message: `${name} is not available in the gateway's Control UI.`, hint: 'Use the Clawdbot desktop app or `clawdbot ui` for settings and SSH.', retryable: false });
}

export class GatewayDesktopApi implements DesktopApi {
  private state: DesktopState;
  private readonly listeners = new Map<DesktopEventName, Set<(payload: never) => void>>();
  private readonly sent: SentMessage[] = [];
  /** The text streamed so far per run, for an aborted run whose event carries none. */
  private readonly lastText = new Map<string, string>();
  private healthTimer: ReturnType<typeof setInterval> | undefined;
  private connectedAt = 0;
  private hello: HelloOk | undefined;

  constructor(
    private readonly client: GatewayConnection,
    private readonly now: () => number = Date.now,
  ) {
    this.state = {
      mode: 'remote',
      phase: 'connecting',
      statusText: 'Connecting to the gateway…',
      endpointUrl: client.url,
      health: null,
      lastError: null,
      transitions: [],
      local: null,
      remote: null,
      hostKeyPrompt: null,
      gatewayConnected: false,
      warnings: [],
      version: VERSION,
    };
    client.on('hello', (hello) => this.onHello(hello));
    client.on('reconnecting', ({ attempt, delayMs, error }) =>
      this.update({
        phase: 'reconnecting',
        gatewayConnected: false,
        statusText: `Reconnecting to the gateway (attempt ${attempt}, next try in ${Math.ceil(delayMs / 1000)} s)`,
        lastError: error.toJSON(),
      }),
    );
    client.on('close', ({ error, willReconnect }) => {
      if (!willReconnect) this.update({ phase: 'failed', gatewayConnected: false, statusText: `Failed: ${error.message}`, lastError: error.toJSON() });
    });
    client.on('connectError', (error) => this.update({ lastError: error.toJSON() }));
    client.onEvent('chat', (payload) => this.onChatEvent(payload as ChatEventPayload));
  }

  /** Opens the connection; failures show in the state (the client keeps retrying what is retryable). */
  start(): void {
    this.client.connect().catch((err: unknown) => {
      const info = toErrorInfo(err);
      if (this.client.state !== 'reconnecting') this.update({ phase: 'failed', gatewayConnected: false, statusText: `Failed: ${info.message}`, lastError: info });
    });
  }

  /** Without a token the gateway can only refuse this page: say what is missing instead of connecting. */
  waitForToken(): void {
    this.update({ phase: 'failed', gatewayConnected: false, statusText: `Disconnected: ${TOKEN_NEEDED.message}`, lastError: TOKEN_NEEDED });
  }

  async call<K extends DesktopCallName>(name: K, input?: DesktopCallInput<K>): Promise<DesktopCallResults[K]> {
    return (await this.dispatch(name, input)) as DesktopCallResults[K];
  }

  on<E extends DesktopEventName>(event: E, listener: (payload: DesktopEventPayloads[E]) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener as (payload: never) => void);
    return () => set.delete(listener as (payload: never) => void);
  }

  private async dispatch(name: DesktopCallName, input: unknown): Promise<unknown> {
    switch (name) {
      case 'getState':
        return this.state;
      case 'getSettings':
        return DEFAULT_SETTINGS;
      case 'getLogs':
        return [];
      case 'checkHealth':
        return this.checkHealth();
      case 'reconnectNow':
        return this.reconnectNow();
      case 'deepStatus':
        return this.gateway('status').then(
          (status) => ({ ok: true, fetchedAt: this.now(), status }),
          (err: unknown) => ({ ok: false, fetchedAt: this.now(), error: toErrorInfo(err) }),
        );
      case 'chatListSessions':
        return this.listSessions();
      case 'chatHistory':
        return this.history((input as DesktopCallInput<'chatHistory'>).sessionKey);
      case 'chatSend':
        return this.send(input as DesktopCallInput<'chatSend'>);
      case 'chatAbort': {
        const { sessionKey, runId } = input as DesktopCallInput<'chatAbort'>;
        const res = await this.gateway<{ aborted?: boolean }>('chat.abort', runId ? { sessionKey, runId } : { sessionKey });
        return { aborted: res.aborted === true };
      }
      default:
        throw notHere(name);
    }
  }

  private async gateway<T = unknown>(method: string, params?: unknown): Promise<T> {
    try {
      return await this.client.request<T>(method, params);
    } catch (err) {
      throw callError(toErrorInfo(err));
    }
  }

  private emit<E extends DesktopEventName>(event: E, payload: DesktopEventPayloads[E]): void {
    for (const listener of this.listeners.get(event) ?? []) (listener as (p: DesktopEventPayloads[E]) => void)(payload);
  }

  private update(patch: Partial<DesktopState>): void {
    this.state = { ...this.state, ...patch };
    this.emit('state', this.state);
  }

  private onHello(hello: HelloOk): void {
    this.hello = hello;
    this.connectedAt = this.now();
    this.update({ phase: 'ready', gatewayConnected: true, statusText: `Connected to the gateway ${hello.server.version}`, lastError: null });
    clearInterval(this.healthTimer);
    this.healthTimer = setInterval(() => void this.checkHealth(), HEALTH_INTERVAL_MS);
    void this.checkHealth();
    void this.flushOutbox();
  }

  private async checkHealth(): Promise<HealthInfo | null> {
    const started = this.now();
    const previous = this.state.health;
    try {
      const payload = await this.client.request<{ ok?: boolean; sessions?: { count?: number } }>('health');
      const latencyMs = this.now() - started;
      const health: HealthInfo = {
        ok: payload.ok !== false,
        checkedAt: this.now(),
        latencyMs,
        latencyHistory: [...(previous?.latencyHistory ?? []), latencyMs].slice(-MAX_LATENCY_SAMPLES),
        consecutiveMisses: 0,
        gatewayVersion: this.hello?.server.version,
        uptimeMs: this.hello ? this.hello.snapshot.uptimeMs + (this.now() - this.connectedAt) : undefined,
        sessionCount: payload.sessions?.count,
      };
      this.update({ health, ...(this.state.phase === 'degraded' ? { phase: 'ready', statusText: `Connected to the gateway ${this.hello?.server.version ?? ''}`.trim() } : {}) });
      return health;
    } catch (err) {
      const misses = (previous?.consecutiveMisses ?? 0) + 1;
      const health: HealthInfo = { ...(previous ?? { latencyHistory: [], latencyMs: null }), ok: false, checkedAt: this.now(), consecutiveMisses: misses };
      const degraded = misses >= 2 && this.state.gatewayConnected;
      this.update({ health, lastError: toErrorInfo(err), ...(degraded ? { phase: 'degraded', statusText: `Degraded: ${misses} health checks missed` } : {}) });
      return health;
    }
  }

  private async reconnectNow(): Promise<DesktopState> {
    if (this.client.state === 'connected') {
      await this.checkHealth();
      return this.state;
    }
    await this.client.close();
    this.update({ phase: 'connecting', statusText: 'Connecting to the gateway…' });
    this.start();
    return this.state;
  }

  private async listSessions(): Promise<ChatSessionSummary[]> {
    const res = await this.gateway<{ sessions?: Array<Record<string, unknown>> }>('sessions.list', { includeLastMessage: true });
    return (res.sessions ?? []).map((row) => {
      const summary: ChatSessionSummary = { key: String(row.key), updatedAt: Number(row.updatedAt) || 0 };
      const name = row.displayName ?? row.label ?? row.derivedTitle;
      if (typeof name === 'string') summary.displayName = name;
      if (typeof row.lastMessagePreview === 'string') summary.lastMessagePreview = row.lastMessagePreview;
      return summary;
    });
  }

  private async history(sessionKey: string): Promise<ChatMessage[]> {
    const res = await this.gateway<{ messages?: unknown[] }>('chat.history', { sessionKey, limit: HISTORY_LIMIT });
    const entries = (res.messages ?? []).map(parseHistoryEntry).filter((e) => e !== null);
    const mine = this.sent.filter((m) => m.sessionKey === sessionKey);
    const messages = identifyHistory(entries, mine);
    const known = new Set(messages.map((m) => m.id));
    // Not in the transcript yet: still waiting to go out.
    for (const m of mine) if (!known.has(m.id) && !m.acked) messages.push({ id: m.id, role: 'user', text: m.text, timestamp: this.now(), status: 'sending' });
    return messages;
  }

  private async send({ sessionKey, text, clientMessageId }: DesktopCallInput<'chatSend'>): Promise<{ runId: string }> {
    const entry: SentMessage = { id: clientMessageId, sessionKey, text, acked: false };
    this.sent.push(entry);
    if (this.client.state !== 'connected') return { runId: clientMessageId }; // the outbox sends it after the reconnect
    return this.deliver(entry);
  }

  private async deliver(entry: SentMessage): Promise<{ runId: string }> {
    try {
      const res = await this.client.request<{ runId?: string }>('chat.send', { sessionKey: entry.sessionKey, message: entry.text, idempotencyKey: entry.id });
      entry.acked = true;
      return { runId: res.runId ?? entry.id };
    } catch (err) {
      const info = toErrorInfo(err);
      // A dropped link keeps the message in the outbox; anything else is the gateway saying no.
      if (info.retryable && this.client.state !== 'connected') return { runId: entry.id };
      this.sent.splice(this.sent.indexOf(entry), 1);
      throw callError(info);
    }
  }

  private async flushOutbox(): Promise<void> {
    for (const entry of this.sent.filter((m) => !m.acked)) {
      try {
        await this.deliver(entry);
        this.emitChat(entry.sessionKey, { id: entry.id, role: 'user', text: entry.text, timestamp: this.now(), status: 'sent', runId: entry.id });
      } catch (err) {
        const info = (err as DesktopCallError).info ?? toErrorInfo(err);
        this.emitChat(entry.sessionKey, { id: entry.id, role: 'user', text: entry.text, timestamp: this.now(), status: 'error', errorMessage: `${info.message} ${info.hint}`.trim() });
      }
    }
  }

  private emitChat(sessionKey: string, message: ChatMessage): void {
    const update: ChatUpdate = { sessionKey, message };
    this.emit('chat', update);
  }

  private onChatEvent(payload: ChatEventPayload): void {
    if (!payload || typeof payload.runId !== 'string' || typeof payload.sessionKey !== 'string') return;
    const STATUS = { delta: 'streaming', final: 'final', aborted: 'aborted', error: 'error' } as const;
    const status = STATUS[payload.state];
    if (!status) return;
    const message: ChatMessage = {
      id: replyId(payload.runId),
      role: 'assistant',
      // Deltas carry the cumulative text; an aborted run has none, so keep what was streamed.
      text: payload.message ? textOf(payload.message) : (this.lastText.get(payload.runId) ?? ''),
      timestamp: payload.message?.timestamp ?? this.now(),
      status,
      runId: payload.runId,
    };
    if (payload.errorMessage) message.errorMessage = payload.errorMessage;
    if (status === 'streaming') this.lastText.set(payload.runId, message.text);
    else this.lastText.delete(payload.runId);
    this.emitChat(payload.sessionKey, message);
  }
}
