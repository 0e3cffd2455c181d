// Counts what happened to every chat message sent through the desktop brain: sent, delivered (in the
// gateway's history exactly once, its reply ended), lost (missing from the history), duplicated (extra
// copies in the history, or more than one model run for it), and how each reply ended.

import { replyId } from '../../../src/shared/chat-history';
import type { DesktopCore } from '../../../src/desktop/ports';
import type { ChatMessage, ChatUpdate } from '../../../src/shared/desktop-api';
import { waitUntil } from '../../desktop/helpers';

export interface ChatCounts {
  sent: number;
  delivered: number;
  lost: number;
  duplicated: number;
  /** Model runs for the same message beyond the first. */
  duplicateRuns: number;
  repliesFinal: number;
  repliesAborted: number;
  repliesError: number;
  repliesUnfinished: number;
}

const TERMINAL = new Set(['final', 'aborted', 'error']);

export class ChatLedger {
  private readonly sent: { sessionKey: string; id: string; text: string }[] = [];
  /** The latest update the UI got for every message id. */
  readonly seen = new Map<string, ChatMessage>();
  private n = 0;

  constructor(
    private readonly core: DesktopCore,
    private readonly tag: string,
  ) {
    core.on('chat', (u: ChatUpdate) => this.seen.set(u.message.id, u.message));
  }

  /** Sends the next message; a send the brain rejects outright counts as sent and then as lost. */
  async send(sessionKey: string): Promise<string> {
    const id = `${this.tag}-${++this.n}`;
    const text = `message ${id}`;
    this.sent.push({ sessionKey, id, text });
    await this.core.call('chatSend', { sessionKey, text, clientMessageId: id }).catch(() => undefined);
    return id;
  }

  /** Messages whose reply has not ended yet. */
  unfinished(): number {
    return this.sent.filter((m) => !TERMINAL.has(this.seen.get(replyId(m.id))?.status ?? '')).length;
  }

  ended(id: string): boolean {
    return TERMINAL.has(this.replyStatus(id) ?? '');
  }

  replyStatus(id: string): string | undefined {
    return this.seen.get(replyId(id))?.status;
  }

  async settle(timeoutMs: number): Promise<void> {
    try {
      await waitUntil(() => this.unfinished() === 0, 'every reply to end', timeoutMs);
    } catch {
      const s = this.core.getState();
      throw new Error(`${this.unfinished()} replies never ended: ${this.describeUnfinished()}; state ${s.mode}/${s.phase} "${s.statusText}" tunnel ${s.remote?.tunnelState ?? '-'} connected ${s.gatewayConnected}`);
    }
  }

  /** For failure messages: each unfinished message with its own and its reply's status. */
  describeUnfinished(): string {
    return this.sent
      .filter((m) => !TERMINAL.has(this.replyStatus(m.id) ?? ''))
      .map((m) => `${m.id} (user ${this.seen.get(m.id)?.status ?? 'unseen'}, reply ${this.replyStatus(m.id) ?? 'none'})`)
      .join(', ');
  }

  /** Compares what was sent with the gateway's history (through the brain) and the model's runs. */
  async count(modelRuns: string[]): Promise<ChatCounts> {
    const texts = new Map<string, number>();
    for (const sessionKey of new Set(this.sent.map((m) => m.sessionKey))) {
      const history = await this.core.call('chatHistory', { sessionKey });
      for (const m of history) if (m.role === 'user') texts.set(m.text, (texts.get(m.text) ?? 0) + 1);
    }
    const runs = new Map<string, number>();
    for (const r of modelRuns) runs.set(r, (runs.get(r) ?? 0) + 1);
    const c: ChatCounts = { sent: this.sent.length, delivered: 0, lost: 0, duplicated: 0, duplicateRuns: 0, repliesFinal: 0, repliesAborted: 0, repliesError: 0, repliesUnfinished: 0 };
    for (const m of this.sent) {
      const copies = texts.get(m.text) ?? 0;
      const status = this.replyStatus(m.id);
      if (copies === 0) c.lost++;
      else if (TERMINAL.has(status ?? '')) c.delivered++;
      c.duplicated += Math.max(0, copies - 1);
      c.duplicateRuns += Math.max(0, (runs.get(m.text) ?? 0) - 1);
      if (status === 'final') c.repliesFinal++;
      else if (status === 'aborted') c.repliesAborted++;
      else if (status === 'error') c.repliesError++;
      else c.repliesUnfinished++;
    }
    return c;
  }
}

export function printCounts(title: string, c: ChatCounts, extra: Record<string, number | string> = {}): void {
  const more = Object.entries(extra).map(([k, v]) => `${k} ${v}`);
  console.log(
    `[faults] ${title}: sent ${c.sent}, delivered ${c.delivered}, lost ${c.lost}, duplicated ${c.duplicated} (duplicate model runs ${c.duplicateRuns}); ` +
      `replies final ${c.repliesFinal}, aborted ${c.repliesAborted}, error ${c.repliesError}, unfinished ${c.repliesUnfinished}${more.length ? `; ${more.join(', ')}` : ''}`,
  );
}
