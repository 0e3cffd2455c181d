import { describe, expect, it } from 'vitest';
import { EventHub, type EventSink } from '../../../src/gateway/events/hub';

function sink(opts: { role?: 'operator' | 'node'; scopes?: string[]; buffered?: number } = {}): EventSink & { got: string[]; closed: boolean } {
  return {
    role: opts.role ?? 'operator',
    scopes: opts.scopes ?? ['operator.admin'],
    got: [],
    closed: false,
    bufferedAmount: () => opts.buffered ?? 0,
    sendText(text) {
      this.got.push(text);
    },
    closeSlowConsumer() {
      this.closed = true;
    },
  };
}

describe('event hub', () => {
  it('numbers every broadcast from one counter, even when nobody receives it', () => {
    const hub = new EventHub(100);
    const a = sink();
    hub.broadcast('tick', { ts: 1 });
    hub.sinks.add(a);
    hub.broadcast('tick', { ts: 2 });
    expect(JSON.parse(a.got[0] as string)).toEqual({ type: 'event', event: 'tick', payload: { ts: 2 }, seq: 2 });
  });

  it('attaches stateVersion only when asked', () => {
    const hub = new EventHub(100);
    const a = sink();
    hub.sinks.add(a);
    hub.stateVersion.health = 4;
    hub.broadcast('health', {}, { withStateVersion: true });
    expect(JSON.parse(a.got[0] as string).stateVersion).toEqual({ presence: 0, health: 4 });
  });

  it('skips drop-if-slow events for a slow client and closes it for any other event', () => {
    const hub = new EventHub(100);
    const slow = sink({ buffered: 101 });
    const fast = sink();
    hub.sinks.add(slow);
    hub.sinks.add(fast);
    hub.broadcast('tick', {}, { dropIfSlow: true });
    expect(slow.got).toEqual([]);
    expect(slow.closed).toBe(false);
    hub.broadcast('health', {});
    expect(slow.closed).toBe(true);
    expect(fast.got).toHaveLength(2);
  });

  it('guards pairing events: operators with the scope or admin only, never nodes', () => {
    const hub = new EventHub(100);
    const admin = sink();
    const pairer = sink({ scopes: ['operator.pairing'] });
    const reader = sink({ scopes: ['operator.read'] });
    const node = sink({ role: 'node', scopes: ['operator.admin'] });
    for (const s of [admin, pairer, reader, node]) hub.sinks.add(s);
    hub.broadcast('device.pair.requested', {}, { requireScope: 'operator.pairing' });
    expect([admin, pairer, reader, node].map((s) => s.got.length)).toEqual([1, 1, 0, 0]);
  });
});
