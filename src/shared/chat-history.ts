// What the desktop brain and the Control UI share about the gateway's chat.history entries: their
// text, which run each belongs to, and the ids that match what the live stream showed (a user message
// keeps its idempotency key, its run's reply `${runId}:reply`, anything else an id derived from its
// content), so a re-sync after a reconnect shows every message exactly once, under the right message.

import type { ChatMessage } from './desktop-api';

export interface HistoryEntry {
  role: ChatMessage['role'];
  text: string;
  timestamp: number;
  /** The run that started (user) or produced (assistant) the entry, when the gateway records it. */
  runId?: string;
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
  const runId = (raw as { runId?: unknown }).runId;
  const entry: HistoryEntry = { role, text: textOf(raw), timestamp };
  if (typeof runId === 'string' && runId !== '') entry.runId = runId;
  return entry;
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

/** A user message this client sent: its idempotency key (its run's id) and its text. */
export interface SentText {
  id: string;
  text: string;
}

/**
 * The run each history entry belongs to, or null when unknown. A run the gateway recorded on the entry
 * wins. Otherwise a user entry is ours when it has the text of a message we sent (first unmatched, in
 * order), and a reply belongs to the oldest user message still waiting for one: several sends of one
 * session are all stored on arrival but run one at a time, in order, so the history can read
 * `user A, user B, user C, reply A, reply B` (spec §9.3, §10.1). `endedWithoutReply` lists runs known to
 * have failed: they stored no reply, so they wait for none.
 */
export function historyRuns(entries: HistoryEntry[], sent: SentText[], endedWithoutReply: ReadonlySet<string> = new Set()): Array<string | null> {
  const unmatched = sent.slice();
  const answered = new Set(entries.filter((e) => e.role === 'assistant' && e.runId).map((e) => e.runId));
  // Untagged user entries waiting for a reply, oldest first; null holds the place of another client's.
  const waiting: Array<string | null> = [];
  return entries.map((entry) => {
    if (entry.role === 'assistant') return entry.runId ?? waiting.shift() ?? null;
    if (entry.role !== 'user') return null;
    if (entry.runId !== undefined) {
      // Recorded (ours if we sent that key): a gateway that records it on a message does so on the reply too.
      takeSent(unmatched, (m) => m.id === entry.runId);
      return entry.runId;
    }
    const run = takeSent(unmatched, (m) => isSentText(entry.text, m.text))?.id ?? null;
    if (run === null || !(answered.has(run) || endedWithoutReply.has(run))) waiting.push(run);
    return run;
  });
}

function takeSent(list: SentText[], match: (m: SentText) => boolean): SentText | undefined {
  const i = list.findIndex(match);
  return i === -1 ? undefined : list.splice(i, 1)[0];
}
