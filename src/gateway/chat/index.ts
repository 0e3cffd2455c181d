// The gateway's conversation core: sessions, transcripts, agent runs and model providers.
// The server creates it once at start-up and registers `methods`; health and status read the summaries.
// This file's exported signatures are the contract with the server.

import { IdempotencyCache, DEFAULT_IDEMPOTENCY, type IdempotencyOptions } from '../agent/idempotency';
import { RunManager, type RunTimers } from '../agent/runs';
import type { Broadcast, Caller, Logger, MethodTable } from '../methods/types';
import { SessionStore, type TranscriptCacheLimits } from '../sessions/store';
import { agentMethods } from './agent-methods';
import { chatMethods } from './chat-methods';
import type { CachedResponse, ChatCore } from './core';
import { sendMethod } from './send-method';
import { sessionsMethods } from './sessions-methods';
import { healthSessions, statusSessions } from './summaries';

export interface ChatDeps {
  stateDir: string;
  /** The effective config, read on every use so config.set/patch take effect without a restart. */
  getConfig: () => Record<string, unknown>;
  log: Logger;
  broadcast: Broadcast;
  /** The connected clients, for unicast copies of chat/agent events to nodes where the spec asks. */
  clients?: () => Caller[];
  /** The config file's path, named in "no provider configured" errors. */
  configPath?: string;
  /** Where `${ENV}` in provider keys is looked up (default process.env). */
  env?: Record<string, string | undefined>;
  /** Housekeeping timers, shortened by tests (defaults: spec §6). */
  timers?: Partial<RunTimers> & { idempotencyTtlMs?: number };
  /** Limits of the transcript cache, lowered by tests (defaults: 32 sessions, 5,000 lines). */
  transcriptCache?: Partial<TranscriptCacheLimits>;
}

export interface SessionsSummary {
  path: string;
  count: number;
  recent: Array<{ key: string; updatedAt?: number; age?: number }>;
}

export interface ChatServices {
  /** chat.*, agent, agent.wait, sessions.*, send. */
  methods: MethodTable<unknown>;
  /** The `sessions` block of the health summary. */
  sessionsSummary(): SessionsSummary;
  /** The `sessions` block of `status`. */
  statusSessions(): Record<string, unknown>;
  /** The number of runs in flight (for shutdown and diagnostics). */
  activeRuns(): number;
  /** On SIGTERM: finish or abort runs cleanly (each ends with a terminal chat event), flush transcripts. */
  close(): Promise<void>;
}

export function createChatServices(deps: ChatDeps): ChatServices {
  const store = new SessionStore(deps.stateDir, deps.log, undefined, deps.transcriptCache);
  const runs = new RunManager({ store, broadcast: deps.broadcast, log: deps.log, getConfig: deps.getConfig, configPath: deps.configPath, env: deps.env, timers: deps.timers });
  const idemOptions: IdempotencyOptions = { ...DEFAULT_IDEMPOTENCY, ...(deps.timers?.idempotencyTtlMs ? { ttlMs: deps.timers.idempotencyTtlMs } : {}) };
  const idempotency = new IdempotencyCache<CachedResponse>(idemOptions);
  const core: ChatCore = { deps, store, runs, idempotency };
  const sweep = setInterval(() => idempotency.sweep(), deps.timers?.sweepIntervalMs ?? 60_000);
  sweep.unref();

  return {
    methods: { ...chatMethods(core), ...agentMethods(core), ...sessionsMethods(core), ...sendMethod(core) },
    sessionsSummary: () => healthSessions(store),
    statusSessions: () => statusSessions(store, deps.getConfig()),
    activeRuns: () => runs.active(),
    close: async () => {
      clearInterval(sweep);
      await runs.close();
      await store.flush();
    },
  };
}
