// `clawdbot agent` / `clawdbot gateway agent --message TEXT [--session KEY]`: runs the agent on one
// message and streams the reply to the terminal. Uses the two-phase `agent` method (spec §9.4).

import { randomUUID } from 'node:crypto';
import { GatewayError } from '../../client/errors';
import { booleanFlag, stringFlag, UsageError } from '../args';
import { printJson, runCommand } from '../command';
import { CONNECTION_FLAGS, connectionHelp, resolveConnection } from '../connection-options';
import { withGateway } from '../gateway-session';
import { followRun, ReplyPrinter } from '../reply-stream';

const HELP = `Usage: clawdbot agent --message TEXT [options]
       clawdbot gateway agent --message TEXT [options]

Run the agent on one message and stream its reply.

Options:
  -m, --message TEXT   the message (required)
  --session KEY        the session (default: the gateway's main session)
  --thinking LEVEL     thinking level for this run (off, low, medium, high)
  --deliver            also deliver the reply through the session's channel
${connectionHelp(600_000)}`;

interface AgentFinal {
  runId?: string;
  status?: string;
  result?: { payloads?: Array<{ text?: string }> };
}

export function run(args: string[]): Promise<number> {
  const flags = {
    ...CONNECTION_FLAGS,
    message: { type: 'string' as const, short: 'm', valueName: 'text' },
    session: { type: 'string' as const, valueName: 'key' },
    thinking: { type: 'string' as const, valueName: 'level' },
    deliver: { type: 'boolean' as const },
  };
  return runCommand(args, { name: 'agent', help: HELP, flags }, async (ctx) => {
    const p = ctx.parsed;
    const message = stringFlag(p, 'message') ?? (p.positionals.length ? p.positionals.join(' ') : undefined);
    if (!message?.trim()) throw new UsageError('missing --message, for example: clawdbot agent --message "hello"');
    const conn = resolveConnection(p, 600_000);
    ctx.target = conn.target;
    const printer = new ReplyPrinter((t) => process.stdout.write(t));
    const final = await withGateway(conn, async (client, hello) => {
      const sessionKey = stringFlag(p, 'session') ?? hello.snapshot.sessionDefaults?.mainSessionKey ?? 'agent:main:main';
      const idempotencyKey = randomUUID();
      const follow = conn.json ? undefined : followRun(client, idempotencyKey, printer);
      try {
        return await client.request<AgentFinal>('agent', {
          message,
          idempotencyKey,
          sessionKey,
          ...(stringFlag(p, 'thinking') ? { thinking: stringFlag(p, 'thinking') } : {}),
          ...(booleanFlag(p, 'deliver') ? { deliver: true } : {}),
        }, { expectFinal: true });
      } finally {
        follow?.stop();
      }
    }).catch((err: unknown) => {
      if (printer.text) process.stdout.write('\n');
      if (err instanceof GatewayError && conn.json && err.payload !== undefined) printJson(err.payload);
      throw err;
    });
    if (conn.json) {
      printJson(final);
      return 0;
    }
    const text = (final?.result?.payloads ?? []).map((x) => x.text ?? '').filter(Boolean).join('\n\n');
    if (text) printer.update(text);
    process.stdout.write(printer.text ? '\n' : '(no reply text)\n');
    return 0;
  });
}
