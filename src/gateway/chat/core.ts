// What the method handlers share: the store, the run manager, the idempotency cache and the deps,
// plus the helpers every handler needs (params, session keys, timeouts, cached responses).

import type { ErrorShape } from '../../shared/protocol/frames';
import type { IdempotencyCache } from '../agent/idempotency';
import type { RunManager } from '../agent/runs';
import type { Caller, MethodCall, MethodHandler, Responder } from '../methods/types';
import { DEFAULT_AGENT_ID, canonicalizeSessionKey } from '../sessions/keys';
import type { SessionStore } from '../sessions/store';
import type { ChatDeps } from './index';
import { invalidRequest, unavailable } from '../methods/types';
import { ParamsError } from './params';

/** A response as it was (or will be) sent, replayed for a repeated idempotency key. */
export interface CachedResponse {
  ok: boolean;
  payload?: unknown;
  error?: ErrorShape;
}

export interface ChatCore {
  deps: ChatDeps;
  store: SessionStore;
  runs: RunManager;
  idempotency: IdempotencyCache<CachedResponse>;
}

export const DEFAULT_RUN_TIMEOUT_SECONDS = 600;

/** `agents.defaults.timeoutSeconds` (600 s), in ms. */
export function defaultRunTimeoutMs(config: Record<string, unknown>): number {
  const defaults = (config.agents as { defaults?: { timeoutSeconds?: unknown } } | undefined)?.defaults;
  const secs = typeof defaults?.timeoutSeconds === 'number' && defaults.timeoutSeconds > 0 ? defaults.timeoutSeconds : DEFAULT_RUN_TIMEOUT_SECONDS;
  return secs * 1000;
}

/** The canonical key of a session key param; only the main agent exists. */
export function sessionKeyParam(method: string, raw: string): string {
  const { key, agentId } = canonicalizeSessionKey(raw);
  if (agentId !== DEFAULT_AGENT_ID) throw new ParamsError(`invalid ${method} params: unknown agent id "${agentId}"`);
  return key;
}

/** Records where a session's messages come from: the gateway's WebChat, and the client that sent them. */
export function noteWebchatOrigin(store: SessionStore, key: string, caller: Caller): void {
  store.touch(key, (e) => {
    e.lastChannel ??= 'webchat';
    if (caller.displayName && e.displayName === undefined) e.displayName = caller.displayName;
    e.origin ??= { ...(caller.displayName ? { label: caller.displayName } : {}), provider: 'webchat', surface: 'webchat', chatType: 'direct' };
  });
}

export function replay(respond: Responder, cached: CachedResponse): void {
  if (cached.ok) respond.ok(cached.payload);
  else respond.error(cached.error ?? unavailable('failed'), cached.payload);
}

/** Wraps a handler: params errors become INVALID_REQUEST, anything thrown becomes UNAVAILABLE. */
export function handler(fn: (call: MethodCall<unknown>) => void | Promise<void>): MethodHandler<unknown> {
  return async (call) => {
    try {
      await fn(call);
    } catch (err) {
      if (err instanceof ParamsError) call.respond.error(invalidRequest(err.message));
      else call.respond.error(unavailable(err instanceof Error ? err.message : String(err)));
    }
  };
}
