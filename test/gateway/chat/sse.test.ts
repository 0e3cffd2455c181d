import { describe, expect, it } from 'vitest';
import { readSse, type SseEvent } from '../../../src/gateway/providers/sse';

async function collect(chunks: string[]): Promise<SseEvent[]> {
  async function* body(): AsyncGenerator<Uint8Array> {
    for (const c of chunks) yield new TextEncoder().encode(c);
  }
  const out: SseEvent[] = [];
  for await (const ev of readSse(body())) out.push(ev);
  return out;
}

describe('readSse', () => {
  it('reads data and event fields, skipping comments', async () => {
    const events = await collect([': keep-alive\n\nevent: ping\ndata: {"a":1}\n\ndata: [DONE]\n\n']);
    expect(events).toEqual([{ event: 'ping', data: '{"a":1}' }, { event: 'message', data: '[DONE]' }]);
  });

  it('joins multi-line data and handles CRLF split across chunks', async () => {
    const events = await collect(['data: one\r', '\ndata: two\r\n', '\r\n', 'data:x\n\n']);
    expect(events).toEqual([{ event: 'message', data: 'one\ntwo' }, { event: 'message', data: 'x' }]);
  });

  it('handles a UTF-8 character split across chunks', async () => {
    const bytes = new TextEncoder().encode('data: héllo\n\n');
    async function* body(): AsyncGenerator<Uint8Array> {
      yield bytes.subarray(0, 8);
      yield bytes.subarray(8);
    }
    const out: SseEvent[] = [];
    for await (const ev of readSse(body())) out.push(ev);
    expect(out).toEqual([{ event: 'message', data: 'héllo' }]);
  });

  it('drops an event cut off by the end of the stream', async () => {
    const events = await collect(['data: complete\n\ndata: {"cut', '']);
    expect(events).toEqual([{ event: 'message', data: 'complete' }]);
  });
});
