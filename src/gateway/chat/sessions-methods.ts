// sessions.list, sessions.preview, sessions.reset, sessions.delete, sessions.patch (spec §9.2).

import { messageText } from '../agent/context';
import { invalidRequest, unavailable, type MethodTable } from '../methods/types';
import { isMainSessionKey, MAIN_SESSION_KEY } from '../sessions/keys';
import type { SessionEntry } from '../sessions/store';
import { checkParams } from './params';
import { handler, sessionKeyParam, type ChatCore } from './core';
import { modelDefaults } from './summaries';

const DELETE_WAIT_MS = 15_000;
const PREVIEW_MAX_KEYS = 64;

export function sessionsMethods(core: ChatCore): MethodTable<unknown> {
  const { store, runs } = core;

  return {
    'sessions.list': handler(async ({ params, respond }) => {
      checkParams('sessions.list', params, {
        limit: { type: 'integer', minimum: 1 }, activeMinutes: { type: 'integer', minimum: 1 },
        includeGlobal: { type: 'boolean' }, includeUnknown: { type: 'boolean' }, includeDerivedTitles: { type: 'boolean' },
        includeLastMessage: { type: 'boolean' }, label: { type: 'string' }, spawnedBy: { type: 'string' },
        agentId: { type: 'string' }, search: { type: 'string' },
      });
      const now = Date.now();
      let rows = store.list();
      if (typeof params.activeMinutes === 'number') rows = rows.filter((r) => now - r.entry.updatedAt <= (params.activeMinutes as number) * 60_000);
      if (typeof params.label === 'string') rows = rows.filter((r) => r.entry.label === params.label);
      if (typeof params.agentId === 'string' && params.agentId !== 'main') rows = [];
      if (typeof params.search === 'string' && params.search !== '') {
        const q = params.search.toLowerCase();
        rows = rows.filter((r) => r.key.toLowerCase().includes(q) || (r.entry.label ?? '').toLowerCase().includes(q));
      }
      if (typeof params.limit === 'number') rows = rows.slice(0, params.limit);
      const sessions = [];
      for (const { key, entry } of rows) {
        const row: Record<string, unknown> = sessionRow(key, entry);
        if (params.includeDerivedTitles || params.includeLastMessage) {
          if (params.includeDerivedTitles) {
            // The title is the conversation's first question: from the start of the file, not the cached tail.
            const firstUser = (await store.firstLines(key, 20)).find((l) => l.message.role === 'user');
            if (firstUser) row.derivedTitle = clip(messageText(firstUser.message), 60);
          }
          if (params.includeLastMessage) {
            const lines = await store.lines(key);
            const last = lines[lines.length - 1];
            if (last) row.lastMessagePreview = clip(messageText(last.message), 120);
          }
        }
        sessions.push(row);
      }
      const d = modelDefaults(core.deps.getConfig());
      respond.ok({ ts: now, path: '(multiple)', count: sessions.length, defaults: { modelProvider: d.provider, model: d.model, contextTokens: d.contextTokens }, sessions });
    }),

    'sessions.preview': handler(async ({ params, respond }) => {
      checkParams('sessions.preview', params, {
        keys: { type: 'array', required: true, items: 'string', minItems: 1 },
        limit: { type: 'integer', minimum: 1 },
        maxChars: { type: 'integer', minimum: 20 },
      });
      const limit = Math.min((params.limit as number | undefined) ?? 12, 50);
      const maxChars = Math.min((params.maxChars as number | undefined) ?? 240, 2000);
      const previews = [];
      for (const raw of (params.keys as string[]).slice(0, PREVIEW_MAX_KEYS)) {
        try {
          const key = sessionKeyParam('sessions.preview', raw);
          if (!store.get(key)) {
            previews.push({ key: raw, status: 'missing', items: [] });
            continue;
          }
          const lines = await store.lines(key);
          const items = lines.slice(-limit).map((l) => ({ role: l.message.role, text: clip(messageText(l.message), maxChars) }));
          previews.push({ key: raw, status: items.length > 0 ? 'ok' : 'empty', items });
        } catch {
          previews.push({ key: raw, status: 'error', items: [] });
        }
      }
      respond.ok({ ts: Date.now(), previews });
    }),

    'sessions.reset': handler(({ params, respond }) => {
      checkParams('sessions.reset', params, { key: { type: 'string', required: true, minLength: 1 } });
      const key = sessionKeyParam('sessions.reset', params.key as string);
      runs.abortSession(key, 'reset');
      const entry = store.reset(key);
      respond.ok({ ok: true, key, entry });
    }),

    'sessions.delete': handler(async ({ params, respond }) => {
      checkParams('sessions.delete', params, {
        key: { type: 'string', required: true, minLength: 1 },
        deleteTranscript: { type: 'boolean' },
      });
      const key = sessionKeyParam('sessions.delete', params.key as string);
      if (isMainSessionKey(key)) return respond.error(invalidRequest(`Cannot delete the main session (${MAIN_SESSION_KEY}).`));
      runs.abortSession(key, 'rpc');
      if (!(await runs.waitIdle(key, DELETE_WAIT_MS))) return respond.error(unavailable(`Session ${key} is still active; try again in a moment.`));
      const { deleted, archived } = await store.delete(key, params.deleteTranscript !== false);
      respond.ok({ ok: true, key, deleted, archived });
    }),

    'sessions.patch': handler(({ params, respond }) => {
      const nullableStr = { type: 'string', nullable: true } as const;
      checkParams('sessions.patch', params, {
        key: { type: 'string', required: true, minLength: 1 },
        label: nullableStr, displayName: nullableStr, thinkingLevel: nullableStr, verboseLevel: nullableStr,
        reasoningLevel: nullableStr, elevatedLevel: nullableStr,
        sendPolicy: { type: 'string', nullable: true, enum: ['allow', 'deny'] },
      });
      const key = sessionKeyParam('sessions.patch', params.key as string);
      const { key: _key, ...fields } = params;
      const entry = store.patch(key, fields);
      respond.ok({ ok: true, key, entry });
    }),
  };
}

/** A sessions.list row (spec §9.2): direct chats through the gateway's own WebChat. */
export function sessionRow(key: string, e: SessionEntry): Record<string, unknown> {
  const row: Record<string, unknown> = { key, kind: 'direct' };
  if (e.label !== undefined) row.label = e.label;
  if (e.displayName !== undefined) row.displayName = e.displayName;
  row.chatType = 'direct';
  if (e.origin !== undefined) row.origin = e.origin;
  row.updatedAt = e.updatedAt;
  row.sessionId = e.sessionId;
  row.systemSent = e.systemSent;
  row.abortedLastRun = e.abortedLastRun;
  for (const f of ['thinkingLevel', 'verboseLevel', 'reasoningLevel', 'elevatedLevel', 'sendPolicy'] as const) if (e[f] !== undefined) row[f] = e[f];
  row.inputTokens = e.inputTokens;
  row.outputTokens = e.outputTokens;
  row.totalTokens = e.totalTokens;
  if (e.modelProvider !== undefined) row.modelProvider = e.modelProvider;
  if (e.model !== undefined) row.model = e.model;
  if (e.contextTokens !== undefined) row.contextTokens = e.contextTokens;
  if (e.lastChannel !== undefined) {
    row.deliveryContext = { channel: e.lastChannel };
    row.lastChannel = e.lastChannel;
  }
  return row;
}

function clip(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, Math.max(0, max - 3))}...` : flat;
}
