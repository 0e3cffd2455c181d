// Streams an agent reply to the terminal. The gateway sends cumulative text (chat deltas and the
// agent's assistant stream), so only the part not printed yet is written.

import type { GatewayClient } from '../client/gateway-client';
import type { ChatEventPayload } from '../shared/protocol/frames';

export interface RunOutcome {
  state: 'final' | 'error' | 'aborted';
  text: string;
  errorMessage?: string;
  stopReason?: string;
}

export class ReplyPrinter {
  private printed = '';

  constructor(private readonly write: (text: string) => void) {}

  get text(): string {
    return this.printed;
  }

  /** Shows `text` (the whole reply so far). A reply that was rewritten starts on a fresh line. */
  update(text: string): void {
    if (text.startsWith(this.printed)) {
      if (text.length > this.printed.length) this.write(text.slice(this.printed.length));
    } else {
      this.write(`\n${text}`);
    }
    this.printed = text;
  }
}

function messageText(message: ChatEventPayload['message'] | undefined): string | undefined {
  if (!message || !Array.isArray(message.content)) return undefined;
  return message.content.filter((c) => c?.type === 'text' && typeof c.text === 'string').map((c) => c.text).join('');
}

/**
 * Follows one run by its runId: prints assistant text as it streams and resolves with the chat event
 * that ends it (final, error or aborted). Returns the unsubscribe function with the promise.
 */
export function followRun(client: GatewayClient, runId: string, printer: ReplyPrinter): { done: Promise<RunOutcome>; stop: () => void } {
  let stop = (): void => undefined;
  const done = new Promise<RunOutcome>((resolve) => {
    const offAgent = client.onEvent('agent', (payload) => {
      const p = payload as { runId?: string; stream?: string; data?: { text?: unknown } };
      if (p.runId === runId && p.stream === 'assistant' && typeof p.data?.text === 'string') printer.update(p.data.text);
    });
    const offChat = client.onEvent('chat', (payload) => {
      const p = payload as ChatEventPayload;
      if (p.runId !== runId) return;
      const text = messageText(p.message);
      if (text !== undefined) printer.update(text);
      if (p.state === 'delta') return;
      stop();
      resolve({ state: p.state, text: printer.text, ...(p.errorMessage ? { errorMessage: p.errorMessage } : {}), ...(p.stopReason ? { stopReason: p.stopReason } : {}) });
    });
    stop = () => {
      offAgent();
      offChat();
    };
  });
  return { done, stop };
}
