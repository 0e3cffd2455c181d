// Giving the gateway's chat.history entries the same ids the live stream used, so a re-sync after a
// reconnect shows every message once: our own user messages keep their idempotency key, the reply that
// follows one keeps `${runId}:reply`, anything else gets an id derived from its content.
import type { ChatMessage } from '../../shared/desktop-api';
import { contentId, isSentText, replyId, type HistoryEntry } from '../../shared/chat-history';

/**
 * The history as ChatMessages. `sent` are the user messages this page sent ({id, text}); a history
 * user entry with the same text takes that id (in order), and the assistant entry after it the reply id.
 */
export function identifyHistory(entries: HistoryEntry[], sent: Array<{ id: string; text: string }>): ChatMessage[] {
  const unmatched = sent.slice();
  const seen = new Map<string, number>();
  let lastRun: string | null = null;
  return entries.map((entry) => {
    let id: string | undefined;
    if (entry.role === 'user') {
      const i = unmatched.findIndex((m) => isSentText(entry.text, m.text));
      lastRun = i === -1 ? null : unmatched.splice(i, 1)[0]!.id;
      id = lastRun ?? undefined;
    } else if (entry.role === 'assistant' && lastRun) {
      id = replyId(lastRun);
      lastRun = null;
    }
    if (!id) {
      const key = `${entry.role}|${entry.timestamp}|${entry.text}`;
      const n = seen.get(key) ?? 0;
      seen.set(key, n + 1);
      id = contentId(entry, n);
    }
    const message: ChatMessage = { id, role: entry.role, text: entry.text, timestamp: entry.timestamp, status: 'final' };
    if (entry.role === 'assistant' && id.endsWith(':reply')) message.runId = id.slice(0, -':reply'.length);
    return message;
  });
}
