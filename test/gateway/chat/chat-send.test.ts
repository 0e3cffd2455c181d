import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { RunManager } from '../../../src/gateway/agent/runs';
import { SessionStore } from '../../../src/gateway/sessions/store';
import { refusedBaseUrl, startModelServer, type ModelServer, type ModelServerOptions } from '../../support/model-servers';
import { ChatHarness, providerConfig, type AnyPayload, type Reply } from './harness';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(opts: Partial<ModelServerOptions> = {}, api: 'openai' | 'anthropic' = 'openai'): Promise<{ h: ChatHarness; server: ModelServer }> {
  const server = await startModelServer({ api, ...opts });
  const h = ChatHarness.create(providerConfig(server.baseUrl, api === 'openai' ? 'openai-completions' : 'anthropic-messages'));
  cleanups.push(() => server.close(), () => h.dispose());
  return { h, server };
}

function send(h: ChatHarness, message: string, extra: Record<string, unknown> = {}): { runId: string; ack: Promise<Reply> } {
  const runId = randomUUID();
  return { runId, ack: h.request('chat.send', { sessionKey: 'main', message, idempotencyKey: runId, ...extra }) };
}

describe('chat.send', () => {
  it.each(['openai', 'anthropic'] as const)('streams cumulative deltas and one final (%s)', async (api) => {
    const { h } = await setup({ delayMs: 60 }, api);
    const { runId, ack } = send(h, 'Hello mock');
    expect((await ack).payload).toEqual({ runId, status: 'started' });
    const final = await h.terminal(runId);
    expect(final.payload).toMatchObject({ runId, sessionKey: 'main', state: 'final', message: { role: 'assistant', content: [{ type: 'text', text: 'Hello from the mock model.' }] } });
    const chat = h.runEvents(runId);
    const deltas = chat.filter((e) => e.payload.state === 'delta');
    expect(deltas.length).toBeGreaterThan(0);
    for (const d of deltas) {
      expect(d.options?.dropIfSlow).toBe(true);
      expect('Hello from the mock model.'.startsWith(d.payload.message.content[0].text)).toBe(true);
    }
    expect(chat.filter((e) => e.payload.state !== 'delta')).toHaveLength(1);
    const agent = h.runEvents(runId, 'agent');
    expect(agent.map((e) => e.payload.seq)).toEqual(agent.map((_, i) => i + 1));
    expect(agent[0]?.payload.data.phase).toBe('start');
    expect(agent.at(-1)?.payload.data.phase).toBe('end');
    expect(final.payload.seq).toBe(agent.at(-1)?.payload.seq);
    // Throttled: consecutive deltas are at least 150 ms apart (a lower bound, so load cannot break it).
    for (let i = 1; i < deltas.length; i++) {
      expect(deltas[i]!.payload.message.timestamp - deltas[i - 1]!.payload.message.timestamp).toBeGreaterThanOrEqual(150);
    }
  });

  it('keeps both turns in history across a restart, under main and agent:main:main', async () => {
    const { h } = await setup();
    const { runId } = send(h, 'Hello mock');
    await h.terminal(runId);
    await h.services.close();
    h.open();
    for (const key of ['main', 'agent:main:main']) {
      const res = await h.request('chat.history', { sessionKey: key });
      expect(res.payload.sessionKey).toBe(key);
      expect(res.payload.messages.map((m: AnyPayload) => [m.role, m.content[0].text])).toEqual([['user', 'Hello mock'], ['assistant', 'Hello from the mock model.']]);
      expect(res.payload.messages[1]).toMatchObject({ api: 'openai-completions', provider: 'mock', model: 'mock-1', stopReason: 'stop', usage: { input: 12, output: 6, totalTokens: 18 } });
    }
  });

  it('sends the session transcript plus the new message to the model', async () => {
    const { h, server } = await setup();
    const first = send(h, 'first question');
    await h.terminal(first.runId);
    const second = send(h, 'second question');
    await h.terminal(second.runId);
    expect(server.requests[1]?.body.messages).toEqual([
      { role: 'user', content: 'first question' },
      { role: 'assistant', content: 'Hello from the mock model.' },
      { role: 'user', content: 'second question' },
    ]);
  });

  it('without a provider: ack, then an error event at once naming the config to add', async () => {
    const h = ChatHarness.create({});
    cleanups.push(() => h.dispose());
    const { runId, ack } = send(h, 'Hello');
    expect((await ack).payload.status).toBe('started');
    const t = await h.terminal(runId);
    expect(t.payload.state).toBe('error');
    expect(t.payload.errorMessage).toMatch(/No model provider is configured/);
    expect(t.payload.errorMessage).toMatch(/models: \{ providers:/);
    expect(h.runEvents(runId)).toHaveLength(1);
    // REF-BUG 2: the repeat reports the real outcome, not ok.
    const again = await h.request('chat.send', { sessionKey: 'main', message: 'Hello', idempotencyKey: runId });
    expect(again.ok).toBe(false);
    expect(again.error?.message).toMatch(/No model provider/);
  });

  it.each([
    ['unauthorized', /rejected the API key/],
    ['model-not-found', /was not found/],
    ['server-error', /HTTP 503/],
    ['stop-midway', /stopped before it was complete/],
    ['malformed', /malformed stream/],
  ] as const)('provider fault %s ends the run with one error event', async (fault, message) => {
    const { h } = await setup({ fault });
    const { runId } = send(h, 'hi');
    const t = await h.terminal(runId);
    expect(t.payload.state).toBe('error');
    expect(t.payload.errorMessage).toMatch(message);
    expect(t.payload.errorMessage).not.toContain('sk-test-secret-key');
    expect(h.runEvents(runId).filter((e) => e.payload.state !== 'delta')).toHaveLength(1);
    expect(JSON.stringify(h.logs)).not.toContain('sk-test-secret-key');
  });

  it('connection refused ends the run with an error event', async () => {
    const h = ChatHarness.create(providerConfig(await refusedBaseUrl()));
    cleanups.push(() => h.dispose());
    const { runId } = send(h, 'hi');
    expect((await h.terminal(runId)).payload.errorMessage).toMatch(/connection refused/);
  });

  it('a hanging provider ends with an error at the run timeout', async () => {
    const { h } = await setup({ fault: 'hang' });
    const { runId } = send(h, 'hi', { timeoutMs: 300 });
    const t = await h.terminal(runId);
    expect(t.payload.state).toBe('error');
    expect(t.payload.errorMessage).toMatch(/did not finish the reply within/);
  });

  it('a 429 is retried once after retry-after', async () => {
    const { h, server } = await setup({ fault: 'rate-limit', retryAfterSeconds: 0 });
    const { runId } = send(h, 'hi');
    expect((await h.terminal(runId)).payload.state).toBe('final');
    expect(server.requests).toHaveLength(2);
  });

  it('a repeated idempotencyKey never starts a second run', async () => {
    const { h, server } = await setup({ delayMs: 40 });
    const { runId, ack } = send(h, 'hi');
    await ack;
    const dup = await h.request('chat.send', { sessionKey: 'main', message: 'hi', idempotencyKey: runId });
    expect(dup.payload).toEqual({ runId, status: 'in_flight' });
    await h.terminal(runId);
    const after = await h.request('chat.send', { sessionKey: 'main', message: 'hi', idempotencyKey: runId });
    expect(after.payload).toEqual({ runId, status: 'ok' });
    expect(server.requests).toHaveLength(1);
    const history = await h.request('chat.history', { sessionKey: 'main' });
    expect(history.payload.messages).toHaveLength(2);
  });

  it('chat.history tags each message with its run, so a client can tell queued replies apart', async () => {
    let n = 0;
    const { h } = await setup({ delayMs: 5, pieces: () => [`reply ${++n}`] });
    const a = send(h, 'first');
    const b = send(h, 'second');
    await Promise.all([a.ack, b.ack]);
    await h.terminal(a.runId);
    await h.terminal(b.runId);
    const history = await h.request('chat.history', { sessionKey: 'main' });
    const rows = (history.payload.messages as Array<{ role: string; runId?: string; content: Array<{ text: string }> }>).map((m) => [m.role, m.content[0]!.text, m.runId]);
    expect(rows).toEqual([
      ['user', 'first', a.runId],
      ['user', 'second', b.runId],
      ['assistant', 'reply 1', a.runId],
      ['assistant', 'reply 2', b.runId],
    ]);
    // The chat events keep the reference's shape: the run is in the payload, not in the message.
    expect((await h.terminal(a.runId)).payload.message).not.toHaveProperty('runId');
  });

  it('two concurrent sends on one session run in order', async () => {
    let n = 0;
    const { h, server } = await setup({ delayMs: 5, pieces: () => [`reply ${++n}`] });
    const a = send(h, 'first');
    const b = send(h, 'second');
    await Promise.all([a.ack, b.ack]);
    const ta = await h.terminal(a.runId);
    const tb = await h.terminal(b.runId);
    expect(ta.payload.message.content[0].text).toBe('reply 1');
    expect(tb.payload.message.content[0].text).toBe('reply 2');
    expect(h.events.indexOf(ta)).toBeLessThan(h.events.findIndex((e) => e.event === 'agent' && e.payload.runId === b.runId));
    expect(server.requests[1]?.body.messages).toEqual([
      { role: 'user', content: 'first' },
      { role: 'assistant', content: 'reply 1' },
      { role: 'user', content: 'second' },
    ]);
  });

  it('validates params with the reference message format', async () => {
    const { h } = await setup();
    const res = await h.request('chat.send', { sessionKey: 'main', message: 'hi' });
    expect(res.error).toEqual({ code: 'INVALID_REQUEST', message: "invalid chat.send params: must have required property 'idempotencyKey'" });
    const extra = await h.request('chat.history', { sessionKey: 'main', limit: 0, foo: 1 });
    expect(extra.error?.message).toBe("invalid chat.history params: at /limit: must be >= 1; at root: unexpected property 'foo'");
  });
});

describe('chat.abort and stop commands', () => {
  it('aborts mid-stream: the aborted event comes before the response, nothing follows', async () => {
    const { h } = await setup({ delayMs: 100, pieces: ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'] });
    const { runId } = send(h, 'slow please');
    await h.waitFor((e) => e.event === 'chat' && e.payload.runId === runId && e.payload.state === 'delta');
    const call = h.call('chat.abort', { sessionKey: 'main', runId });
    const res = await call.first;
    expect(res.payload).toEqual({ ok: true, aborted: true, runIds: [runId] });
    const terminal = h.runEvents(runId).filter((e) => e.payload.state !== 'delta');
    expect(terminal).toHaveLength(1);
    expect(terminal[0]?.payload).toMatchObject({ state: 'aborted', stopReason: 'rpc' });
    const count = h.events.length;
    await new Promise((r) => setTimeout(r, 300));
    expect(h.events.slice(count).filter((e) => e.payload.runId === runId)).toEqual([]);
    // The partial reply stays in the transcript, marked as aborted.
    const history = await h.request('chat.history', { sessionKey: 'main' });
    expect(history.payload.messages.at(-1)).toMatchObject({ role: 'assistant', stopReason: 'aborted' });
  });

  it('abort of a finished or unknown run reports nothing aborted; a foreign runId is refused', async () => {
    const { h } = await setup();
    const { runId } = send(h, 'hi');
    await h.terminal(runId);
    expect((await h.request('chat.abort', { sessionKey: 'main', runId })).payload).toEqual({ ok: true, aborted: false, runIds: [] });
    expect((await h.request('chat.abort', { sessionKey: 'main' })).payload).toEqual({ ok: true, aborted: false, runIds: [] });
    expect((await h.request('chat.abort', { sessionKey: 'other', runId })).error?.message).toBe('runId does not match sessionKey');
  });

  it('/stop aborts the session runs', async () => {
    const { h } = await setup({ delayMs: 100 });
    const { runId, ack } = send(h, 'long');
    await ack;
    const stop = await h.request('chat.send', { sessionKey: 'agent:main:main', message: '/stop', idempotencyKey: randomUUID() });
    expect(stop.payload).toEqual({ ok: true, aborted: true, runIds: [runId] });
    expect((await h.terminal(runId)).payload).toMatchObject({ state: 'aborted', stopReason: 'stop' });
  });

  it('/new starts a fresh session; /status and /help answer without the model', async () => {
    const { h, server } = await setup();
    const first = send(h, 'hello');
    await h.terminal(first.runId);
    const before = (await h.request('chat.history', { sessionKey: 'main' })).payload.sessionId;
    const reset = send(h, '/new');
    expect((await h.terminal(reset.runId)).payload.state).toBe('final');
    const after = await h.request('chat.history', { sessionKey: 'main' });
    expect(after.payload.sessionId).not.toBe(before);
    expect(after.payload.messages).toEqual([]);
    const status = send(h, '/status');
    expect((await h.terminal(status.runId)).payload.message.content[0].text).toMatch(/Session: agent:main:main[\s\S]*Model: mock\/mock-1/);
    const help = send(h, '/help');
    expect((await h.terminal(help.runId)).payload.message.content[0].text).toMatch(/\/new/);
    expect(server.requests).toHaveLength(1);
  });

  it('sessions.reset mid-stream aborts the run and keeps its partial reply out of the fresh session', async () => {
    const { h } = await setup({ delayMs: 100, pieces: ['a', 'b', 'c', 'd', 'e'] });
    const { runId } = send(h, 'before reset');
    await h.waitFor((e) => e.event === 'chat' && e.payload.runId === runId && e.payload.state === 'delta');
    await h.request('sessions.reset', { key: 'main' });
    expect((await h.terminal(runId)).payload).toMatchObject({ state: 'aborted', stopReason: 'reset' });
    await h.services.close();
    h.open();
    expect((await h.request('chat.history', { sessionKey: 'main' })).payload.messages).toEqual([]);
  });

  it('close() aborts in-flight runs with a terminal event and keeps the acknowledged message', async () => {
    const { h } = await setup({ delayMs: 200 });
    const { runId, ack } = send(h, 'still running');
    await ack;
    await h.services.close();
    expect(h.runEvents(runId).filter((e) => e.payload.state !== 'delta').map((e) => e.payload.state)).toEqual(['aborted']);
    h.open();
    const history = await h.request('chat.history', { sessionKey: 'main' });
    expect(history.payload.messages[0].content[0].text).toBe('still running');
  });

  it('the sweeper aborts a run past its deadline with stopReason timeout', async () => {
    const { h } = await setup({ fault: 'hang' });
    const stateDir = h.stateDir;
    const events: Array<{ event: string; payload: AnyPayload }> = [];
    const log = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
    const store = new SessionStore(stateDir, log);
    const runs = new RunManager({ store, log, broadcast: (event, payload) => events.push({ event, payload }), getConfig: () => h.config, env: {} });
    const done = runs.start({ runId: 'r1', sessionKey: 'agent:main:main', eventSessionKey: 'main', message: 'hi', timeoutMs: 60_000 });
    while (!events.some((e) => e.event === 'agent')) await new Promise((r) => setTimeout(r, 5));
    runs.sweep(Date.now() + 10 * 60_000);
    expect((await done).status).toBe('aborted');
    expect(events.filter((e) => e.event === 'chat').map((e) => e.payload)).toEqual([{ runId: 'r1', sessionKey: 'main', seq: 2, state: 'aborted', stopReason: 'timeout' }]);
    await runs.close();
  });
});
