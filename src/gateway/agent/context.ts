// The conversation sent to the model: the session's transcript, bounded, then the new message.
// Messages of runs that are still queued or running are left out (their user message is already on
// disk because it was acknowledged), so each run sees the turns that came before it.

import type { MessageLine, TranscriptMessage } from '../sessions/transcript';
import type { ChatTurn } from '../providers/types';

export const MAX_CONTEXT_MESSAGES = 200;
/** About 3 characters per token, half the window for the history; 48 k chars when the window is unknown. */
export function contextCharBudget(contextWindow: number | undefined): number {
  return Math.min(Math.max(4_000, (contextWindow ?? 32_000) * 1.5), 600_000);
}

export function messageText(m: TranscriptMessage): string {
  return m.content.filter((p) => p.type === 'text' && typeof p.text === 'string').map((p) => p.text).join('');
}

export function buildConversation(lines: MessageLine[], excludeRunIds: ReadonlySet<string>, newMessage: string, charBudget: number): ChatTurn[] {
  const history: ChatTurn[] = [];
  let used = newMessage.length;
  for (let i = lines.length - 1; i >= 0 && history.length < MAX_CONTEXT_MESSAGES; i--) {
    const line = lines[i]!;
    if (line.runId !== undefined && excludeRunIds.has(line.runId)) continue;
    const text = messageText(line.message);
    if (text === '') continue;
    if (used + text.length > charBudget) break;
    used += text.length;
    history.push({ role: line.message.role, text });
  }
  history.reverse();
  history.push({ role: 'user', text: newMessage });
  return history;
}
