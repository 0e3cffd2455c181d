// chat.send, chat.history, chat.abort and chat.inject (spec §9.3).

import { randomUUID } from 'node:crypto';
import { HELP_TEXT, parseChatCommand } from '../agent/commands';
import { messageText } from '../agent/context';
import { assistantMessage, type RunOutcome } from '../agent/runs';
import { invalidRequest, unavailable, type MethodTable } from '../methods/types';
import { primaryModelRef } from '../providers/config';
import { boundHistory, DEFAULT_HISTORY_LIMIT, MAX_HISTORY_LIMIT } from './history';
import { checkParams, ParamsError } from './params';
import { modelDefaults } from './summaries';
import { defaultRunTimeoutMs, handler, noteWebchatOrigin, replay, sessionKeyParam, type CachedResponse, type ChatCore } from './core';

const MAX_ATTACHMENT_BYTES = 5_000_000;

export function chatMethods(core: ChatCore): MethodTable<unknown> {
  const { store, runs, idempotency } = core;

  return {
    'chat.send': handler(async ({ params, respond, caller }) => {
      checkParams('chat.send', params, {
        sessionKey: { type: 'string', required: true, minLength: 1 },
        message: { type: 'string', required: true },
        idempotencyKey: { type: 'string', required: true, minLength: 1 },
        thinking: { type: 'string' },
        deliver: { type: 'boolean' },
        attachments: { type: 'array', items: 'object' },
        timeoutMs: { type: 'integer', minimum: 0 },
      });
      const rawKey = params.sessionKey as string;
      const key = sessionKeyParam('chat.send', rawKey);
      const runId = params.idempotencyKey as string;
      let message = params.message as string;
      const attachments = (params.attachments as Array<Record<string, unknown>> | undefined) ?? [];
      if (message.trim() === '' && attachments.length === 0) throw new ParamsError('invalid chat.send params: message must not be empty');
      const attachmentBytes = attachments.reduce((n, a) => n + (typeof a.content === 'string' ? Math.floor((a.content.length * 3) / 4) : 0), 0);
      if (attachmentBytes > MAX_ATTACHMENT_BYTES) throw new ParamsError('invalid chat.send params: attachments exceed 5 MB in total');

      const cached = idempotency.get(runId);
      if (cached) return replay(respond, cached);

      const command = parseChatCommand(message);
      if (command?.kind === 'stop') {
        const runIds = runs.abortSession(key, 'stop');
        const payload = { ok: true, aborted: runIds.length > 0, runIds };
        idempotency.set(runId, { ok: true, payload });
        return respond.ok(payload);
      }
      if (store.get(key)?.sendPolicy === 'deny') return respond.error(invalidRequest('send blocked by session policy'));
      if (command?.kind === 'new') {
        runs.abortSession(key, 'reset');
        store.reset(key);
        if (command.rest === '') return localReply(core, respond, { runId, rawKey, key }, 'Started a new session.');
        message = command.rest;
      }
      if (command?.kind === 'status') return localReply(core, respond, { runId, rawKey, key }, await statusText(core, key));
      if (command?.kind === 'help') return localReply(core, respond, { runId, rawKey, key }, HELP_TEXT);

      for (const a of attachments) message += `\n[attachment: ${String(a.fileName ?? a.type ?? 'file')}${a.mimeType ? ` (${String(a.mimeType)})` : ''}]`;
      // Claim the key before the first await, so a concurrent duplicate cannot start a second run.
      idempotency.set(runId, { ok: true, payload: { runId, status: 'in_flight' } });
      try {
        await store.append(key, { role: 'user', content: [{ type: 'text', text: message }], timestamp: Date.now() }, runId);
      } catch (err) {
        idempotency.delete(runId);
        return respond.error(unavailable(`The message could not be saved to the session transcript: ${String(err)}`));
      }
      noteWebchatOrigin(store, key, caller);
      respond.ok({ runId, status: 'started' });
      const timeoutMs = (params.timeoutMs as number | undefined) || defaultRunTimeoutMs(core.deps.getConfig());
      void runs.start({ runId, sessionKey: key, eventSessionKey: rawKey, message, timeoutMs, onDone: (o) => idempotency.set(runId, chatOutcome(o)) });
    }),

    'chat.history': handler(async ({ params, respond }) => {
      checkParams('chat.history', params, {
        sessionKey: { type: 'string', required: true, minLength: 1 },
        limit: { type: 'integer', minimum: 1, maximum: MAX_HISTORY_LIMIT },
      });
      const key = sessionKeyParam('chat.history', params.sessionKey as string);
      const entry = store.get(key);
      const lines = await store.lines(key);
      const messages = boundHistory(lines.map((l) => l.message), (params.limit as number | undefined) ?? DEFAULT_HISTORY_LIMIT);
      const payload: Record<string, unknown> = { sessionKey: params.sessionKey };
      if (entry) payload.sessionId = entry.sessionId;
      payload.messages = messages;
      payload.thinkingLevel = entry?.thinkingLevel ?? modelDefaults(core.deps.getConfig()).thinkingLevel;
      respond.ok(payload);
    }),

    'chat.abort': handler(({ params, respond }) => {
      checkParams('chat.abort', params, {
        sessionKey: { type: 'string', required: true, minLength: 1 },
        runId: { type: 'string', minLength: 1 },
      });
      const key = sessionKeyParam('chat.abort', params.sessionKey as string);
      const runId = params.runId as string | undefined;
      if (runId === undefined) {
        const runIds = runs.abortSession(key, 'rpc');
        return respond.ok({ ok: true, aborted: runIds.length > 0, runIds });
      }
      const owner = runs.sessionOf(runId);
      if (owner !== undefined && owner !== key) return respond.error(invalidRequest('runId does not match sessionKey'));
      const aborted = runs.abort(runId, 'rpc');
      respond.ok({ ok: true, aborted, runIds: aborted ? [runId] : [] });
    }),

    'chat.inject': handler(async ({ params, respond }) => {
      checkParams('chat.inject', params, {
        sessionKey: { type: 'string', required: true, minLength: 1 },
        message: { type: 'string', required: true, minLength: 1 },
        label: { type: 'string' },
      });
      const rawKey = params.sessionKey as string;
      const key = sessionKeyParam('chat.inject', rawKey);
      const message = assistantMessage(params.message as string, Date.now(), params.label ? { label: params.label } : {});
      const messageId = randomUUID();
      await store.append(key, message, `inject-${messageId}`);
      core.deps.broadcast('chat', { runId: `inject-${messageId}`, sessionKey: rawKey, seq: 0, state: 'final', message });
      respond.ok({ ok: true, messageId });
    }),
  };
}

/** What a repeated chat.send gets once the run ended: its real outcome (REF-BUG 2). */
function chatOutcome(o: RunOutcome): CachedResponse {
  if (o.status !== 'error') return { ok: true, payload: { runId: o.runId, status: o.status } };
  const error = o.error ?? 'the run failed';
  return { ok: false, payload: { runId: o.runId, status: 'error', summary: error }, error: unavailable(error) };
}

/** Answers a slash command as a final assistant message (no model call, not kept in the transcript). */
function localReply(core: ChatCore, respond: { ok(p: unknown): void }, ids: { runId: string; rawKey: string; key: string }, text: string): void {
  respond.ok({ runId: ids.runId, status: 'started' });
  core.runs.reply({ runId: ids.runId, sessionKey: ids.key, eventSessionKey: ids.rawKey, message: '' }, text);
  core.idempotency.set(ids.runId, { ok: true, payload: { runId: ids.runId, status: 'ok' } });
}

async function statusText(core: ChatCore, key: string): Promise<string> {
  const entry = core.store.get(key);
  const lines = await core.store.allLines(key);
  const ref = primaryModelRef(core.deps.getConfig());
  const words = lines.reduce((n, l) => n + messageText(l.message).split(/\s+/).filter(Boolean).length, 0);
  return [
    `Session: ${key}${entry ? ` (id ${entry.sessionId})` : ' (not started yet)'}`,
    `Model: ${ref.provider}/${ref.model}`,
    `Messages: ${lines.length} (${words} words)`,
    `Tokens (last turn): ${entry?.totalTokens ?? 0}${entry?.contextTokens ? ` of ${entry.contextTokens}` : ''}`,
    `Runs in progress: ${core.runs.activeRunIds(key).length}`,
  ].join('\n');
}
