// Chat through the desktop core's gateway session. Keeps each session's messages in Node: user
// messages keyed by their idempotency key (sending → sent), assistant replies built from `chat` events
// (cumulative deltas → streaming, then final/aborted/error). After a reconnect it re-syncs chat.history
// and re-sends unacknowledged messages with the SAME idempotency key, so the gateway deduplicates and a
// message is never lost and never shown twice. Every change goes out as a ChatUpdate.

import type { ChatMessage, ChatSessionSummary, ChatUpdate } from '../shared/desktop-api';
import { ClawdbotError } from '../shared/errors';
import { parseHistoryEntry, replyId, textOf } from '../shared/chat-history';
import { mergeHistory } from './chat-transcript';
import type { GatewaySession } from './gateway-session';

const HISTORY_LIMIT = 200;

interface ChatEventPayload {
  runId: string;
  sessionKey: string;
  state: 'delta' | 'final' | 'aborted' | 'error';
  message?: unknown;
  errorMessage?: string;
  stopReason?: string;
}

function parseChatEvent(p: unknown): ChatEventPayload | null {
  if (p === null || typeof p !== 'object') return null;
  const o = p as Record<string, unknown>;
  if (typeof o.runId !== 'string' || typeof o.sessionKey !== 'string') return null;
  if (o.state !== 'delta' && o.state !== 'final' && o.state !== 'aborted' && o.state !== 'error') return null;
  return {
    runId: o.runId,
    sessionKey: o.sessionKey,
    state: o.state,
    message: o.message,
    errorMessage: typeof o.errorMessage === 'string' ? o.errorMessage : undefined,
    stopReason: typeof o.stopReason === 'string' ? o.stopReason : undefined,
  };
}

const TERMINAL: ReadonlySet<ChatMessage['status']> = new Set(['final', 'aborted', 'error']);

export class ChatService {
  private session: GatewaySession | null = null;
  private unsubscribe: (() => void)[] = [];
  private readonly messages = new Map<string, ChatMessage[]>();
  /** The UI's key for a session, by the gateway's canonical key (the UI may say `main`). */
  private readonly uiKeyByCanonical = new Map<string, string>();
  private readonly sessionByRun = new Map<string, string>();
  /** Runs the gateway ended with an error: they store no reply, so history pairing skips them. */
  private readonly endedWithoutReply = new Set<string>();
  /** Runs waiting for their next chat event: some gateways never send a terminal one (spec §9.3). */
  private readonly runTimers = new Map<string, ReturnType<typeof setTimeout>>();

  constructor(
    private readonly emit: (update: ChatUpdate) => void,
    private readonly now: () => number,
    private readonly log: (level: 'info' | 'warn', text: string) => void,
    private readonly runTimeoutMs: number,
  ) {}

  /** Attaches to a (new) gateway session; null detaches (mode off). Local messages are kept. */
  attach(session: GatewaySession | null): void {
    for (const off of this.unsubscribe) off();
    this.unsubscribe = [];
    this.session = session;
    if (!session) return;
    this.unsubscribe.push(
      session.onEvent((event, payload) => {
        if (event === 'chat') this.onChatEvent(payload);
      }),
      session.onConnection((up) => {
        if (up) void this.resync();
      }),
    );
    if (session.connected) void this.resync();
  }

  /** Forgets every conversation (a different gateway now). */
  reset(): void {
    for (const timer of this.runTimers.values()) clearTimeout(timer);
    this.runTimers.clear();
    this.messages.clear();
    this.uiKeyByCanonical.clear();
    this.sessionByRun.clear();
    this.endedWithoutReply.clear();
  }

  async listSessions(): Promise<ChatSessionSummary[]> {
    const res = await this.requireSession().request<{ sessions?: unknown[] }>('sessions.list', { limit: 100, includeLastMessage: true, includeDerivedTitles: true });
    return (res.sessions ?? []).flatMap((row) => {
      if (row === null || typeof row !== 'object') return [];
      const r = row as Record<string, unknown>;
      if (typeof r.key !== 'string') return [];
      const name = [r.displayName, r.label, r.derivedTitle].find((v): v is string => typeof v === 'string' && v !== '');
      const summary: ChatSessionSummary = { key: r.key, updatedAt: typeof r.updatedAt === 'number' ? r.updatedAt : 0 };
      if (name) summary.displayName = name;
      if (typeof r.lastMessagePreview === 'string') summary.lastMessagePreview = r.lastMessagePreview;
      return [summary];
    });
  }

  /** The session's messages: fetched and merged when connected, the local list otherwise. */
  async history(sessionKey: string): Promise<ChatMessage[]> {
    if (this.session?.connected) await this.syncSession(sessionKey);
    else this.messages.set(sessionKey, this.messages.get(sessionKey) ?? []);
    return structuredClone(this.messages.get(sessionKey) ?? []);
  }

  async send(sessionKey: string, text: string, clientMessageId: string): Promise<{ runId: string }> {
    if (!this.session) throw new ClawdbotError('Config', 'There is no gateway to send to.', 'Choose Local or Remote in Settings first.');
    const list = this.list(sessionKey);
    const existing = list.find((m) => m.id === clientMessageId && m.role === 'user');
    if (!existing) this.upsert(sessionKey, { id: clientMessageId, role: 'user', text, timestamp: this.now(), status: 'sending' });
    else if (existing.status !== 'sending' && existing.status !== 'error') return { runId: clientMessageId };
    this.sessionByRun.set(clientMessageId, sessionKey);
    await this.deliver(sessionKey, clientMessageId);
    return { runId: clientMessageId };
  }

  async abort(sessionKey: string, runId?: string): Promise<{ aborted: boolean }> {
    const params: Record<string, unknown> = { sessionKey };
    if (runId) params.runId = runId;
    const res = await this.requireSession().request<{ aborted?: boolean }>('chat.abort', params);
    return { aborted: res.aborted === true };
  }

  /** Sends (or re-sends) one user message; a lost connection leaves it `sending` for the next resync. */
  private async deliver(sessionKey: string, id: string): Promise<void> {
    const session = this.session;
    const msg = this.list(sessionKey).find((m) => m.id === id);
    if (!session?.connected || !msg) return;
    try {
      await session.request('chat.send', { sessionKey, message: msg.text, idempotencyKey: id });
      this.setStatus(sessionKey, id, 'sent');
      if (!this.list(sessionKey).some((m) => m.id === replyId(id) && TERMINAL.has(m.status))) this.watchRun(sessionKey, id);
    } catch (err) {
      if (!session.connected || (err instanceof ClawdbotError && err.retryable)) {
        this.log('info', 'a chat message was not acknowledged before the connection dropped; it will be re-sent');
        return;
      }
      this.setStatus(sessionKey, id, 'error', err instanceof Error ? err.message : String(err));
      throw err;
    }
  }

  private async resync(): Promise<void> {
    for (const sessionKey of [...this.messages.keys()]) {
      try {
        await this.syncSession(sessionKey);
        const unsent = this.list(sessionKey).filter((m) => m.role === 'user' && m.status === 'sending');
        for (const m of unsent) await this.deliver(sessionKey, m.id).catch(() => undefined);
      } catch (err) {
        this.log('warn', `chat re-sync of ${sessionKey} failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }

  private async syncSession(sessionKey: string): Promise<void> {
    const res = await this.requireSession().request<{ sessionKey?: string; messages?: unknown[] }>('chat.history', { sessionKey, limit: HISTORY_LIMIT });
    if (typeof res.sessionKey === 'string') this.uiKeyByCanonical.set(res.sessionKey, sessionKey);
    const entries = (res.messages ?? []).map(parseHistoryEntry).filter((e) => e !== null);
    const before = new Map(this.list(sessionKey).map((m) => [m.id, JSON.stringify(m)]));
    const merged = mergeHistory(entries, this.list(sessionKey), this.endedWithoutReply);
    this.messages.set(sessionKey, merged);
    for (const m of merged) if (m.runId && TERMINAL.has(m.status)) this.unwatchRun(m.runId); // the history has its end
    for (const m of merged) if (before.get(m.id) !== JSON.stringify(m)) this.emit({ sessionKey, message: structuredClone(m) });
  }

  private onChatEvent(raw: unknown): void {
    const ev = parseChatEvent(raw);
    if (!ev) return;
    const sessionKey = this.sessionByRun.get(ev.runId) ?? this.uiKeyByCanonical.get(ev.sessionKey) ?? ev.sessionKey;
    const id = replyId(ev.runId);
    const prev = this.list(sessionKey).find((m) => m.id === id);
    if (prev && TERMINAL.has(prev.status)) return; // a late delta after the end
    const user = this.list(sessionKey).find((m) => m.id === ev.runId && m.role === 'user');
    if (user?.status === 'sending') this.setStatus(sessionKey, user.id, 'sent');
    if (ev.state === 'delta') this.watchRun(sessionKey, ev.runId);
    else this.unwatchRun(ev.runId);
    const text = ev.message !== undefined ? textOf(ev.message) : (prev?.text ?? '');
    const base: ChatMessage = { id, role: 'assistant', text, timestamp: prev?.timestamp ?? this.now(), status: 'streaming', runId: ev.runId };
    switch (ev.state) {
      case 'delta':
        this.upsert(sessionKey, base);
        break;
      case 'final':
        this.upsert(sessionKey, { ...base, status: 'final' });
        break;
      case 'aborted':
        this.upsert(sessionKey, { ...base, status: 'aborted' });
        break;
      case 'error':
        this.endedWithoutReply.add(ev.runId);
        this.upsert(sessionKey, { ...base, status: 'error', errorMessage: ev.errorMessage ?? 'The model run failed.' });
        break;
    }
  }

  /** (Re)starts the run's silence timer: no chat event for runTimeoutMs ends the reply with an error. */
  private watchRun(sessionKey: string, runId: string): void {
    this.unwatchRun(runId);
    const timer = setTimeout(() => {
      this.runTimers.delete(runId);
      const prev = this.list(sessionKey).find((m) => m.id === replyId(runId));
      if (prev && TERMINAL.has(prev.status)) return;
      const minutes = Math.max(1, Math.round(this.runTimeoutMs / 60_000));
      this.upsert(sessionKey, {
        id: replyId(runId), role: 'assistant', text: prev?.text ?? '', timestamp: prev?.timestamp ?? this.now(), status: 'error', runId,
        errorMessage: `No reply from the gateway for ${minutes} min; the run may have failed there. Check the gateway log, then send again.`,
      });
    }, this.runTimeoutMs);
    this.runTimers.set(runId, timer);
  }

  private unwatchRun(runId: string): void {
    clearTimeout(this.runTimers.get(runId));
    this.runTimers.delete(runId);
  }

  private list(sessionKey: string): ChatMessage[] {
    let list = this.messages.get(sessionKey);
    if (!list) {
      list = [];
      this.messages.set(sessionKey, list);
    }
    return list;
  }

  private upsert(sessionKey: string, message: ChatMessage): void {
    const list = this.list(sessionKey);
    const i = list.findIndex((m) => m.id === message.id);
    if (i >= 0) list[i] = message;
    else list.push(message);
    this.emit({ sessionKey, message: structuredClone(message) });
  }

  private setStatus(sessionKey: string, id: string, status: ChatMessage['status'], errorMessage?: string): void {
    const msg = this.list(sessionKey).find((m) => m.id === id);
    if (!msg || msg.status === status) return;
    const next: ChatMessage = { ...msg, status };
    if (errorMessage) next.errorMessage = errorMessage;
    this.upsert(sessionKey, next);
  }

  private requireSession(): GatewaySession {
    if (!this.session?.connected) {
      throw new ClawdbotError('GatewayUnreachable', 'The gateway is not connected right now.', 'Wait for the connection to come back, or choose Reconnect now.');
    }
    return this.session;
  }
}
