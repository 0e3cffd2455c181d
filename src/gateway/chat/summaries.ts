// The session blocks of `health` and `status` (spec §9.1), and the model defaults they and
// sessions.list report.

import { DEFAULT_CONTEXT_TOKENS, DEFAULT_MODEL, DEFAULT_PROVIDER, primaryModelRef } from '../providers/config';
import type { SessionStore } from '../sessions/store';

const RECENT = 5;

export interface ModelDefaults {
  provider: string;
  model: string;
  contextTokens: number;
  /** A session's thinking level until one is set: "low" for a reasoning model, else "off" (as the reference). */
  thinkingLevel: 'low' | 'off';
}

/** The primary model and its context window (the configured one, else the reference's 200 k). */
export function modelDefaults(config: Record<string, unknown>): ModelDefaults {
  const ref = primaryModelRef(config);
  const providers = (config.models as { providers?: Record<string, { models?: Array<{ id?: unknown; contextWindow?: unknown; reasoning?: unknown }> }> } | undefined)?.providers;
  const configured = providers?.[ref.provider]?.models?.find((m) => m.id === ref.model);
  const window = configured?.contextWindow;
  // A configured model says whether it reasons; of the unconfigured ones we only know the built-in default does.
  const reasoning = configured ? configured.reasoning === true : ref.provider === DEFAULT_PROVIDER && ref.model === DEFAULT_MODEL;
  return { provider: ref.provider, model: ref.model, contextTokens: typeof window === 'number' ? window : DEFAULT_CONTEXT_TOKENS, thinkingLevel: reasoning ? 'low' : 'off' };
}

export function healthSessions(store: SessionStore, now = Date.now()): { path: string; count: number; recent: Array<{ key: string; updatedAt: number; age: number }> } {
  const list = store.list();
  return { path: store.indexPath, count: list.length, recent: list.slice(0, RECENT).map(({ key, entry }) => ({ key, updatedAt: entry.updatedAt, age: now - entry.updatedAt })) };
}

export function statusSessions(store: SessionStore, config: Record<string, unknown>, now = Date.now()): Record<string, unknown> {
  const d = modelDefaults(config);
  const list = store.list();
  const recent = list.slice(0, RECENT).map(({ key, entry }) => {
    const contextTokens = entry.contextTokens ?? d.contextTokens;
    const flags = [...(entry.systemSent ? ['system'] : []), ...(entry.abortedLastRun ? ['aborted'] : []), `id:${entry.sessionId}`];
    return {
      agentId: 'main', key, kind: 'direct', sessionId: entry.sessionId, updatedAt: entry.updatedAt, age: now - entry.updatedAt,
      systemSent: entry.systemSent, abortedLastRun: entry.abortedLastRun, inputTokens: entry.inputTokens, outputTokens: entry.outputTokens,
      totalTokens: entry.totalTokens, remainingTokens: Math.max(0, contextTokens - entry.totalTokens),
      percentUsed: contextTokens > 0 ? Math.round((entry.totalTokens / contextTokens) * 100) : 0,
      model: entry.model ?? d.model, contextTokens, flags,
    };
  });
  return {
    paths: [store.indexPath], count: list.length, defaults: { model: d.model, contextTokens: d.contextTokens }, recent,
    byAgent: [{ agentId: 'main', path: store.indexPath, count: list.length, recent }],
  };
}
