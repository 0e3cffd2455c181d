// An OpenAI-compatible streaming model server in its own process (it can run inside a network
// namespace as the remote host's model). Every request prints "request <JSON of the last user text>"
// (the fault suite counts model runs per message from it), and every streamed reply prints
// "first-token <ms>" with the wall clock (performance.timeOrigin + now) when its first piece was written.
//   node bench/lib/model-server.mjs [pieceCount] [delayMs]   → prints "model listening on PORT"
import { createServer } from 'node:http';

const pieces = Number(process.argv[2] ?? 8);
const delayMs = Number(process.argv[3] ?? 5);
const wall = () => performance.timeOrigin + performance.now();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const server = createServer((req, res) => {
  let body = '';
  req.on('data', (d) => (body += d));
  req.on('end', async () => {
    if (req.url !== '/v1/chat/completions') {
      res.writeHead(404).end('{}');
      return;
    }
    let parsed = {};
    try {
      parsed = JSON.parse(body);
    } catch {
      // recorded as an empty request
    }
    const model = parsed.model ?? 'm';
    const user = (parsed.messages ?? []).filter((m) => m.role === 'user').pop()?.content;
    const text = typeof user === 'string' ? user : Array.isArray(user) ? user.map((p) => p.text ?? '').join('') : '';
    console.log(`request ${JSON.stringify(text)}`);
    const chunk = (choices, extra = {}) => res.write(`data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 0, model, choices, ...extra })}\n\n`);
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    res.socket?.setNoDelay(true);
    chunk([{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }]);
    for (let i = 0; i < pieces; i++) {
      if (i > 0) await sleep(delayMs);
      if (res.destroyed) return;
      chunk([{ index: 0, delta: { content: `${i === 0 ? '' : ' '}w${i}` }, finish_reason: null }]);
      if (i === 0) console.log(`first-token ${wall().toFixed(3)}`);
    }
    chunk([{ index: 0, delta: {}, finish_reason: 'stop' }]);
    chunk([], { usage: { prompt_tokens: 1, completion_tokens: pieces, total_tokens: pieces + 1 } });
    res.end('data: [DONE]\n\n');
  });
});
server.listen(0, '127.0.0.1', () => console.log(`model listening on ${server.address().port}`));
process.on('SIGTERM', () => process.exit(0));
