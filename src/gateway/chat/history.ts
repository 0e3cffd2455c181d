// chat.history's bounds (spec §9.3): the last `limit` messages (1..1000, default 200), then the oldest
// dropped until the JSON fits in 6 MiB. A single message too big on its own is cut to fit.

import type { TranscriptMessage } from '../sessions/transcript';

export const DEFAULT_HISTORY_LIMIT = 200;
export const MAX_HISTORY_LIMIT = 1000;
export const MAX_HISTORY_BYTES = 6 * 1024 * 1024;

export function boundHistory(messages: TranscriptMessage[], limit: number, maxBytes = MAX_HISTORY_BYTES): TranscriptMessage[] {
  const recent = messages.slice(-limit);
  const sizes = recent.map((m) => Buffer.byteLength(JSON.stringify(m)) + 1);
  let total = sizes.reduce((a, b) => a + b, 2);
  let start = 0;
  while (total > maxBytes && start < recent.length - 1) total -= sizes[start++]!;
  const kept = recent.slice(start);
  if (total > maxBytes && kept.length === 1) kept[0] = truncateMessage(kept[0]!, maxBytes);
  return kept;
}

function truncateMessage(m: TranscriptMessage, maxBytes: number): TranscriptMessage {
  const note = '\n\n[message truncated: too large to show]';
  const overhead = Buffer.byteLength(JSON.stringify({ ...m, content: [] })) + 64 + note.length;
  const text = m.content.map((p) => p.text).join('');
  // JSON escaping can double a character's size; keep a safe share of the budget.
  const keep = Math.max(0, Math.floor((maxBytes - overhead) / 2));
  return { ...m, content: [{ type: 'text', text: Buffer.from(text).subarray(0, keep).toString('utf8').replace(/\uFFFD$/, '') + note }] };
}
