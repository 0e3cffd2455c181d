// The frames one model chunk produces for a client (the `agent` assistant event and the `chat` delta)
// leave the gateway in one socket write, so a tunnel forwards them as one packet (never a second small
// packet that Nagle could hold). Checked on the wire: a raw TCP proxy between client and gateway records
// what each read from the gateway delivered. Frames of separate ticks stay separate reads.

import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startGateway } from '../../support/gateway';
import { startModelServer } from '../../support/model-servers';
import { connectClient, type AnyFrame } from '../../support/ws-client';
import { providerConfig } from './harness';

const cleanups: Array<() => Promise<unknown> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await Promise.resolve(c()).catch(() => {});
});

/** Server → client WebSocket frames (unmasked, text) parsed from the byte stream, each with the reads it spans. */
interface WireFrame {
  text: string;
  firstRead: number;
  lastRead: number;
}

function wireParser(): { push(chunk: Buffer, read: number): void; frames: WireFrame[] } {
  const frames: WireFrame[] = [];
  let buf = Buffer.alloc(0);
  let startRead = 0;
  let handshakeDone = false;
  return {
    frames,
    push(chunk, read) {
      if (buf.length === 0) startRead = read;
      buf = Buffer.concat([buf, chunk]);
      if (!handshakeDone) {
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        buf = buf.subarray(end + 4);
        handshakeDone = true;
        startRead = read;
      }
      for (;;) {
        if (buf.length < 2) return;
        let len = buf[1]! & 0x7f;
        let off = 2;
        if (len === 126) {
          if (buf.length < 4) return;
          len = buf.readUInt16BE(2);
          off = 4;
        } else if (len === 127) {
          if (buf.length < 10) return;
          len = Number(buf.readBigUInt64BE(2));
          off = 10;
        }
        if (buf.length < off + len) return;
        frames.push({ text: buf.subarray(off, off + len).toString('utf8'), firstRead: startRead, lastRead: read });
        buf = buf.subarray(off + len);
        startRead = read;
      }
    },
  };
}

async function proxyTo(port: number): Promise<{ server: Server; port: number; parser: ReturnType<typeof wireParser> }> {
  const parser = wireParser();
  const sockets = new Set<Socket>();
  let reads = 0;
  const server = createServer((client) => {
    const upstream = createConnection({ host: '127.0.0.1', port });
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    sockets.add(client).add(upstream);
    client.pipe(upstream);
    upstream.on('data', (chunk: Buffer) => {
      parser.push(chunk, ++reads);
      client.write(chunk);
    });
    upstream.on('end', () => client.end());
    const kill = (): void => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', kill);
    upstream.on('error', kill);
    client.on('close', kill);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(() => {
    for (const s of sockets) s.destroy();
    return new Promise((r) => server.close(() => r(undefined)));
  });
  const addr = server.address();
  return { server, port: typeof addr === 'object' && addr ? addr.port : 0, parser };
}

describe('one socket write per model chunk', () => {
  it('the agent event and the chat delta of a chunk arrive in one read; separate chunks in separate reads', async () => {
    // 250 ms between pieces: each piece is its own tick on the gateway, and the delta throttle (150 ms)
    // lets every piece out with its own delta.
    const model = await startModelServer({ api: 'openai', delayMs: 250, pieces: ['one', ' two', ' three'] });
    cleanups.push(() => model.close());
    const stateDir = mkdtempSync(join(tmpdir(), 'clawdbot-coalesce-'));
    cleanups.push(() => rmSync(stateDir, { recursive: true, force: true }));
    const gw = await startGateway({ config: providerConfig(model.baseUrl), stateDir, env: { ANTHROPIC_API_KEY: '', OPENAI_API_KEY: '' } });
    cleanups.push(() => gw.stop('SIGKILL'));
    const proxy = await proxyTo(gw.port);
    const c = await connectClient(`ws://127.0.0.1:${proxy.port}`, { token: gw.token });
    cleanups.push(() => c.close());

    const runId = randomUUID();
    await c.request('chat.send', { sessionKey: 'main', message: 'hello', idempotencyKey: runId });
    await c.next((f: AnyFrame) => f.event === 'chat' && f.payload?.runId === runId && f.payload.state === 'final', 10_000);

    const parsed = proxy.parser.frames.map((w) => ({ ...w, frame: JSON.parse(w.text) as AnyFrame }));
    const ofRun = parsed.filter((w) => w.frame.payload?.runId === runId);
    const assistant = ofRun.filter((w) => w.frame.event === 'agent' && w.frame.payload.stream === 'assistant');
    const deltas = ofRun.filter((w) => w.frame.event === 'chat' && w.frame.payload.state === 'delta');
    expect(assistant.map((w) => w.frame.payload.data.delta)).toEqual(['one', ' two', ' three']);
    expect(deltas).toHaveLength(3);
    for (let i = 0; i < 3; i++) {
      const a = assistant[i]!;
      const d = deltas[i]!;
      // The agent event goes first, and both frames end in the same read from the gateway's socket.
      expect(parsed.indexOf(a)).toBeLessThan(parsed.indexOf(d));
      expect(d.frame.payload.seq).toBe(a.frame.payload.seq);
      expect(a.lastRead).toBe(d.lastRead);
      expect(d.firstRead).toBe(d.lastRead);
    }
    // Chunks 250 ms apart are not held back to be merged with one another.
    expect(new Set(assistant.map((w) => w.lastRead)).size).toBe(3);
  }, 30_000);
});
