// Giving the gateway's chat.history entries the same ids the live stream used, so a re-sync after a
// reconnect shows every message once: our own user messages keep their idempotency key, a run's reply
// keeps `${runId}:reply` (which run is the shared rule `historyRuns`, the same the app uses), anything
// else gets an id derived from its content.
import type { ChatMessage } from '../../shared/desktop-api';
import { contentId, historyRuns, replyId, type HistoryEntry, type SentText } from '../../shared/chat-history';

/**
 * The history as ChatMessages. `sent` are the user messages this page sent ({id, text}); a history
 * user entry of ours takes that id, and its run's reply the reply id.
 */
export function identifyHistory(entries: HistoryEntry[], sent: SentText[]): ChatMessage[] {
  const runs = historyRuns(entries, sent);
  const seen = new Map<string, number>();
  return entries.map((entry, i) => {
    const run = runs[i] ?? null;
    const message: ChatMessage = { id: run ?? '', role: entry.role, text: entry.text, timestamp: entry.timestamp, status: 'final' };
    if (run !== null && entry.role === 'assistant') return { ...message, id: replyId(run), runId: run };
    if (run !== null) return message;
    const key = `${entry.role}|${entry.timestamp}|${entry.text}`;
    const n = seen.get(key) ?? 0;
    seen.set(key, n + 1);
    return { ...message, id: contentId(entry, n) };
  });
}
