import { describe, expect, it } from 'vitest';
import { contentId, isSentText, parseHistoryEntry, replyId, textOf } from '../../src/shared/chat-history';

describe('chat history helpers shared by the app and the Control UI', () => {
  it('reads text from string and part-list contents', () => {
    expect(textOf({ content: 'hi' })).toBe('hi');
    expect(textOf({ content: [{ type: 'text', text: 'a' }, { type: 'image' }, { type: 'text', text: 'b' }] })).toBe('ab');
    expect(textOf(null)).toBe('');
  });

  it('parses entries and refuses unknown roles', () => {
    expect(parseHistoryEntry({ role: 'assistant', content: 'x', timestamp: 5 })).toEqual({ role: 'assistant', text: 'x', timestamp: 5 });
    expect(parseHistoryEntry({ role: 'tool', content: 'x' })).toBeNull();
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
});
