// Slash commands in chat text (spec §9.3) that the gateway answers itself instead of the model.

export type ChatCommand =
  | { kind: 'stop' }
  | { kind: 'new'; rest: string }
  | { kind: 'status' }
  | { kind: 'help' };

/** Bare words that mean "stop" when they are the whole message, as in the reference. */
const STOP_WORDS = new Set(['stop', 'abort', 'esc', 'wait', 'exit', 'interrupt']);

export function parseChatCommand(message: string): ChatCommand | undefined {
  const text = message.trim();
  const lower = text.toLowerCase().replace(/[.!]+$/, '');
  if (lower === '/stop' || STOP_WORDS.has(lower)) return { kind: 'stop' };
  const m = /^\/(new|reset)(?:\s+([\s\S]*))?$/i.exec(text);
  if (m) return { kind: 'new', rest: (m[2] ?? '').trim() };
  if (lower === '/status') return { kind: 'status' };
  if (lower === '/help' || lower === '/commands') return { kind: 'help' };
  return undefined;
}

export const HELP_TEXT = [
  'Commands:',
  '/new or /reset [message] - start a fresh session (optionally with a first message)',
  '/stop (or just "stop") - stop the reply in progress',
  '/status - show this session, its model and its token use',
  '/help - this list',
].join('\n');
