// `clawdbot agent` / `clawdbot gateway agent --message TEXT [--session KEY]`: runs the agent on one
// message and streams the reply to the terminal. Uses the two-phase `agent` method (spec §9.4).
// Ctrl-C stops the run on the gateway too (chat.abort), so no reply keeps streaming to nobody.

import { randomUUID } from 'node:crypto';
import { GatewayError } from '../../client/errors';
import { booleanFlag, stringFlag, UsageError } from '../args';
import { printJson, runCommand } from '../command';
import { CONNECTION_FLAGS, connectionHelp, resolveConnection } from '../connection-options';
import { withGateway } from '../gateway-session';
import { followRun, ReplyPrinter } from '../reply-stream';

const HELP = `Usage: clawdbot agent --message TEXT [options]
       clawdbot gateway agent --message TEXT [options]

Run the agent on one message and stream its reply. Ctrl-C stops the reply (on the gateway too);
a second Ctrl-C quits at once.

Options:
  -m, --message TEXT   the message (required)
  --session KEY        the session (default: the gateway's main session)
  --thinking LEVEL     thinking level for this run (off, low, medium, high)
  --deliver            also deliver the reply through the session's channel
${connectionHelp(600_000)}`;

interface AgentFinal {
  runId?: string;
  status?: string;
  result?: { payloads?: Array<{ text?: string }>; meta?: { aborted?: boolean } };
}

/** The exit code of a command stopped with Ctrl-C (128 + SIGINT), as shells report it. */
const INTERRUPTED_EXIT_CODE = 130;

/**
 * Ctrl-C while the run is going: ask the gateway to abort it. The abort waits for the gateway's
 * "accepted" answer, before which the run does not exist there yet. A second Ctrl-C quits at once.
 */
class RunInterrupter {
  interrupted = false;
  private accepted = false;
  private readonly onSigint = (): void => {
    if (this.interrupted) process.exit(INTERRUPTED_EXIT_CODE);
    this.interrupted = true;
    if (this.accepted) this.abort();
  };

  constructor(private readonly abort: () => void) {
    process.on('SIGINT', this.onSigint);
  }

  onAccepted(): void {
    this.accepted = true;
    if (this.interrupted) this.abort();
  }

  dispose(): void {
    process.off('SIGINT', this.onSigint);
  }
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
    let interrupted = false;
    const final = await withGateway(conn, async (client, hello) => {
      const sessionKey = stringFlag(p, 'session') ?? hello.snapshot.sessionDefaults?.mainSessionKey ?? 'agent:main:main';
      const idempotencyKey = randomUUID();
      const follow = conn.json ? undefined : followRun(client, idempotencyKey, printer);
      const interrupter = new RunInterrupter(() => void client.request('chat.abort', { sessionKey, runId: idempotencyKey }).catch(() => undefined));
      try {
        return await client.request<AgentFinal>('agent', {
          message,
          idempotencyKey,
          sessionKey,
          ...(stringFlag(p, 'thinking') ? { thinking: stringFlag(p, 'thinking') } : {}),
          ...(booleanFlag(p, 'deliver') ? { deliver: true } : {}),
        }, { expectFinal: true, onAccepted: () => interrupter.onAccepted() });
      } finally {
        interrupted = interrupter.interrupted;
        interrupter.dispose();
        follow?.stop();
      }
    }).catch((err: unknown) => {
      if (printer.text) process.stdout.write('\n');
      if (err instanceof GatewayError && conn.json && err.payload !== undefined) printJson(err.payload);
      throw err;
    });
    const aborted = final?.result?.meta?.aborted === true;
    // A run stopped here exits as an interrupted command; one stopped elsewhere (/stop) as a failure.
    const code = aborted ? (interrupted ? INTERRUPTED_EXIT_CODE : 1) : 0;
    if (conn.json) {
      printJson(final);
      return code;
    }
    const text = (final?.result?.payloads ?? []).map((x) => x.text ?? '').filter(Boolean).join('\n\n');
    if (text) printer.update(text);
    if (aborted) process.stdout.write(`${printer.text ? '\n' : ''}(stopped)\n`);
    else process.stdout.write(printer.text ? '\n' : '(no reply text)\n');
    return code;
  });
}
