// agent (two responses with one id: accepted, then the final) and agent.wait (spec §9.4).

import type { RunOutcome } from '../agent/runs';
import { invalidRequest, unavailable, type MethodTable } from '../methods/types';
import { MAIN_SESSION_KEY } from '../sessions/keys';
import { checkParams, ParamsError } from './params';
import { defaultRunTimeoutMs, handler, replay, sessionKeyParam, type CachedResponse, type ChatCore } from './core';

/** Channels an agent run may name; the gateway has no channel plugins, only its own WebChat. */
const KNOWN_CHANNELS = new Set(['webchat', 'last', 'internal']);
const DEFAULT_WAIT_MS = 30_000;

export function agentMethods(core: ChatCore): MethodTable<unknown> {
  const { store, runs, idempotency } = core;

  return {
    agent: handler(async ({ params, respond }) => {
      const str = { type: 'string' } as const;
      checkParams('agent', params, {
        message: { type: 'string', required: true },
        idempotencyKey: { type: 'string', required: true, minLength: 1 },
        agentId: str, to: str, replyTo: str, sessionId: str, sessionKey: str, thinking: str,
        deliver: { type: 'boolean' }, attachments: { type: 'array' }, channel: str, replyChannel: str,
        accountId: str, replyAccountId: str, threadId: str, groupId: str, groupChannel: str, groupSpace: str,
        timeout: { type: 'integer', minimum: 0 }, lane: str, extraSystemPrompt: str, label: str, spawnedBy: str,
      });
      const runId = params.idempotencyKey as string;
      const message = params.message as string;
      if (message.trim() === '') throw new ParamsError('invalid agent params: message must not be empty');
      for (const field of ['channel', 'replyChannel'] as const) {
        const ch = params[field] as string | undefined;
        if (ch !== undefined && !KNOWN_CHANNELS.has(ch)) throw new ParamsError(`invalid agent params: unknown channel: ${ch}`);
      }
      const agentId = params.agentId as string | undefined;
      if (agentId !== undefined && agentId !== 'main') throw new ParamsError(`invalid agent params: unknown agent id "${agentId}"`);
      const bySessionId = params.sessionId === undefined ? undefined : store.findBySessionId(params.sessionId as string);
      const rawKey = (params.sessionKey as string | undefined) ?? bySessionId ?? MAIN_SESSION_KEY;
      const key = sessionKeyParam('agent', rawKey);

      const cached = idempotency.get(runId);
      if (cached) return replay(respond, cached);
      if (store.get(key)?.sendPolicy === 'deny') return respond.error(invalidRequest('send blocked by session policy'));

      const accepted = { runId, status: 'accepted', acceptedAt: Date.now() };
      idempotency.set(runId, { ok: true, payload: accepted });
      try {
        await store.append(key, { role: 'user', content: [{ type: 'text', text: message }], timestamp: Date.now() }, runId);
      } catch (err) {
        idempotency.delete(runId);
        return respond.error(unavailable(`The message could not be saved to the session transcript: ${String(err)}`));
      }
      respond.ok(accepted);
      const timeoutMs = typeof params.timeout === 'number' && params.timeout > 0 ? params.timeout * 1000 : defaultRunTimeoutMs(core.deps.getConfig());
      const outcome = await runs.start({ runId, sessionKey: key, eventSessionKey: rawKey, message, timeoutMs, onDone: (o) => idempotency.set(runId, finalResponse(o)) });
      replay(respond, finalResponse(outcome));
    }),

    'agent.wait': handler(async ({ params, respond }) => {
      checkParams('agent.wait', params, {
        runId: { type: 'string', required: true, minLength: 1 },
        timeoutMs: { type: 'integer', minimum: 0 },
      });
      const runId = params.runId as string;
      const outcome = await runs.wait(runId, (params.timeoutMs as number | undefined) ?? DEFAULT_WAIT_MS);
      if (!outcome) return respond.ok({ runId, status: 'timeout' });
      const payload: Record<string, unknown> = { runId, status: outcome.status === 'ok' ? 'ok' : 'error' };
      if (outcome.startedAt !== undefined) payload.startedAt = outcome.startedAt;
      payload.endedAt = outcome.endedAt;
      if (outcome.status === 'error') payload.error = outcome.error;
      if (outcome.status === 'aborted') payload.error = `aborted (${outcome.stopReason ?? 'rpc'})`;
      respond.ok(payload);
    }),
  };
}

/** The second `agent` response: ok with the result, or ok:false with both payload and error (spec §9.4). */
function finalResponse(o: RunOutcome): CachedResponse {
  if (o.status === 'error') {
    const summary = o.error ?? 'the run failed';
    return { ok: false, payload: { runId: o.runId, status: 'error', summary }, error: unavailable(summary) };
  }
  const u = o.usage;
  return {
    ok: true,
    payload: {
      runId: o.runId,
      status: 'ok',
      summary: 'completed',
      result: {
        payloads: o.text === '' ? [] : [{ text: o.text, mediaUrl: null }],
        meta: {
          durationMs: o.endedAt - (o.startedAt ?? o.endedAt),
          agentMeta: { sessionId: o.sessionId, provider: o.provider, model: o.model, usage: u ? { input: u.input, output: u.output, cacheRead: u.cacheRead, cacheWrite: u.cacheWrite, total: u.totalTokens } : undefined },
          aborted: o.status === 'aborted',
        },
      },
    },
  };
}
