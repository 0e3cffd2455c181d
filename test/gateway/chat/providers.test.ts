import { afterEach, describe, expect, it } from 'vitest';
import type { ResolvedModel } from '../../../src/gateway/providers/config';
import { ModelError } from '../../../src/gateway/providers/errors';
import { streamCompletion } from '../../../src/gateway/providers/stream';
import type { CompletionResult } from '../../../src/gateway/providers/types';
import { refusedBaseUrl, startModelServer, type Fault, type ModelApi, type ModelServer } from '../../support/model-servers';

const servers: ModelServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function server(api: ModelApi, opts: { fault?: Fault; delayMs?: number; retryAfterSeconds?: number; rateLimitTimes?: number } = {}): Promise<ModelServer> {
  const s = await startModelServer({ api, ...opts });
  servers.push(s);
  return s;
}

function model(api: ModelApi, baseUrl: string): ResolvedModel {
  return { provider: 'mock', api: api === 'openai' ? 'openai-completions' : 'anthropic-messages', baseUrl, apiKey: 'sk-test-secret-key', id: 'mock-1', name: 'Mock One' };
}

async function run(api: ModelApi, baseUrl: string, signal = new AbortController().signal): Promise<{ result?: CompletionResult; error?: ModelError; pieces: string[] }> {
  const pieces: string[] = [];
  try {
    const result = await streamCompletion({ model: model(api, baseUrl), messages: [{ role: 'user', text: 'hi' }], signal, onText: (p) => pieces.push(p) });
    return { result, pieces };
  } catch (err) {
    if (!(err instanceof ModelError)) throw err;
    return { error: err, pieces };
  }
}

describe.each(['openai', 'anthropic'] as const)('%s streaming', (api) => {
  it('streams the pieces and reports usage', async () => {
    const s = await server(api);
    const { result, pieces } = await run(api, s.baseUrl);
    expect(pieces).toEqual(['Hello', ' from', ' the', ' mock', ' model', '.']);
    expect(result?.text).toBe('Hello from the mock model.');
    expect(result?.usage.input).toBe(12);
    expect(result?.usage.output).toBe(6);
    expect(result?.stopReason).toBe('stop');
    const req = s.requests[0]!;
    expect(req.body.stream).toBe(true);
    expect(req.body.model).toBe('mock-1');
    if (api === 'openai') expect(req.headers.authorization).toBe('Bearer sk-test-secret-key');
    else expect(req.headers['x-api-key']).toBe('sk-test-secret-key');
  });

  it.each([
    ['unauthorized', 'auth', /rejected the API key \(HTTP 401\)/],
    ['model-not-found', 'model-not-found', /Model "mock-1" was not found/],
    ['server-error', 'server', /HTTP 503/],
    ['stop-midway', 'incomplete-stream', /stopped before it was complete/],
    ['end-early', 'incomplete-stream', /stopped before it was complete/],
    ['malformed', 'malformed-stream', /malformed stream/],
  ] as const)('fault %s → %s', async (fault, kind, message) => {
    const s = await server(api, { fault });
    const { error } = await run(api, s.baseUrl);
    expect(error?.kind).toBe(kind);
    expect(error?.message).toMatch(message);
    expect(error?.message).not.toContain('sk-test-secret-key');
  });

  it('retries a 429 once after retry-after, then succeeds', async () => {
    const s = await server(api, { fault: 'rate-limit', retryAfterSeconds: 0 });
    const { result } = await run(api, s.baseUrl);
    expect(result?.text).toBe('Hello from the mock model.');
    expect(s.requests).toHaveLength(2);
  });

  it('gives up on a second 429 with a clear error', async () => {
    const s = await server(api, { fault: 'rate-limit', retryAfterSeconds: 0, rateLimitTimes: 5 });
    const { error } = await run(api, s.baseUrl);
    expect(error?.kind).toBe('rate-limited');
    expect(error?.message).toMatch(/rate limiting requests \(HTTP 429\)/);
    expect(s.requests).toHaveLength(2);
  });

  it('streams from a server that refuses stream_options', async () => {
    const s = await server(api, { fault: 'no-stream-options' });
    const { result } = await run(api, s.baseUrl);
    expect(result?.text).toBe('Hello from the mock model.');
  });

  it('reports connection refused', async () => {
    const url = await refusedBaseUrl();
    const { error } = await run(api, api === 'openai' ? url : url.replace(/\/v1$/, ''));
    expect(error?.kind).toBe('unreachable');
    expect(error?.message).toMatch(/connection refused/);
  });

  it('aborting cancels the HTTP request', async () => {
    const s = await server(api, { delayMs: 200 });
    const controller = new AbortController();
    const pending = run(api, s.baseUrl, controller.signal).catch((err: unknown) => ({ thrown: err }));
    while (s.requests.length === 0) await new Promise((r) => setTimeout(r, 5));
    controller.abort(new Error('stop'));
    expect(await pending).toMatchObject({ thrown: expect.anything() });
  });
});
