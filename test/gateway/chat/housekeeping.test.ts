import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseChatCommand } from '../../../src/gateway/agent/commands';
import { buildConversation } from '../../../src/gateway/agent/context';
import { DeltaThrottle } from '../../../src/gateway/agent/delta-throttle';
import { IdempotencyCache } from '../../../src/gateway/agent/idempotency';
import type { MessageLine } from '../../../src/gateway/sessions/transcript';

afterEach(() => {
  vi.useRealTimers();
});

describe('IdempotencyCache', () => {
  it('expires entries after the TTL and keeps at most `max`', () => {
    const cache = new IdempotencyCache<number>({ ttlMs: 1000, max: 3 });
    for (let i = 0; i < 5; i++) cache.set(`k${i}`, i, 0);
    expect(cache.size).toBe(3);
    expect(cache.get('k0', 10)).toBeUndefined();
    expect(cache.get('k4', 10)).toBe(4);
    expect(cache.get('k4', 1001)).toBeUndefined();
    cache.set('late', 1, 500);
    cache.sweep(1600);
    expect(cache.size).toBe(0);
  });
});

describe('DeltaThrottle', () => {
  it('sends at most one delta per interval and flushes the last fold', () => {
    vi.useFakeTimers();
    const sent: number[] = [];
    const t = new DeltaThrottle((seq) => sent.push(seq), 150);
    t.push(1);
    vi.advanceTimersByTime(50);
    t.push(2);
    t.push(3);
    expect(sent).toEqual([1]);
    vi.advanceTimersByTime(100);
    expect(sent).toEqual([1, 3]);
    t.push(4);
    t.stop();
    vi.advanceTimersByTime(500);
    expect(sent).toEqual([1, 3]);
  });
});

describe('chat commands', () => {
  it('recognizes stop words, /new with a message, /status and /help', () => {
    expect(parseChatCommand('/stop')).toEqual({ kind: 'stop' });
    expect(parseChatCommand('  Stop! ')).toEqual({ kind: 'stop' });
    expect(parseChatCommand('please stop')).toBeUndefined();
    expect(parseChatCommand('/reset')).toEqual({ kind: 'new', rest: '' });
    expect(parseChatCommand('/new hello there')).toEqual({ kind: 'new', rest: 'hello there' });
    expect(parseChatCommand('/status')).toEqual({ kind: 'status' });
    expect(parseChatCommand('/help')).toEqual({ kind: 'help' });
    expect(parseChatCommand('/newish')).toBeUndefined();
  });
});

describe('buildConversation', () => {
  const line = (role: 'user' | 'assistant', text: string, runId?: string): MessageLine => ({ type: 'message', id: text, runId, timestamp: '', message: { role, content: [{ type: 'text', text }], timestamp: 0 } });

  it('leaves out pending runs and keeps the newest turns within the budget', () => {
    const lines = [line('user', 'old question'), line('assistant', 'old answer'), line('user', 'q1', 'r1'), line('user', 'q2', 'r2')];
    expect(buildConversation(lines, new Set(['r1', 'r2']), 'q1', 10_000)).toEqual([
      { role: 'user', text: 'old question' },
      { role: 'assistant', text: 'old answer' },
      { role: 'user', text: 'q1' },
    ]);
    expect(buildConversation(lines, new Set(['r1', 'r2']), 'q1', 14)).toEqual([
      { role: 'assistant', text: 'old answer' },
      { role: 'user', text: 'q1' },
    ]);
  });
});
