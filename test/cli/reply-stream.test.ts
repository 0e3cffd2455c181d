import { describe, expect, it } from 'vitest';
import { ReplyPrinter } from '../../src/cli/reply-stream';

describe('ReplyPrinter', () => {
  it('writes only what cumulative updates add, and restarts a rewritten reply on a new line', () => {
    const out: string[] = [];
    const p = new ReplyPrinter((t) => out.push(t));
    for (const t of ['He', 'Hello', 'Hello', 'Hello wor', 'Hello world']) p.update(t);
    expect(out.join('')).toBe('Hello world');
    p.update('Goodbye');
    expect(out.join('')).toBe('Hello world\nGoodbye');
    expect(p.text).toBe('Goodbye');
  });
});
