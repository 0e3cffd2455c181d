// Turning the gateway's chat.history messages into ChatMessages whose ids match what the UI already
// shows: a user message we sent keeps its idempotency key, its run's reply keeps the reply id (which
// run a reply belongs to is the shared rule `historyRuns`: the run the gateway recorded, else run
// order), and anything else gets an id derived from its content (stable across re-syncs). That is what
// makes a re-sync after a reconnect show every message exactly once, under the message it answers.

import type { ChatMessage } from '../shared/desktop-api';
import { contentId, historyRuns, replyId, type HistoryEntry } from '../shared/chat-history';

/** Statuses of local messages that the server may not know yet and that must stay visible. */
const LOCAL_ONLY: ReadonlySet<ChatMessage['status']> = new Set(['sending', 'streaming', 'error', 'aborted']);

/**
 * Merges the server's history with the local list. Returns the new list; user messages found in the
 * history are marked `sent` (the server has them, so they are never re-sent). `endedWithoutReply`: runs
 * the gateway ended without storing a reply (see `historyRuns`).
 */
export function mergeHistory(history: HistoryEntry[], local: ChatMessage[], endedWithoutReply?: ReadonlySet<string>): ChatMessage[] {
  const localUsers = local.filter((m) => m.role === 'user');
  const runs = historyRuns(history, localUsers, endedWithoutReply);
  const seen = new Map<string, number>();
  const out: ChatMessage[] = [];
  history.forEach((entry, i) => {
    const run = runs[i] ?? null;
    const known = run !== null ? fromRun(entry, run, localUsers) : entry.role === 'assistant' ? streamedReply(entry, local, out) : undefined;
    if (known) {
      out.push(known);
      return;
    }
    const key = `${entry.role}\n${entry.timestamp}\n${entry.text}`;
    const occurrence = seen.get(key) ?? 0;
    seen.set(key, occurrence + 1);
    out.push({ id: contentId(entry, occurrence), role: entry.role, text: entry.text, timestamp: entry.timestamp, status: 'final' });
  });
  const inHistory = new Set(out.map((m) => m.id));
  for (const m of local) {
    if (!inHistory.has(m.id) && LOCAL_ONLY.has(m.status)) out.push(m);
  }
  return out;
}

/** An entry whose run is known: our user message (now `sent`), another client's by its key, or the run's reply. */
function fromRun(entry: HistoryEntry, run: string, localUsers: ChatMessage[]): ChatMessage | undefined {
  if (entry.role === 'assistant') return { id: replyId(run), role: 'assistant', text: entry.text, timestamp: entry.timestamp, status: 'final', runId: run };
  if (entry.role !== 'user') return undefined;
  const mine = localUsers.find((m) => m.id === run);
  if (mine) return { ...mine, status: 'sent', timestamp: entry.timestamp || mine.timestamp };
  return { id: run, role: 'user', text: entry.text, timestamp: entry.timestamp, status: 'final' };
}

/** A reply to another client's message that we saw streaming (its run unknown here): keep the id the UI has. */
function streamedReply(entry: HistoryEntry, local: ChatMessage[], out: ChatMessage[]): ChatMessage | undefined {
  const streamed = local.find((m) => m.role === 'assistant' && m.status === 'final' && m.text === entry.text && !out.some((o) => o.id === m.id));
  return streamed && { ...streamed, timestamp: entry.timestamp || streamed.timestamp };
}
