// Turning the gateway's chat.history messages into ChatMessages whose ids match what the UI already
// shows: a user message we sent keeps its idempotency key, the reply that follows it keeps its run's
// reply id, and anything else gets an id derived from its content (stable across re-syncs). That is
// what makes a re-sync after a reconnect show every message exactly once.

import type { ChatMessage } from '../shared/desktop-api';
import { contentId, isSentText, replyId, type HistoryEntry } from '../shared/chat-history';

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
      const match = localUsers.find((m) => !matchedUsers.has(m.id) && isSentText(entry.text, m.text));
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
