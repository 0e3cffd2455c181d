import { describe, expect, it } from 'vitest';
import { replyId, type HistoryEntry } from '../../src/shared/chat-history';
import { mergeHistory } from '../../src/desktop/chat-transcript';
import type { ChatMessage } from '../../src/shared/desktop-api';

const user = (id: string, text: string, status: ChatMessage['status'] = 'sent'): ChatMessage => ({ id, role: 'user', text, timestamp: 1, status });

describe('merging chat.history with the local list', () => {
  it('keeps the ids the UI shows: our message by its idempotency key, the reply by its run', () => {
    const local = [user('k1', 'hi'), { id: replyId('k1'), role: 'assistant', text: 'hel', timestamp: 2, status: 'streaming', runId: 'k1' } as ChatMessage];
    const history: HistoryEntry[] = [
      { role: 'user', text: 'hi', timestamp: 10 },
      { role: 'assistant', text: 'hello there', timestamp: 11 },
    ];
    const merged = mergeHistory(history, local);
    expect(merged.map((m) => [m.id, m.status, m.text])).toEqual([
      ['k1', 'sent', 'hi'],
      [replyId('k1'), 'final', 'hello there'],
    ]);
  });

  it('keeps an unacknowledged message the server never got, once, at the end', () => {
    const local = [user('k1', 'first'), user('k2', 'second', 'sending')];
    const history: HistoryEntry[] = [
      { role: 'user', text: 'first', timestamp: 10 },
      { role: 'assistant', text: 'ok', timestamp: 11 },
    ];
    const merged = mergeHistory(history, local);
    expect(merged.map((m) => m.id)).toEqual(['k1', replyId('k1'), 'k2']);
    expect(merged[2]?.status).toBe('sending');
  });

  it('marks a message the server did get as sent, so it is not re-sent or shown twice', () => {
    const local = [user('k2', 'again', 'sending')];
    const merged = mergeHistory([{ role: 'user', text: 'again', timestamp: 5 }], local);
    expect(merged).toHaveLength(1);
    expect(merged[0]).toMatchObject({ id: 'k2', status: 'sent' });
  });

  it('gives other messages ids that stay the same across re-syncs, even for repeated text', () => {
    const history: HistoryEntry[] = [
      { role: 'user', text: 'same', timestamp: 1 },
      { role: 'user', text: 'same', timestamp: 1 },
    ];
    const a = mergeHistory(history, []).map((m) => m.id);
    const b = mergeHistory(history, []).map((m) => m.id);
    expect(a).toEqual(b);
    expect(new Set(a).size).toBe(2);
  });

  describe('several messages of one session queued when the connection dropped', () => {
    const reply = (run: string, text: string, status: ChatMessage['status']): ChatMessage => ({ id: replyId(run), role: 'assistant', text, timestamp: 3, status, runId: run });
    const local = [user('A', 'one'), user('B', 'two'), user('C', 'three'), reply('A', 'answer o', 'streaming')];

    it('pairs untagged replies with the queued messages in run order (a gateway runs them one at a time)', () => {
      const history: HistoryEntry[] = [
        { role: 'user', text: 'one', timestamp: 10 },
        { role: 'user', text: 'two', timestamp: 11 },
        { role: 'user', text: 'three', timestamp: 12 },
        { role: 'assistant', text: 'answer one', timestamp: 13 },
        { role: 'assistant', text: 'answer two', timestamp: 14 },
      ];
      const merged = mergeHistory(history, local);
      expect(merged.map((m) => [m.id, m.status, m.text])).toEqual([
        ['A', 'sent', 'one'],
        ['B', 'sent', 'two'],
        ['C', 'sent', 'three'],
        [replyId('A'), 'final', 'answer one'],
        [replyId('B'), 'final', 'answer two'],
      ]);
      expect(merged.find((m) => m.id === replyId('B'))?.runId).toBe('B');
    });

    it('uses the run a gateway recorded on each entry, whatever the order', () => {
      const history: HistoryEntry[] = [
        { role: 'user', text: 'one', timestamp: 10, runId: 'A' },
        { role: 'user', text: 'two', timestamp: 11, runId: 'B' },
        { role: 'user', text: 'three', timestamp: 12, runId: 'C' },
        // A failed (no reply stored): B's reply must not be taken for A's.
        { role: 'assistant', text: 'answer two', timestamp: 14, runId: 'B' },
      ];
      const merged = mergeHistory(history, local);
      expect(merged.map((m) => [m.id, m.status])).toEqual([
        ['A', 'sent'],
        ['B', 'sent'],
        ['C', 'sent'],
        [replyId('B'), 'final'],
        [replyId('A'), 'streaming'],
      ]);
    });

    it('skips a run that ended without a stored reply when pairing untagged replies', () => {
      const history: HistoryEntry[] = [
        { role: 'user', text: 'one', timestamp: 10 },
        { role: 'user', text: 'two', timestamp: 11 },
        { role: 'assistant', text: 'answer two', timestamp: 14 },
      ];
      const merged = mergeHistory(history, [user('A', 'one'), user('B', 'two'), reply('A', '', 'error')], new Set(['A']));
      expect(merged.map((m) => [m.id, m.status])).toEqual([
        ['A', 'sent'],
        ['B', 'sent'],
        [replyId('B'), 'final'],
        [replyId('A'), 'error'],
      ]);
    });

    it("leaves another client's queued message and its reply alone", () => {
      const history: HistoryEntry[] = [
        { role: 'user', text: 'theirs', timestamp: 9 },
        { role: 'user', text: 'one', timestamp: 10 },
        { role: 'assistant', text: 'answer theirs', timestamp: 13 },
        { role: 'assistant', text: 'answer one', timestamp: 14 },
      ];
      const merged = mergeHistory(history, [user('A', 'one')]);
      expect(merged.map((m) => m.id).slice(1)).toEqual(['A', expect.stringMatching(/^h:/), replyId('A')]);
      expect(merged.find((m) => m.id === replyId('A'))?.text).toBe('answer one');
    });
  });
});
