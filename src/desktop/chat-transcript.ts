// Turning the gateway's chat.history messages into ChatMessages whose ids match what the UI already
// shows: a user message we sent keeps its idempotency key, the reply that follows it keeps its run's
// reply id, and anything else gets an id derived from its content (stable across re-syncs). That is
// what makes a re-sync after a reconnect show every message exactly once.

import { createHash } from 'node:crypto';
import type { ChatMessage } from '../shared/desktop-api';

export interface HistoryEntry {
  role: ChatMessage['role'];
  text: string;
  timestamp: number;
}

/** The id of the assistant reply to a run (the run id is the user message's idempotency key). */
export function replyId(runId: string): string {
  return `${runId}:reply`;
}

export function textOf(message: unknown): string {
  if (message === null || typeof message !== 'object') return '';
  const content = (message as { content?: unknown }).content;
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((part: unknown) => (part && typeof part === 'object' && (part as { type?: unknown }).type === 'text' ? String((part as { text?: unknown }).text ?? '') : ''))
    .join('');
}

export function parseHistoryEntry(raw: unknown): HistoryEntry | null {
  if (raw === null || typeof raw !== 'object') return null;
  const role = (raw as { role?: unknown }).role;
  if (role !== 'user' && role !== 'assistant' && role !== 'system') return null;
  const ts = (raw as { timestamp?: unknown }).timestamp;
  const timestamp = typeof ts === 'number' ? ts : typeof ts === 'string' ? Date.parse(ts) || 0 : 0;
  return { role, text: textOf(raw), timestamp };
}

function contentId(entry: HistoryEntry, occurrence: number): string {
  const h = createHash('sha256').update(`${entry.role}\n${entry.timestamp}\n${entry.text}\n${occurrence}`).digest('hex');
  return `h:${h.slice(0, 24)}`;
}

/** Statuses of local messages that the server may not know yet and that must stay visible. */
const LOCAL_ONLY: ReadonlySet<ChatMessage['status']> = new Set(['sending', 'streaming', 'error', 'aborted']);

/**
 * Merges the server's history with the local list. Returns the new list; user messages found in the
 * history are marked `sent` (the server has them, so they are never re-sent).
 */
export function mergeHistory(history: HistoryEntry[], local: ChatMessage[]): ChatMessage[] {
  const localUsers = local.filter((m) => m.role === 'user');
  const matchedUsers = new Set<string>();
  const seen = new Map<string, number>();
  const out: ChatMessage[] = [];
  let lastRun: string | null = null;
  for (const entry of history) {
    if (entry.role === 'user') {
      const match = localUsers.find((m) => !matchedUsers.has(m.id) && m.text === entry.text);
      if (match) {
        matchedUsers.add(match.id);
        out.push({ ...match, status: 'sent', timestamp: entry.timestamp || match.timestamp });
        lastRun = match.id;
        continue;
      }
      lastRun = null;
    } else if (entry.role === 'assistant') {
      const run = lastRun;
      lastRun = null;
      if (run) {
        out.push({ id: replyId(run), role: 'assistant', text: entry.text, timestamp: entry.timestamp, status: 'final', runId: run });
        continue;
      }
      // A reply to another client's message that we saw streaming: keep the id the UI has.
      const streamed = local.find((m) => m.role === 'assistant' && m.status === 'final' && m.text === entry.text && !out.some((o) => o.id === m.id));
      if (streamed) {
        out.push({ ...streamed, timestamp: entry.timestamp || streamed.timestamp });
        continue;
      }
    }
    const key = `${entry.role}\n${entry.timestamp}\n${entry.text}`;
    const occurrence = seen.get(key) ?? 0;
    seen.set(key, occurrence + 1);
    out.push({ id: contentId(entry, occurrence), role: entry.role, text: entry.text, timestamp: entry.timestamp, status: 'final' });
  }
  const inHistory = new Set(out.map((m) => m.id));
  for (const m of local) {
    if (!inHistory.has(m.id) && LOCAL_ONLY.has(m.status)) out.push(m);
  }
  return out;
}
