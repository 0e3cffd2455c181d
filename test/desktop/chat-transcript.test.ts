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
});
