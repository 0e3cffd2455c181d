// send (spec §9.5): outbound delivery through a channel. This gateway runs no channel plugins; its one
// channel is its own WebChat, where a sent message is appended to the session and shown to every client.

import { randomUUID } from 'node:crypto';
import { assistantMessage } from '../agent/runs';
import { invalidRequest, type MethodTable } from '../methods/types';
import { checkParams } from './params';
import { handler, replay, sessionKeyParam, type ChatCore } from './core';

/** The reference's default channel; without its plugin it is refused like any other. */
const DEFAULT_CHANNEL = 'whatsapp';

export function sendMethod(core: ChatCore): MethodTable<unknown> {
  return {
    send: handler(async ({ params, respond }) => {
      const str = { type: 'string' } as const;
      checkParams('send', params, {
        to: { type: 'string', required: true, minLength: 1 },
        message: { type: 'string', required: true },
        idempotencyKey: { type: 'string', required: true, minLength: 1 },
        mediaUrl: str, mediaUrls: { type: 'array', items: 'string' }, gifPlayback: { type: 'boolean' },
        channel: str, accountId: str, sessionKey: str,
      });
      const channel = ((params.channel as string | undefined) ?? DEFAULT_CHANNEL).toLowerCase();
      if (channel !== 'webchat') return respond.error(invalidRequest(`unsupported channel: ${channel}`));
      const runId = params.idempotencyKey as string;
      const cached = core.idempotency.get(runId);
      if (cached) return replay(respond, cached);

      const rawKey = (params.sessionKey as string | undefined) ?? (params.to as string);
      const key = sessionKeyParam('send', rawKey);
      const media = [params.mediaUrl, ...((params.mediaUrls as string[] | undefined) ?? [])].filter((u): u is string => typeof u === 'string');
      const text = [params.message as string, ...media.map((u) => `[media: ${u}]`)].filter((t) => t !== '').join('\n');
      const message = assistantMessage(text, Date.now());
      const messageId = randomUUID();
      core.idempotency.set(runId, { ok: true, payload: { runId, messageId, channel, conversationId: key } });
      try {
        await core.store.append(key, message, runId);
      } catch (err) {
        core.idempotency.delete(runId);
        throw err;
      }
      core.deps.broadcast('chat', { runId, sessionKey: rawKey, seq: 0, state: 'final', message });
      respond.ok({ runId, messageId, channel, conversationId: key });
    }),
  };
}
