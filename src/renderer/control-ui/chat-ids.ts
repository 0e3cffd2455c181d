// Giving the gateway's chat.history entries the same ids the live stream used, so a re-sync after a
// reconnect shows every message once: our own user messages keep their idempotency key, the reply that
// follows one keeps `${runId}:reply`, anything else gets an id derived from its content.
import type { ChatMessage } from '../../shared/desktop-api';

export interface HistoryEntry {
  role: ChatMessage['role'];
  text: string;
  timestamp: number;
}

export function replyId(runId: string): string {
  return `${runId}:reply`;
}

/** The text parts of a gateway message (`content` is a string or a list of parts). */
export function textOf(message: unknown): string {
  const content = (message as { content?: unknown } | null)?.content;
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((p: unknown) => ((p as { type?: unknown })?.type === 'text' ? String((p as { text?: unknown }).text ?? '') : '')).join('');
}

export function parseHistoryEntry(raw: unknown): HistoryEntry | null {
  const role = (raw as { role?: unknown } | null)?.role;
  if (role !== 'user' && role !== 'assistant' && role !== 'system') return null;
  const ts = (raw as { timestamp?: unknown }).timestamp;
  const timestamp = typeof ts === 'number' ? ts : typeof ts === 'string' ? Date.parse(ts) || 0 : 0;
  return { role, text: textOf(raw), timestamp };
}

/** FNV-1a: a stable, short id for a history entry we did not send (no crypto needed). */
function contentId(entry: HistoryEntry, occurrence: number): string {
  let h = 0x811c9dc5;
  const s = `${entry.role}\n${entry.timestamp}\n${entry.text}\n${occurrence}`;
  for (let i = 0; i < s.length; i += 1) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return `h:${h.toString(16)}:${occurrence}`;
}

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
      // The gateway may append a "[message_id: …]" line to the stored user text.
      const i = unmatched.findIndex((m) => entry.text === m.text || entry.text.startsWith(`${m.text}\n`));
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
