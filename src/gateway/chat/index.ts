// The gateway's conversation core: sessions, transcripts, agent runs and model providers.
// The server creates it once at start-up and registers `methods`; health and status read the summaries.
// (Being built: see the [CHAT] issue. This file's exported signatures are the contract with the server.)

import type { Broadcast, Caller, Logger, MethodTable } from '../methods/types';

export interface ChatDeps {
  stateDir: string;
  /** The effective config, read on every use so config.set/patch take effect without a restart. */
  getConfig: () => Record<string, unknown>;
  log: Logger;
  broadcast: Broadcast;
  /** The connected clients, for unicast copies of chat/agent events to nodes where the spec asks. */
  clients?: () => Caller[];
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
  const path = `${deps.stateDir}/agents/main/sessions/sessions.json`;
  return {
    methods: {},
    sessionsSummary: () => ({ path, count: 0, recent: [] }),
    statusSessions: () => ({ paths: [path], count: 0, defaults: { model: null, contextTokens: null }, recent: [], byAgent: [] }),
    activeRuns: () => 0,
    close: async () => {},
  };
}
