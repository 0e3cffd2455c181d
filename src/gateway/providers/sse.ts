// A Server-Sent Events reader for streamed model replies (the WHATWG event-stream format: lines of
// `field: value`, events separated by a blank line, CR/LF/CRLF line ends, `:` comment lines).

export interface SseEvent {
  /** The `event:` field, or 'message'. */
  event: string;
  /** The `data:` lines joined with '\n'. */
  data: string;
}

export async function* readSse(body: AsyncIterable<Uint8Array>): AsyncGenerator<SseEvent> {
  const decoder = new TextDecoder();
  let buffer = '';
  let event = '';
  let data: string[] = [];
  const flush = (): SseEvent | undefined => {
    const out = data.length > 0 ? { event: event || 'message', data: data.join('\n') } : undefined;
    event = '';
    data = [];
    return out;
  };
  const takeLine = (line: string): SseEvent | undefined => {
    if (line === '') return flush();
    if (line.startsWith(':')) return undefined;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') data.push(value);
    else if (field === 'event') event = value;
    return undefined;
  };
  for await (const chunk of body) {
    buffer += decoder.decode(chunk, { stream: true });
    let m: RegExpExecArray | null;
    const lineEnd = /\r\n|\r|\n/g;
    let start = 0;
    while ((m = lineEnd.exec(buffer)) !== null) {
      // A lone CR at the very end may be the first half of a CRLF split across chunks.
      if (m[0] === '\r' && m.index === buffer.length - 1) break;
      const ev = takeLine(buffer.slice(start, m.index));
      start = m.index + m[0].length;
      if (ev) yield ev;
    }
    buffer = buffer.slice(start);
  }
  // An event not terminated by a blank line when the stream ends is dropped, as the format says:
  // it may be cut off, and the caller then sees a stream that ended early.
}
