// Pure rules for a session's message list: one entry per message id, history merges, what Stop aborts.
import type { ChatMessage } from '../../shared/desktop-api';

/** Replace the message with the same id, or append it: a message is never shown twice. */
export function upsertMessage(list: ChatMessage[], message: ChatMessage): ChatMessage[] {
  const i = list.findIndex((m) => m.id === message.id);
  if (i === -1) return [...list, message];
  const next = list.slice();
  next[i] = message;
  return next;
}

/**
 * History from the brain wins; local messages it does not know stay after it: those still sending, and
 * those it refused outright (the user's words stay on screen with their error instead of vanishing).
 */
export function mergeHistory(history: ChatMessage[], local: ChatMessage[]): ChatMessage[] {
  const known = new Set(history.map((m) => m.id));
  const keep = (m: ChatMessage) => m.status === 'sending' || m.status === 'streaming' || (m.role === 'user' && m.status === 'error');
  return [...history, ...local.filter((m) => !known.has(m.id) && keep(m))];
}

/** The assistant run in flight in a session, if any: what Stop aborts. */
export function inFlightRun(messages: ChatMessage[]): { runId?: string } | null {
  for (let i = messages.length - 1; i >= 0; i -= 1) {
    const m = messages[i]!;
    if (m.role === 'assistant' && m.status === 'streaming') return { runId: m.runId ?? m.id };
    if (m.role === 'user' && (m.status === 'sending' || m.status === 'sent')) {
      return m.runId ? { runId: m.runId } : {};
    }
    if (m.role === 'user') return null;
  }
  return null;
}
