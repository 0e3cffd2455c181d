// The Control UI's DesktopApi over a GatewayClient, against a scripted client: state in words, chat
// stream → whole messages with stable ids, history ids that match the stream, the outbox after a drop.
import { describe, expect, it } from 'vitest';
import type { ConnectionState, GatewayClientEvents } from '../../src/client/gateway-client';
import { GatewayError } from '../../src/client/errors';
import { identifyHistory } from '../../src/renderer/control-ui/chat-ids';
import { GatewayDesktopApi, type GatewayConnection } from '../../src/renderer/control-ui/gateway-desktop-api';
import type { ChatUpdate, DesktopState } from '../../src/shared/desktop-api';
import type { EventFrame, HelloOk } from '../../src/shared/protocol/frames';

type Handler = (params: unknown) => unknown;

/** Scripted GatewayClient: requests answered by handlers, events pushed by the test. */
class ScriptedClient {
  readonly url = 'ws://127.0.0.1:28789/';
  state: ConnectionState = 'idle';
  readonly requests: Array<{ method: string; params: unknown }> = [];
  handlers: Record<string, Handler> = {
    health: () => ({ ok: true, sessions: { count: 3 } }),
  };
  private readonly listeners = new Map<string, Array<(p: unknown) => void>>();

  on<K extends keyof GatewayClientEvents>(event: K, listener: (payload: GatewayClientEvents[K]) => void): () => void {
    const list = this.listeners.get(event as string) ?? [];
    list.push(listener as (p: unknown) => void);
    this.listeners.set(event as string, list);
    return () => undefined;
  }

  onEvent(name: string, listener: (payload: unknown, frame: EventFrame) => void): () => void {
    return this.on('event', (frame) => {
      if (frame.event === name) listener(frame.payload, frame);
    });
  }

  fire<K extends keyof GatewayClientEvents>(event: K, payload: GatewayClientEvents[K]): void {
    for (const l of this.listeners.get(event as string) ?? []) l(payload);
  }

  async connect(): Promise<HelloOk> {
    this.state = 'connected';
    const hello = { type: 'hello-ok', protocol: 3, server: { version: '2026.1.24-3', connId: 'c1' }, snapshot: { uptimeMs: 60_000 } } as unknown as HelloOk;
    this.fire('hello', hello);
    return hello;
  }

  async close(): Promise<void> {
    this.state = 'closed';
  }

  async request<T>(method: string, params?: unknown): Promise<T> {
    this.requests.push({ method, params });
    if (this.state !== 'connected') throw new GatewayError('GatewayUnreachable', 'not connected', 'wait for the reconnect');
    const handler = this.handlers[method];
    if (!handler) throw new GatewayError('Internal', `unexpected ${method}`, '');
    return handler(params) as T;
  }

  chat(payload: Record<string, unknown>): void {
    this.fire('event', { type: 'event', event: 'chat', payload } as EventFrame);
  }
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

function setup() {
  const client = new ScriptedClient();
  const api = new GatewayDesktopApi(client as unknown as GatewayConnection, () => 1_000);
  const states: DesktopState[] = [];
  const chats: ChatUpdate[] = [];
  api.on('state', (s) => states.push(s));
  api.on('chat', (c) => chats.push(c));
  return { client, api, states, chats };
}

describe('the Control UI DesktopApi', () => {
  it('says in words where the connection is, and fills health from the gateway', async () => {
    const { client, api, states } = setup();
    expect((await api.call('getState')).statusText).toMatch(/^Connecting/);
    api.start();
    await tick();
    expect(states.at(-1)).toMatchObject({ phase: 'ready', gatewayConnected: true, statusText: 'Connected to the gateway 2026.1.24-3' });
    expect(states.at(-1)?.health).toMatchObject({ ok: true, gatewayVersion: '2026.1.24-3', sessionCount: 3, latencyHistory: [0] });
    client.state = 'reconnecting';
    client.fire('reconnecting', { attempt: 2, delayMs: 1500, error: new GatewayError('GatewayUnreachable', 'gone', 'wait') });
    expect(states.at(-1)).toMatchObject({ gatewayConnected: false, statusText: 'Reconnecting to the gateway (attempt 2, next try in 2 s)' });
    client.fire('close', { code: 1008, reason: 'unauthorized', error: new GatewayError('AuthFailed', 'unauthorized: gateway token mismatch', 'open a tokenized dashboard URL'), willReconnect: false });
    expect(states.at(-1)?.statusText).toBe('Failed: unauthorized: gateway token mismatch');
    await expect(api.call('saveSettings', {})).rejects.toMatchObject({ info: { errorClass: 'Config' } });
  });

  it('turns chat events into whole messages: cumulative deltas, final, and an abort keeping its text', async () => {
    const { client, api, chats } = setup();
    api.start();
    await tick();
    client.chat({ runId: 'r1', sessionKey: 'agent:main:main', seq: 1, state: 'delta', message: { role: 'assistant', content: [{ type: 'text', text: 'Hel' }], timestamp: 5 } });
    client.chat({ runId: 'r1', sessionKey: 'agent:main:main', seq: 2, state: 'delta', message: { role: 'assistant', content: [{ type: 'text', text: 'Hello' }], timestamp: 5 } });
    client.chat({ runId: 'r1', sessionKey: 'agent:main:main', seq: 3, state: 'aborted', stopReason: 'rpc' });
    client.chat({ runId: 'r2', sessionKey: 'agent:main:main', seq: 1, state: 'error', errorMessage: 'No model provider is configured' });
    expect(chats.map((c) => [c.message.id, c.message.status, c.message.text])).toEqual([
      ['r1:reply', 'streaming', 'Hel'],
      ['r1:reply', 'streaming', 'Hello'],
      ['r1:reply', 'aborted', 'Hello'],
      ['r2:reply', 'error', ''],
    ]);
    expect(chats[3]?.message.errorMessage).toBe('No model provider is configured');
  });

  it('sends with the idempotency key, and gives history the ids the stream used', async () => {
    const { client, api } = setup();
    client.handlers['chat.send'] = (p) => ({ runId: (p as { idempotencyKey: string }).idempotencyKey, status: 'started' });
    client.handlers['chat.history'] = () => ({
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'hi\n[message_id: abc]' }], timestamp: 1 },
        { role: 'assistant', content: [{ type: 'text', text: 'hello' }], timestamp: 2 },
      ],
    });
    api.start();
    await tick();
    expect(await api.call('chatSend', { sessionKey: 'agent:main:main', text: 'hi', clientMessageId: 'k1' })).toEqual({ runId: 'k1' });
    expect(client.requests.at(-1)).toEqual({ method: 'chat.send', params: { sessionKey: 'agent:main:main', message: 'hi', idempotencyKey: 'k1' } });
    const history = await api.call('chatHistory', { sessionKey: 'agent:main:main' });
    expect(history.map((m) => [m.id, m.role, m.status])).toEqual([
      ['k1', 'user', 'final'],
      ['k1:reply', 'assistant', 'final'],
    ]);
  });

  it('keeps a message sent while the link is down and sends it with the same key once it is back', async () => {
    const { client, api, chats } = setup();
    client.handlers['chat.send'] = (p) => ({ runId: (p as { idempotencyKey: string }).idempotencyKey });
    client.state = 'reconnecting';
    expect(await api.call('chatSend', { sessionKey: 's', text: 'later', clientMessageId: 'k9' })).toEqual({ runId: 'k9' });
    expect(client.requests.filter((r) => r.method === 'chat.send')).toEqual([]);
    await client.connect();
    await tick();
    expect(client.requests.filter((r) => r.method === 'chat.send').map((r) => r.params)).toEqual([{ sessionKey: 's', message: 'later', idempotencyKey: 'k9' }]);
    expect(chats.at(-1)?.message).toMatchObject({ id: 'k9', status: 'sent' });
  });

  it('names history entries it did not send by their content, stably', () => {
    const entries = [
      { role: 'user' as const, text: 'same', timestamp: 1 },
      { role: 'user' as const, text: 'same', timestamp: 1 },
    ];
    const once = identifyHistory(entries, []).map((m) => m.id);
    expect(new Set(once).size).toBe(2);
    expect(identifyHistory(entries, []).map((m) => m.id)).toEqual(once);
  });

  it('gives each queued message its own reply, in run order, as the app does', () => {
    const sent = [{ id: 'A', text: 'one' }, { id: 'B', text: 'two' }, { id: 'C', text: 'three' }];
    const entries = [
      { role: 'user' as const, text: 'one', timestamp: 1 },
      { role: 'user' as const, text: 'two', timestamp: 2 },
      { role: 'user' as const, text: 'three', timestamp: 3 },
      { role: 'assistant' as const, text: 'answer one', timestamp: 4 },
      { role: 'assistant' as const, text: 'answer two', timestamp: 5 },
    ];
    expect(identifyHistory(entries, sent).map((m) => [m.id, m.text, m.runId])).toEqual([
      ['A', 'one', undefined],
      ['B', 'two', undefined],
      ['C', 'three', undefined],
      ['A:reply', 'answer one', 'A'],
      ['B:reply', 'answer two', 'B'],
    ]);
    // A gateway that records each entry's run: that wins over the order.
    const tagged = [entries[0]!, entries[1]!, { ...entries[4]!, runId: 'B' }].map((e, i) => (i < 2 ? { ...e, runId: sent[i]!.id } : e));
    expect(identifyHistory(tagged, sent).map((m) => m.id)).toEqual(['A', 'B', 'B:reply']);
  });
});
