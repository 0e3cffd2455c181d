// Broadcasts (spec §1, §3, §5): one global seq for the whole process, stateVersion on health and
// presence, scope guards, and the slow-consumer rule (drop-if-slow events are skipped for a client
// with too much unsent data; any other event closes it with 1008 "slow consumer").

import { MAX_BUFFERED_BYTES, SCOPES, type StateVersion } from '../../shared/protocol/frames';
import type { BroadcastOptions } from '../methods/types';

export interface EventSink {
  readonly role: 'operator' | 'node';
  readonly scopes: readonly string[];
  bufferedAmount(): number;
  sendText(text: string): void;
  closeSlowConsumer(): void;
}

export class EventHub {
  private seq = 0;
  readonly sinks = new Set<EventSink>();
  readonly stateVersion: StateVersion = { presence: 0, health: 0 };

  constructor(private readonly maxBufferedBytes = MAX_BUFFERED_BYTES) {}

  broadcast(event: string, payload: unknown, opts: BroadcastOptions = {}): void {
    this.seq += 1;
    const frame: Record<string, unknown> = { type: 'event', event, payload, seq: this.seq };
    if (opts.withStateVersion) frame.stateVersion = { ...this.stateVersion };
    let text: string | undefined;
    for (const sink of this.sinks) {
      if (opts.requireScope && (sink.role !== 'operator' || !(sink.scopes.includes(SCOPES.admin) || sink.scopes.includes(opts.requireScope)))) {
        continue;
      }
      if (sink.bufferedAmount() > this.maxBufferedBytes) {
        if (!opts.dropIfSlow) sink.closeSlowConsumer();
        continue;
      }
      text ??= JSON.stringify(frame);
      sink.sendText(text);
    }
  }
}
