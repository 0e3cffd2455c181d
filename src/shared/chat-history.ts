// What the desktop brain and the Control UI share about the gateway's chat.history entries: their
// text, the ids that match what the live stream showed (a user message keeps its idempotency key, the
// reply after it `${runId}:reply`, anything else an id derived from its content), so a re-sync after a
// reconnect shows every message exactly once.

import type { ChatMessage } from './desktop-api';

export interface HistoryEntry {
  role: ChatMessage['role'];
  text: string;
  timestamp: number;
}

/** The id of the assistant reply to a run (the run id is the user message's idempotency key). */
export function replyId(runId: string): string {
  return `${runId}:reply`;
}

/** The text parts of a gateway message (`content` is a string or a list of parts). */
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

/** Whether a stored user message is the one we sent (a gateway may append a "[message_id: …]" line). */
export function isSentText(stored: string, sent: string): boolean {
  return stored === sent || stored.startsWith(`${sent}\n`);
}

/**
 * A stable id for a history entry we did not send: FNV-1a of its content and its occurrence (the n-th
 * identical entry), so the same history always gives the same ids. Not a security measure.
 */
export function contentId(entry: HistoryEntry, occurrence: number): string {
  let h = 0x811c9dc5;
  const s = `${entry.role}\n${entry.timestamp}\n${entry.text}\n${occurrence}`;
  for (let i = 0; i < s.length; i += 1) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return `h:${h.toString(16)}:${occurrence}`;
}
