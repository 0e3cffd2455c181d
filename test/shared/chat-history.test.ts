import { describe, expect, it } from 'vitest';
import { contentId, historyRuns, isSentText, parseHistoryEntry, replyId, textOf, type HistoryEntry } from '../../src/shared/chat-history';

describe('chat history helpers shared by the app and the Control UI', () => {
  it('reads text from string and part-list contents', () => {
    expect(textOf({ content: 'hi' })).toBe('hi');
    expect(textOf({ content: [{ type: 'text', text: 'a' }, { type: 'image' }, { type: 'text', text: 'b' }] })).toBe('ab');
    expect(textOf(null)).toBe('');
  });

  it('parses entries and refuses unknown roles', () => {
    expect(parseHistoryEntry({ role: 'assistant', content: 'x', timestamp: 5 })).toEqual({ role: 'assistant', text: 'x', timestamp: 5 });
    expect(parseHistoryEntry({ role: 'tool', content: 'x' })).toBeNull();
    expect(parseHistoryEntry({ role: 'user', content: 'x', timestamp: 5, runId: 'k1' })).toEqual({ role: 'user', text: 'x', timestamp: 5, runId: 'k1' });
  });

  it('matches a stored user message with a gateway-appended id line, but not another message', () => {
    expect(isSentText('hello', 'hello')).toBe(true);
    expect(isSentText('hello\n[message_id: 42]', 'hello')).toBe(true);
    expect(isSentText('hello there', 'hello')).toBe(false);
  });

  it('gives stable, distinct ids', () => {
    const e = { role: 'user' as const, text: 't', timestamp: 1 };
    expect(contentId(e, 0)).toBe(contentId({ ...e }, 0));
    expect(contentId(e, 0)).not.toBe(contentId(e, 1));
    expect(replyId('run-1')).toBe('run-1:reply');
  });

  describe('which run each history entry belongs to', () => {
    const u = (text: string, runId?: string): HistoryEntry => ({ role: 'user', text, timestamp: 1, ...(runId ? { runId } : {}) });
    const a = (text: string, runId?: string): HistoryEntry => ({ role: 'assistant', text, timestamp: 2, ...(runId ? { runId } : {}) });
    const sent = [{ id: 'A', text: 'one' }, { id: 'B', text: 'two' }];

    it('pairs untagged replies with the waiting user messages oldest first', () => {
      expect(historyRuns([u('one'), u('two'), a('r1'), a('r2')], sent)).toEqual(['A', 'B', 'A', 'B']);
      // The plain sequential case still works.
      expect(historyRuns([u('one'), a('r1'), u('two'), a('r2')], sent)).toEqual(['A', 'A', 'B', 'B']);
    });

    it("counts another client's messages in the queue without taking their replies", () => {
      expect(historyRuns([u('x'), u('one'), a('rx'), a('r1')], sent)).toEqual([null, 'A', null, 'A']);
    });

    it('uses recorded runs first, and ignores a text match on an entry tagged with another run', () => {
      expect(historyRuns([u('one', 'Z'), u('one', 'A'), a('rA', 'A'), a('rZ', 'Z')], sent)).toEqual(['Z', 'A', 'A', 'Z']);
      // A tagged reply is taken out of the queue, so an untagged (injected) one after it pairs with nothing.
      expect(historyRuns([u('one', 'A'), a('rA', 'A'), a('injected')], sent)).toEqual(['A', 'A', null]);
      // A tagged message still running: an untagged (injected) reply is not its reply.
      expect(historyRuns([u('one', 'A'), u('two', 'B'), a('rA', 'A'), a('injected')], sent)).toEqual(['A', 'B', 'A', null]);
    });

    it('skips runs known to have ended without a stored reply', () => {
      expect(historyRuns([u('one'), u('two'), a('r2')], sent, new Set(['A']))).toEqual(['A', 'B', 'B']);
    });
  });
});
