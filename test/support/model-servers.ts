// Local model servers for tests: real HTTP on 127.0.0.1 (port 0) speaking OpenAI Chat Completions
// streaming and Anthropic Messages streaming, with fault injection. The one allowed test double.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type ModelApi = 'openai' | 'anthropic';

export type Fault =
  | 'none'
  /** HTTP 401 with a provider-style error body (which quotes the key, as OpenAI does). */
  | 'unauthorized'
  /** HTTP 404 model not found. */
  | 'model-not-found'
  /** HTTP 429 with `retry-after` (see rateLimitTimes / retryAfterSeconds). */
  | 'rate-limit'
  /** HTTP 503. */
  | 'server-error'
  /** Streams `stopAfter` pieces, then destroys the socket. */
  | 'stop-midway'
  /** Streams `stopAfter` pieces, then ends the response cleanly without the stream's end marker. */
  | 'end-early'
  /** Streams one piece, then an event whose data is not JSON. */
  | 'malformed'
  /** Accepts the request and never answers. */
  | 'hang'
  /** HTTP 400 for requests carrying `stream_options` (older OpenAI-compatible servers). */
  | 'no-stream-options';

export interface ModelServerOptions {
  api: ModelApi;
  /** The reply's pieces (default: "Hello from the mock model."). */
  pieces?: string[] | ((req: RecordedRequest) => string[]);
  /** Delay before each piece, ms (default 2). */
  delayMs?: number;
  fault?: Fault;
  /** For 'rate-limit': how many requests get a 429 before one succeeds (default 1). */
  rateLimitTimes?: number;
  retryAfterSeconds?: number;
  /** For 'stop-midway' and 'end-early' (default 2). */
  stopAfter?: number;
  /** The model id this server knows (others get 404), default: any. */
  modelId?: string;
  /** The key it expects (others get 401), default: any. */
  apiKey?: string;
}

export interface RecordedRequest {
  path: string;
  headers: IncomingMessage['headers'];
  body: { model?: string; messages?: Array<{ role: string; content: unknown }>; system?: unknown; stream?: boolean; [k: string]: unknown };
}

export interface ModelServer {
  /** The provider baseUrl: `http://127.0.0.1:<port>/v1` (OpenAI) or `http://127.0.0.1:<port>` (Anthropic). */
  baseUrl: string;
  port: number;
  requests: RecordedRequest[];
  /** Changes options for later requests. */
  set(opts: Partial<ModelServerOptions>): void;
  close(): Promise<void>;
}

export const DEFAULT_PIECES = ['Hello', ' from', ' the', ' mock', ' model', '.'];

export async function startModelServer(initial: ModelServerOptions): Promise<ModelServer> {
  let opts: ModelServerOptions = { ...initial };
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  let rateLimited = 0;

  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (d: Buffer) => (raw += d.toString()));
    req.on('end', () => {
      let body: RecordedRequest['body'] = {};
      try {
        body = JSON.parse(raw) as RecordedRequest['body'];
      } catch {
        /* recorded as {} */
      }
      const rec: RecordedRequest = { path: req.url ?? '', headers: req.headers, body };
      requests.push(rec);
      void respond(rec, res);
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  const respond = async (rec: RecordedRequest, res: ServerResponse): Promise<void> => {
    const o = opts;
    const expectedPath = o.api === 'openai' ? '/v1/chat/completions' : '/v1/messages';
    if (rec.path !== expectedPath) return json(res, 404, { error: { message: `no route ${rec.path}` } });
    const key = o.api === 'openai' ? String(rec.headers.authorization ?? '').replace(/^Bearer /, '') : String(rec.headers['x-api-key'] ?? '');
    if (o.fault === 'unauthorized' || (o.apiKey !== undefined && key !== o.apiKey)) {
      return json(res, 401, { error: { type: 'authentication_error', message: `Incorrect API key provided: ${key}` } });
    }
    if (o.fault === 'model-not-found' || (o.modelId !== undefined && rec.body.model !== o.modelId)) {
      return json(res, 404, { error: { type: 'not_found_error', message: `model '${String(rec.body.model)}' not found` } });
    }
    if (o.fault === 'rate-limit' && rateLimited < (o.rateLimitTimes ?? 1)) {
      rateLimited += 1;
      res.setHeader('retry-after', String(o.retryAfterSeconds ?? 0));
      return json(res, 429, { error: { type: 'rate_limit_error', message: 'Rate limit reached' } });
    }
    if (o.fault === 'server-error') return json(res, 503, { error: { type: 'overloaded_error', message: 'Service Unavailable' } });
    if (o.fault === 'hang') return;
    if (o.fault === 'no-stream-options' && rec.body.stream_options !== undefined) {
      return json(res, 400, { error: { message: 'Unrecognized request argument supplied: stream_options' } });
    }

    const pieces = typeof o.pieces === 'function' ? o.pieces(rec) : (o.pieces ?? DEFAULT_PIECES);
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    const write = o.api === 'openai' ? openAiWriter(res, String(rec.body.model)) : anthropicWriter(res, String(rec.body.model));
    write.start();
    const stopAfter = o.stopAfter ?? 2;
    for (let i = 0; i < pieces.length; i++) {
      await sleep(o.delayMs ?? 2);
      if (res.destroyed) return;
      if ((o.fault === 'stop-midway' || o.fault === 'end-early') && i === stopAfter) {
        if (o.fault === 'stop-midway') res.socket?.destroy();
        else res.end();
        return;
      }
      if (o.fault === 'malformed' && i === 1) {
        res.write('data: {"choices": [{"delta": {"content": "oops"\n\n');
        res.end();
        return;
      }
      write.piece(pieces[i]!);
    }
    write.finish(pieces.join('').length);
    res.end();
  };

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    baseUrl: initial.api === 'openai' ? `http://127.0.0.1:${port}/v1` : `http://127.0.0.1:${port}`,
    port,
    requests,
    set(next) {
      opts = { ...opts, ...next };
      rateLimited = 0;
    },
    close() {
      for (const s of sockets) s.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A loopback URL where nothing listens (connection refused). */
export async function refusedBaseUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/v1`;
}

interface StreamWriter {
  start(): void;
  piece(text: string): void;
  finish(chars: number): void;
}

function openAiWriter(res: ServerResponse, model: string): StreamWriter {
  const id = `chatcmpl-${Date.now()}`;
  const chunk = (choices: unknown[], extra: Record<string, unknown> = {}): void => {
    res.write(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created: Math.floor(Date.now() / 1000), model, choices, ...extra })}\n\n`);
  };
  return {
    start: () => chunk([{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }]),
    piece: (text) => chunk([{ index: 0, delta: { content: text }, finish_reason: null }]),
    finish: () => {
      chunk([{ index: 0, delta: {}, finish_reason: 'stop' }]);
      chunk([], { usage: { prompt_tokens: 12, completion_tokens: 6, total_tokens: 18 } });
      res.write('data: [DONE]\n\n');
    },
  };
}

function anthropicWriter(res: ServerResponse, model: string): StreamWriter {
  const ev = (event: string, data: Record<string, unknown>): void => {
    res.write(`event: ${event}\ndata: ${JSON.stringify({ type: event, ...data })}\n\n`);
  };
  return {
    start: () => {
      ev('message_start', { message: { id: `msg_${Date.now()}`, type: 'message', role: 'assistant', model, content: [], usage: { input_tokens: 12, output_tokens: 1 } } });
      ev('content_block_start', { index: 0, content_block: { type: 'text', text: '' } });
    },
    piece: (text) => ev('content_block_delta', { index: 0, delta: { type: 'text_delta', text } }),
    finish: () => {
      ev('content_block_stop', { index: 0 });
      ev('message_delta', { delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 6 } });
      ev('message_stop', {});
    },
  };
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
