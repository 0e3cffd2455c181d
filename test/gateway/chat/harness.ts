// Drives createChatServices directly: a temp state dir, a recording broadcast and logger, and calls that
// collect every response of a request (agent answers twice). No server, no sockets.

import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createChatServices, type ChatDeps, type ChatServices } from '../../../src/gateway/chat/index';
import type { BroadcastOptions, Caller, Logger } from '../../../src/gateway/methods/types';
import type { ErrorShape } from '../../../src/shared/protocol/frames';

/** Wire payloads as tests inspect them (deep property access on arbitrary JSON). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyPayload = any;

export interface Sent {
  event: string;
  payload: AnyPayload;
  options?: BroadcastOptions;
}

export interface Reply {
  ok: boolean;
  payload?: AnyPayload;
  error?: ErrorShape;
}

export interface LogLine {
  level: string;
  msg: string;
  fields?: Record<string, unknown>;
}

export class ChatHarness {
  readonly events: Sent[] = [];
  readonly logs: LogLine[] = [];
  services!: ChatServices;
  config: Record<string, unknown>;
  private waiters = new Set<() => void>();

  constructor(readonly stateDir: string, config: Record<string, unknown>, private readonly extra: Partial<ChatDeps> = {}) {
    this.config = config;
    this.open();
  }

  static create(config: Record<string, unknown> = {}, extra: Partial<ChatDeps> = {}): ChatHarness {
    return new ChatHarness(mkdtempSync(join(tmpdir(), 'clawdbot-chat-')), config, extra);
  }

  /** (Re)creates the services over the same state dir: a gateway restart. */
  open(): void {
    const log: Logger = {
      debug: (msg, fields) => this.logs.push({ level: 'debug', msg, fields }),
      info: (msg, fields) => this.logs.push({ level: 'info', msg, fields }),
      warn: (msg, fields) => this.logs.push({ level: 'warn', msg, fields }),
      error: (msg, fields) => this.logs.push({ level: 'error', msg, fields }),
    };
    this.services = createChatServices({
      stateDir: this.stateDir,
      getConfig: () => this.config,
      log,
      broadcast: (event, payload, options) => {
        this.events.push({ event, payload: structuredClone(payload), options });
        for (const w of [...this.waiters]) w();
      },
      env: {},
      ...this.extra,
    });
  }

  /** Calls a method; resolves with the first response. `all` keeps collecting (agent's second response). */
  call(method: string, params: Record<string, unknown> = {}): { first: Promise<Reply>; all: Reply[]; nth(n: number): Promise<Reply> } {
    const all: Reply[] = [];
    const notify = new Set<() => void>();
    const push = (r: Reply): void => {
      all.push(r);
      for (const n of [...notify]) n();
    };
    const nth = (n: number): Promise<Reply> =>
      new Promise((resolve) => {
        const check = (): void => {
          if (all.length > n) {
            notify.delete(check);
            resolve(all[n]!);
          }
        };
        notify.add(check);
        check();
      });
    const handler = this.services.methods[method];
    if (!handler) throw new Error(`no method ${method}`);
    void handler({
      requestId: randomUUID(),
      method,
      params,
      caller: testCaller(),
      respond: { ok: (payload) => push({ ok: true, payload }), error: (error, payload) => push({ ok: false, error, payload }) },
      services: undefined,
    });
    return { first: nth(0), all, nth };
  }

  async request(method: string, params: Record<string, unknown> = {}): Promise<Reply> {
    return this.call(method, params).first;
  }

  /** Chat/agent events of one run. */
  runEvents(runId: string, event = 'chat'): Sent[] {
    return this.events.filter((e) => e.event === event && e.payload.runId === runId);
  }

  /** Resolves with the run's terminal chat event (final, error or aborted). */
  terminal(runId: string, timeoutMs = 10_000): Promise<Sent> {
    return this.waitFor((e) => e.event === 'chat' && e.payload.runId === runId && e.payload.state !== 'delta', timeoutMs);
  }

  waitFor(match: (e: Sent) => boolean, timeoutMs = 10_000): Promise<Sent> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        const found = this.events.find(match);
        if (found) {
          cleanup();
          resolve(found);
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`no matching event within ${timeoutMs} ms; last events: ${JSON.stringify(this.events.slice(-4))}`));
      }, timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
      check();
    });
  }

  async dispose(): Promise<void> {
    await this.services.close();
    rmSync(this.stateDir, { recursive: true, force: true });
  }
}

export function testCaller(): Caller {
  return { connId: randomUUID(), clientId: 'test', clientMode: 'test', displayName: 'test-client', role: 'operator', scopes: ['operator.admin'], isLocal: true, sendEvent: () => {} };
}

/** Config for one provider pointing at a model server. */
export function providerConfig(baseUrl: string, api: 'openai-completions' | 'anthropic-messages' = 'openai-completions', extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    models: { providers: { mock: { baseUrl, apiKey: 'sk-test-secret-key', api, models: [{ id: 'mock-1', name: 'Mock One', contextWindow: 16000 }], ...extra } } },
    agents: { defaults: { model: { primary: 'mock/mock-1' } } },
  };
}
