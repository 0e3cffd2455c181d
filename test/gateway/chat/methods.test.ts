import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { boundHistory } from '../../../src/gateway/chat/history';
import type { TranscriptMessage } from '../../../src/gateway/sessions/transcript';
import { startModelServer, type ModelServer } from '../../support/model-servers';
import { ChatHarness, providerConfig } from './harness';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(withModel = true): Promise<{ h: ChatHarness; server?: ModelServer }> {
  if (!withModel) {
    const h = ChatHarness.create({});
    cleanups.push(() => h.dispose());
    return { h };
  }
  const server = await startModelServer({ api: 'openai' });
  const h = ChatHarness.create(providerConfig(server.baseUrl));
  cleanups.push(() => server.close(), () => h.dispose());
  return { h, server };
}

async function exchange(h: ChatHarness, sessionKey: string, message: string): Promise<void> {
  const runId = randomUUID();
  await h.request('chat.send', { sessionKey, message, idempotencyKey: runId });
  await h.terminal(runId);
}

describe('agent and agent.wait', () => {
  it('answers twice with one call: accepted, then the result', async () => {
    const { h } = await setup();
    const runId = randomUUID();
    const call = h.call('agent', { message: 'Hello agent', idempotencyKey: runId, sessionKey: 'main' });
    expect((await call.first).payload).toMatchObject({ runId, status: 'accepted', acceptedAt: expect.any(Number) });
    const final = await call.nth(1);
    expect(final.ok).toBe(true);
    expect(final.payload).toMatchObject({ runId, status: 'ok', summary: 'completed', result: { payloads: [{ text: 'Hello from the mock model.', mediaUrl: null }], meta: { aborted: false, agentMeta: { provider: 'mock', model: 'mock-1', usage: { input: 12, output: 6, total: 18 } } } } });
    expect(h.runEvents(runId).at(-1)?.payload.state).toBe('final');
    const wait = await h.request('agent.wait', { runId, timeoutMs: 1000 });
    expect(wait.payload).toMatchObject({ runId, status: 'ok', startedAt: expect.any(Number), endedAt: expect.any(Number) });
    const repeat = h.call('agent', { message: 'Hello agent', idempotencyKey: runId });
    expect((await repeat.first).payload.status).toBe('ok');
    await new Promise((r) => setTimeout(r, 20));
    expect(repeat.all).toHaveLength(1);
  });

  it('a failure is ok:false with both payload and error; agent.wait reports it', async () => {
    const { h } = await setup(false);
    const runId = randomUUID();
    const call = h.call('agent', { message: 'Hello agent', idempotencyKey: runId, sessionKey: 'main' });
    expect((await call.first).ok).toBe(true);
    const final = await call.nth(1);
    expect(final.ok).toBe(false);
    expect(final.payload).toMatchObject({ runId, status: 'error', summary: expect.stringMatching(/No model provider/) });
    expect(final.error).toMatchObject({ code: 'UNAVAILABLE', message: final.payload.summary });
    const lifecycle = h.runEvents(runId, 'agent');
    expect(lifecycle.map((e) => e.payload.data.phase)).toEqual(['error']);
    expect((await h.request('agent.wait', { runId, timeoutMs: 100 })).payload).toMatchObject({ status: 'error', error: final.payload.summary });
  });

  it('agent.wait for an unknown run times out with status timeout; bad params are refused', async () => {
    const { h } = await setup(false);
    expect((await h.request('agent.wait', { runId: 'no-such-run', timeoutMs: 20 })).payload).toEqual({ runId: 'no-such-run', status: 'timeout' });
    expect((await h.request('agent', { message: 'x', idempotencyKey: 'k', channel: 'telegram' })).error?.message).toBe('invalid agent params: unknown channel: telegram');
    expect((await h.request('agent', { message: 'x', idempotencyKey: 'k', agentId: 'ops' })).error?.message).toBe('invalid agent params: unknown agent id "ops"');
  });
});

describe('sessions.*', () => {
  it('list, preview, patch, reset and delete', async () => {
    const { h } = await setup();
    const empty = await h.request('sessions.list', {});
    expect(empty.payload).toMatchObject({ path: '(multiple)', count: 0, sessions: [], defaults: { modelProvider: 'mock', model: 'mock-1', contextTokens: 16000 } });
    await exchange(h, 'main', 'Hello mock');
    await exchange(h, 'agent:main:work', 'Work question');

    const list = await h.request('sessions.list', { includeDerivedTitles: true, includeLastMessage: true });
    expect(list.payload.count).toBe(2);
    expect(list.payload.sessions[0]).toMatchObject({ key: 'agent:main:work', kind: 'direct', derivedTitle: 'Work question', lastMessagePreview: 'Hello from the mock model.', totalTokens: 18, model: 'mock-1', displayName: 'test-client', lastChannel: 'webchat', deliveryContext: { channel: 'webchat' }, origin: { label: 'test-client', provider: 'webchat', surface: 'webchat', chatType: 'direct' } });

    const preview = await h.request('sessions.preview', { keys: ['main', 'agent:main:nope'], limit: 4, maxChars: 20 });
    expect(preview.payload.previews).toEqual([
      { key: 'main', status: 'ok', items: [{ role: 'user', text: 'Hello mock' }, { role: 'assistant', text: 'Hello from the mo...' }] },
      { key: 'agent:main:nope', status: 'missing', items: [] },
    ]);

    const patched = await h.request('sessions.patch', { key: 'work', label: 'Work', sendPolicy: 'deny' });
    expect(patched.payload).toMatchObject({ ok: true, key: 'agent:main:work', entry: { label: 'Work', sendPolicy: 'deny' } });
    const blocked = await h.request('chat.send', { sessionKey: 'work', message: 'hi', idempotencyKey: randomUUID() });
    expect(blocked.error).toEqual({ code: 'INVALID_REQUEST', message: 'send blocked by session policy' });
    await h.request('sessions.patch', { key: 'work', sendPolicy: null });

    const before = (await h.request('chat.history', { sessionKey: 'main' })).payload.sessionId;
    const reset = await h.request('sessions.reset', { key: 'main' });
    expect(reset.payload).toMatchObject({ ok: true, key: 'agent:main:main', entry: { inputTokens: 0, outputTokens: 0, totalTokens: 0, systemSent: false, abortedLastRun: false } });
    expect(reset.payload.entry.sessionId).not.toBe(before);
    expect((await h.request('chat.history', { sessionKey: 'main' })).payload.messages).toEqual([]);

    expect((await h.request('sessions.delete', { key: 'main' })).error).toEqual({ code: 'INVALID_REQUEST', message: 'Cannot delete the main session (agent:main:main).' });
    expect((await h.request('sessions.delete', { key: 'agent:main:fixture-empty' })).payload).toEqual({ ok: true, key: 'agent:main:fixture-empty', deleted: false, archived: [] });
    const deleted = await h.request('sessions.delete', { key: 'agent:main:work' });
    expect(deleted.payload).toMatchObject({ ok: true, deleted: true, archived: [expect.stringMatching(/\.deleted\./)] });
    expect((await h.request('sessions.list', {})).payload.count).toBe(1);
  });

  it('health and status summaries list the sessions', async () => {
    const { h } = await setup();
    await exchange(h, 'main', 'hi');
    const health = h.services.sessionsSummary();
    expect(health).toMatchObject({ count: 1, recent: [{ key: 'agent:main:main', updatedAt: expect.any(Number), age: expect.any(Number) }] });
    expect(health.path).toMatch(/agents\/main\/sessions\/sessions\.json$/);
    expect(h.services.statusSessions()).toMatchObject({ count: 1, defaults: { model: 'mock-1', contextTokens: 16000 }, recent: [{ key: 'agent:main:main', totalTokens: 18, remainingTokens: 15982, percentUsed: 0 }] });
  });
});

describe('send and chat.inject', () => {
  it('webchat appends to the session and broadcasts; other channels are refused', async () => {
    const { h } = await setup(false);
    expect((await h.request('send', { to: '+15550000000', message: 'hi', idempotencyKey: randomUUID() })).error).toEqual({ code: 'INVALID_REQUEST', message: 'unsupported channel: whatsapp' });
    const key = randomUUID();
    const res = await h.request('send', { to: 'main', message: 'From outside', idempotencyKey: key, channel: 'webchat' });
    expect(res.payload).toMatchObject({ runId: key, channel: 'webchat', conversationId: 'agent:main:main', messageId: expect.any(String) });
    expect(h.runEvents(key)[0]?.payload).toMatchObject({ sessionKey: 'main', state: 'final', message: { role: 'assistant', content: [{ text: 'From outside' }] } });
    expect((await h.request('send', { to: 'main', message: 'From outside', idempotencyKey: key, channel: 'webchat' })).payload).toEqual(res.payload);
    const inject = await h.request('chat.inject', { sessionKey: 'main', message: 'Injected' });
    expect(inject.payload).toMatchObject({ ok: true, messageId: expect.any(String) });
    const history = await h.request('chat.history', { sessionKey: 'main' });
    expect(history.payload.messages.map((m: { content: Array<{ text: string }> }) => m.content[0]!.text)).toEqual(['From outside', 'Injected']);
  });
});

describe('chat.history bounds', () => {
  const msg = (text: string): TranscriptMessage => ({ role: 'user', content: [{ type: 'text', text }], timestamp: 1 });

  it('keeps the last `limit` messages', async () => {
    const { h } = await setup();
    for (let i = 0; i < 3; i++) await exchange(h, 'main', `q${i}`);
    const res = await h.request('chat.history', { sessionKey: 'main', limit: 3 });
    expect(res.payload.messages.map((m: { content: Array<{ text: string }> }) => m.content[0]!.text)).toEqual(['Hello from the mock model.', 'q2', 'Hello from the mock model.']);
  });

  it('drops the oldest messages to stay within 6 MiB', () => {
    const big = 'x'.repeat(1024 * 1024);
    const messages = Array.from({ length: 10 }, (_, i) => msg(`${i}:${big}`));
    const kept = boundHistory(messages, 1000);
    expect(Buffer.byteLength(JSON.stringify(kept))).toBeLessThanOrEqual(6 * 1024 * 1024);
    expect(kept.length).toBe(5);
    expect(kept.at(-1)?.content[0]?.text.startsWith('9:')).toBe(true);
  });

  it('cuts a single message that alone exceeds the cap', () => {
    const kept = boundHistory([msg('y'.repeat(7 * 1024 * 1024))], 200);
    expect(kept).toHaveLength(1);
    expect(Buffer.byteLength(JSON.stringify(kept))).toBeLessThanOrEqual(6 * 1024 * 1024);
    expect(kept[0]?.content[0]?.text).toMatch(/message truncated/);
  });
});
