// End to end through a real gateway process and a WebSocket client, with a model server on loopback.

import { randomUUID } from 'node:crypto';
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startGateway, type RunningGateway } from '../../support/gateway';
import { startModelServer, type ModelServer, type ModelServerOptions } from '../../support/model-servers';
import { connectClient, type AnyFrame, type WsTestClient } from '../../support/ws-client';
import { providerConfig, type AnyPayload } from './harness';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => {});
});

async function model(opts: Partial<ModelServerOptions> = {}): Promise<ModelServer> {
  const s = await startModelServer({ api: 'openai', ...opts });
  cleanups.push(() => s.close());
  return s;
}

/** A gateway over a state dir this test owns, so a restart (or a kill -9) keeps it. */
async function gateway(config: Record<string, unknown>, stateDir?: string): Promise<RunningGateway> {
  let dir = stateDir;
  if (!dir) {
    const created = mkdtempSync(join(tmpdir(), 'clawdbot-chat-e2e-'));
    cleanups.push(async () => rmSync(created, { recursive: true, force: true }));
    dir = created;
  }
  // No real provider keys from the developer's shell: tests never leave loopback.
  const gw = await startGateway({ config, stateDir: dir, env: { ANTHROPIC_API_KEY: '', OPENAI_API_KEY: '' } });
  cleanups.push(() => gw.stop('SIGKILL'));
  return gw;
}

async function client(gw: RunningGateway): Promise<WsTestClient> {
  const c = await connectClient(gw.url, { token: gw.token });
  cleanups.push(() => c.close());
  return c;
}

const isChat = (runId: string) => (f: AnyFrame): boolean => f.type === 'event' && f.event === 'chat' && f.payload?.runId === runId;
const isTerminal = (runId: string) => (f: AnyFrame): boolean => isChat(runId)(f) && f.payload.state !== 'delta';

async function chatSend(c: WsTestClient, message: string, runId = randomUUID(), sessionKey = 'agent:main:main'): Promise<{ runId: string; ack: AnyFrame }> {
  const ack = await c.request('chat.send', { sessionKey, message, idempotencyKey: runId });
  return { runId, ack };
}

describe('chat through a real gateway', () => {
  it('streams deltas and a final; history shows both turns after a restart', async () => {
    const server = await model({ delayMs: 40 });
    const gw = await gateway(providerConfig(server.baseUrl));
    const c = await client(gw);
    const { runId, ack } = await chatSend(c, 'Hello mock');
    expect(ack.payload).toEqual({ runId, status: 'started' });
    const delta = await c.next((f) => isChat(runId)(f) && f.payload.state === 'delta');
    expect(delta.seq).toBeTypeOf('number');
    const final = await c.next(isTerminal(runId));
    expect(final.payload).toMatchObject({ state: 'final', message: { content: [{ type: 'text', text: 'Hello from the mock model.' }] } });

    // Restart over the same state dir.
    const stateDir = gw.stateDir;
    await c.close();
    await gw.stop('SIGTERM').catch(() => {});
    const gw2 = await gateway(providerConfig(server.baseUrl), stateDir);
    const c2 = await client(gw2);
    const history = await c2.request('chat.history', { sessionKey: 'main' });
    expect(history.payload.messages.map((m: AnyPayload) => m.content[0].text)).toEqual(['Hello mock', 'Hello from the mock model.']);
  });

  it('without a provider the send gets an error event at once', async () => {
    const gw = await gateway({});
    const c = await client(gw);
    const { runId } = await chatSend(c, 'Hello', randomUUID(), 'main');
    const t = await c.next(isTerminal(runId), 3000);
    expect(t.payload).toMatchObject({ state: 'error', sessionKey: 'main' });
    expect(t.payload.errorMessage).toMatch(/No model provider is configured/);
    // It names the gateway's real config file and what to add there.
    expect(t.payload.errorMessage).toContain(`the config file (${gw.configPath})`);
    expect(t.payload.errorMessage).toContain('models: { providers: {');
  });

  it('kill -9 mid-stream, restart: the acknowledged message is there and the gateway keeps working', async () => {
    const server = await model({ delayMs: 300, pieces: ['one', ' two', ' three', ' four', ' five'] });
    const gw = await gateway(providerConfig(server.baseUrl));
    const c = await client(gw);
    await c.request('chat.send', { sessionKey: 'main', message: 'first turn', idempotencyKey: randomUUID() }).then((r) => c.next(isTerminal(r.payload.runId), 10_000));
    const { runId } = await chatSend(c, 'interrupted turn');
    await c.next((f) => isChat(runId)(f) && f.payload.state === 'delta', 5000);
    await gw.stop('SIGKILL');
    // A crash in the middle of a write leaves a torn last line; simulate one.
    const dir = join(gw.stateDir, 'agents', 'main', 'sessions');
    const index = JSON.parse(readFileSync(join(dir, 'sessions.json'), 'utf8')) as Record<string, { sessionId: string }>;
    appendFileSync(join(dir, `${index['agent:main:main']!.sessionId}.jsonl`), '{"type":"message","id":"torn","message":{"role":"assistant","cont');
    const gw2 = await gateway(providerConfig(server.baseUrl), gw.stateDir);
    const c2 = await client(gw2);
    const history = await c2.request('chat.history', { sessionKey: 'main' });
    const texts = history.payload.messages.map((m: AnyPayload) => m.content[0].text);
    expect(texts).toEqual(['first turn', 'one two three four five', 'interrupted turn']);
    // The log line travels on stderr, not the socket: wait for it.
    for (let i = 0; i < 100 && !/torn last line/.test(gw2.output()); i++) await new Promise((r) => setTimeout(r, 20));
    expect(gw2.output()).toMatch(/torn last line/);
    server.set({ delayMs: 1 });
    const next = await chatSend(c2, 'after the crash');
    expect((await c2.next(isTerminal(next.runId), 10_000)).payload.state).toBe('final');
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.jsonl'))) {
      for (const line of readFileSync(join(dir, f), 'utf8').split('\n').filter(Boolean)) expect(() => JSON.parse(line)).not.toThrow();
    }
  });

  it('every provider fault ends the run with a clear error event', async () => {
    const server = await model({ delayMs: 5 });
    const gw = await gateway(providerConfig(server.baseUrl));
    const c = await client(gw);
    const cases: Array<[Partial<ModelServerOptions>, RegExp, number?]> = [
      [{ fault: 'unauthorized' }, /rejected the API key \(HTTP 401\)/],
      [{ fault: 'model-not-found' }, /Model "mock-1" was not found/],
      [{ fault: 'rate-limit', rateLimitTimes: 2, retryAfterSeconds: 0 }, /rate limiting requests \(HTTP 429\)/],
      [{ fault: 'server-error' }, /failed with HTTP 503/],
      [{ fault: 'stop-midway' }, /stopped before it was complete/],
      [{ fault: 'malformed' }, /malformed stream/],
      [{ fault: 'hang' }, /did not finish the reply within/, 500],
    ];
    for (const [opts, message, timeoutMs] of cases) {
      server.set({ fault: 'none', ...opts });
      const runId = randomUUID();
      await c.request('chat.send', { sessionKey: 'main', message: 'hi', idempotencyKey: runId, ...(timeoutMs ? { timeoutMs } : {}) });
      const t = await c.next(isTerminal(runId), 10_000);
      expect(t.payload.state).toBe('error');
      expect(t.payload.errorMessage).toMatch(message);
      expect(t.payload.errorMessage).not.toContain('sk-test-secret-key');
    }
    expect(gw.output()).not.toContain('sk-test-secret-key');
  });

  it('agent answers twice on one id; chat.abort mid-stream sends aborted before its response', async () => {
    const server = await model({ delayMs: 100, pieces: ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'] });
    const gw = await gateway(providerConfig(server.baseUrl));
    const c = await client(gw);
    const id = randomUUID();
    const runId = randomUUID();
    c.send({ type: 'req', id, method: 'agent', params: { message: 'Hello agent', idempotencyKey: runId, sessionKey: 'main' } });
    expect((await c.response(id)).payload).toMatchObject({ runId, status: 'accepted' });
    await c.next((f) => isChat(runId)(f) && f.payload.state === 'delta', 5000);
    const abortId = randomUUID();
    c.send({ type: 'req', id: abortId, method: 'chat.abort', params: { sessionKey: 'main', runId } });
    const aborted = await c.next(isTerminal(runId));
    expect(aborted.payload).toMatchObject({ state: 'aborted', stopReason: 'rpc' });
    const abortRes = await c.response(abortId);
    expect(abortRes.payload).toEqual({ ok: true, aborted: true, runIds: [runId] });
    expect(c.frames.indexOf(aborted)).toBeLessThan(c.frames.indexOf(abortRes));
    const second = await c.response(id);
    expect(second).toMatchObject({ ok: true, payload: { runId, status: 'ok', result: { meta: { aborted: true } } } });
  });

  it('SIGTERM mid-stream: the run ends with aborted before shutdown, and the transcript is kept', async () => {
    const server = await model({ delayMs: 200, pieces: ['one', ' two', ' three', ' four'] });
    const gw = await gateway(providerConfig(server.baseUrl));
    const c = await client(gw);
    const { runId } = await chatSend(c, 'stopping soon');
    await c.next((f) => isChat(runId)(f) && f.payload.state === 'delta', 5000);
    const stopped = gw.stop('SIGTERM');
    const aborted = await c.next(isTerminal(runId));
    expect(aborted.payload).toMatchObject({ state: 'aborted', stopReason: 'shutdown' });
    const shutdown = await c.event('shutdown');
    expect(c.frames.indexOf(aborted)).toBeLessThan(c.frames.indexOf(shutdown));
    await stopped;
    const gw2 = await gateway(providerConfig(server.baseUrl), gw.stateDir);
    const c2 = await client(gw2);
    const history = await c2.request('chat.history', { sessionKey: 'main' });
    expect(history.payload.messages.map((m: AnyPayload) => [m.role, m.stopReason])).toEqual([['user', undefined], ['assistant', 'aborted']]);
  });

  it('a client that disconnects and resends the same idempotencyKey gets no second run', async () => {
    const server = await model({ delayMs: 50 });
    const gw = await gateway(providerConfig(server.baseUrl));
    const c = await client(gw);
    const { runId } = await chatSend(c, 'once only');
    c.terminate();
    const c2 = await client(gw);
    const again = await c2.request('chat.send', { sessionKey: 'agent:main:main', message: 'once only', idempotencyKey: runId });
    expect(['in_flight', 'ok']).toContain(again.payload.status);
    if (again.payload.status === 'in_flight') await c2.next(isTerminal(runId), 10_000);
    const third = await c2.request('chat.send', { sessionKey: 'agent:main:main', message: 'once only', idempotencyKey: runId });
    expect(third.payload).toEqual({ runId, status: 'ok' });
    expect(server.requests).toHaveLength(1);
    const history = await c2.request('chat.history', { sessionKey: 'main' });
    expect(history.payload.messages).toHaveLength(2);
  });

  it('50 sessions stream at once, each to its own final', async () => {
    const server = await model({ delayMs: 10, pieces: (req) => ['echo: ', String(req.body.messages?.at(-1)?.content)] });
    const gw = await gateway(providerConfig(server.baseUrl));
    const watcher = await client(gw);
    const senders = await Promise.all([0, 1, 2, 3, 4].map(() => client(gw)));
    const runs = await Promise.all(
      Array.from({ length: 50 }, (_, i) => chatSend(senders[i % senders.length]!, `message ${i}`, randomUUID(), `agent:main:s${i}`)),
    );
    for (const [i, r] of runs.entries()) {
      const t = await watcher.next(isTerminal(r.runId), 20_000);
      expect(t.payload).toMatchObject({ state: 'final', sessionKey: `agent:main:s${i}`, message: { content: [{ text: `echo: message ${i}` }] } });
    }
    const list = await watcher.request('sessions.list', {});
    expect(list.payload.count).toBe(50);
  });

  it('history honours the limit bounds and the 6 MiB cap', async () => {
    const gw = await gateway({});
    const c = await client(gw);
    expect((await c.request('chat.history', { sessionKey: 'main', limit: 1001 })).error.message).toBe('invalid chat.history params: at /limit: must be <= 1000');
    expect((await c.request('chat.history', { sessionKey: 'main', limit: 0 })).error.message).toBe('invalid chat.history params: at /limit: must be >= 1');
    const empty = await c.request('chat.history', { sessionKey: 'main' });
    // No provider: the built-in default model reasons, so the level defaults to "low" (chat-history-empty).
    expect(empty.payload).toEqual({ sessionKey: 'main', messages: [], thinkingLevel: 'low' });

    // 14 messages of 480 KB (each under the 512 KiB frame limit) make a transcript over 6 MiB.
    for (let i = 0; i < 14; i++) {
      const runId = randomUUID();
      await c.request('chat.send', { sessionKey: 'main', message: `${i}:${'z'.repeat(480_000)}`, idempotencyKey: runId });
      await c.next(isTerminal(runId));
    }
    const capped = await c.request('chat.history', { sessionKey: 'main', limit: 1000 }, { timeoutMs: 15_000 });
    const texts: string[] = capped.payload.messages.map((m: AnyPayload) => m.content[0].text);
    expect(Buffer.byteLength(JSON.stringify(capped.payload.messages))).toBeLessThanOrEqual(6 * 1024 * 1024);
    expect(texts.length).toBeGreaterThan(10);
    expect(texts.length).toBeLessThan(14);
    expect(texts.at(-1)?.startsWith('13:')).toBe(true);
  });
});
