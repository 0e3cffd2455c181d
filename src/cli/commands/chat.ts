// `clawdbot chat`: a small interactive chat with the agent on one session, in the terminal. Each line
// is a `chat.send`; the reply streams in from `chat`/`agent` events. Ctrl-C stops a reply (chat.abort),
// Ctrl-C at the prompt, Ctrl-D or /exit quits.

import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import type { GatewayClient } from '../../client/gateway-client';
import type { GatewayError } from '../../client/errors';
import { stringFlag, UsageError } from '../args';
import { runCommand } from '../command';
import { CONNECTION_FLAGS, connectionHelp, resolveConnection } from '../connection-options';
import { withGateway } from '../gateway-session';
import { followRun, ReplyPrinter, type RunOutcome } from '../reply-stream';

const HELP = `Usage: clawdbot chat [options]

Chat with the agent in the terminal, on one session. Type a message and press Enter.
/exit (or Ctrl-D) quits; Ctrl-C stops a reply that is streaming. The gateway also understands
/new, /reset, /status, /help and /stop.

Options:
  --session KEY      the session (default: the gateway's main session)
  --history N        show the last N messages first (default 10, 0 for none)
${connectionHelp(600_000).replace('give up after MS milliseconds', 'give up on a reply after MS milliseconds')}`;

interface HistoryMessage {
  role?: string;
  content?: Array<{ type?: string; text?: string }> | string;
}

function historyText(m: HistoryMessage): string {
  if (typeof m.content === 'string') return m.content;
  return (m.content ?? []).filter((c) => c.type === 'text').map((c) => c.text ?? '').join('');
}

async function showHistory(client: GatewayClient, sessionKey: string, limit: number): Promise<void> {
  if (limit <= 0) return;
  const h = await client.request<{ messages?: HistoryMessage[] }>('chat.history', { sessionKey, limit });
  for (const m of h?.messages ?? []) {
    const text = historyText(m);
    if (text) process.stdout.write(`${m.role === 'user' ? 'you' : (m.role ?? 'assistant')}: ${text}\n`);
  }
}

function parseCount(text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > 1000) throw new UsageError(`option '--history' needs a number of messages from 0 to 1000, not "${text}"`);
  return n;
}

function outcomeLine(o: RunOutcome): string {
  if (o.state === 'error') return `${o.text ? '\n' : ''}Error: ${o.errorMessage ?? 'the run failed'}\n`;
  if (o.state === 'aborted') return `${o.text ? '\n' : ''}(stopped${o.stopReason ? `: ${o.stopReason}` : ''})\n`;
  return o.text ? '\n' : '(no reply text)\n';
}

export function run(args: string[]): Promise<number> {
  const flags = { ...CONNECTION_FLAGS, session: { type: 'string' as const, valueName: 'key' }, history: { type: 'string' as const, valueName: 'n' } };
  return runCommand(args, { name: 'chat', help: HELP, flags }, async (ctx) => {
    const p = ctx.parsed;
    const conn = resolveConnection(p, 600_000);
    ctx.target = conn.target;
    const replyTimeoutMs = conn.timeoutMs;
    const historyLimit = parseCount(stringFlag(p, 'history'), 10);
    await withGateway({ ...conn, timeoutMs: 0 }, async (client, hello) => {
      const sessionKey = stringFlag(p, 'session') ?? hello.snapshot.sessionDefaults?.mainSessionKey ?? 'agent:main:main';
      const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: process.stdin.isTTY === true });
      // Iterate from the start: lines typed (or piped) while the history loads are buffered, not lost.
      const lines = rl[Symbol.asyncIterator]();
      let closedBy: GatewayError | undefined;
      client.on('close', (ev) => {
        closedBy = ev.error;
        rl.close();
      });
      let current: { runId: string } | undefined;
      rl.on('SIGINT', () => {
        if (current) void client.request('chat.abort', { sessionKey, runId: current.runId }).catch(() => undefined);
        else rl.close();
      });
      process.stdout.write(`Chatting on ${sessionKey} at ${conn.target.url}. /exit or Ctrl-D quits.\n`);
      await showHistory(client, sessionKey, historyLimit);
      rl.setPrompt('you> ');
      rl.prompt();
      for await (const line of lines) {
        const message = line.trim();
        if (message === '/exit' || message === '/quit') break;
        if (message) {
          const runId = randomUUID();
          const printer = new ReplyPrinter((t) => process.stdout.write(t));
          const follow = followRun(client, runId, printer);
          current = { runId };
          let timer: ReturnType<typeof setTimeout> | undefined;
          try {
            const ack = await client.request<{ status?: string; aborted?: boolean; runIds?: string[] }>('chat.send', { sessionKey, message, idempotencyKey: runId });
            if (ack?.status === 'started' || ack?.status === 'in_flight') {
              process.stdout.write('agent> ');
              const timeout = new Promise<RunOutcome>((resolve) => {
                timer = setTimeout(() => resolve({ state: 'error', text: printer.text, errorMessage: `no reply within ${replyTimeoutMs}ms` }), replyTimeoutMs);
              });
              process.stdout.write(outcomeLine(await Promise.race([follow.done, timeout])));
            } else if (ack?.aborted !== undefined) {
              process.stdout.write(`(stopped ${ack.runIds?.length ?? 0} run(s))\n`);
            }
          } catch (err) {
            if (closedBy) break;
            process.stdout.write(`Error: ${err instanceof Error ? err.message : String(err)}\n`);
          } finally {
            clearTimeout(timer);
            follow.stop();
            current = undefined;
          }
        }
        rl.prompt();
      }
      rl.close();
      if (closedBy) throw closedBy;
    });
    return 0;
  });
}
