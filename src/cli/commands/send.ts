// `clawdbot gateway send --to TARGET --message TEXT`: delivers a message through a channel (`send`,
// spec §9.5). Without --channel the gateway's default channel is used.

import { randomUUID } from 'node:crypto';
import { GatewayError } from '../../client/errors';
import { stringFlag, UsageError } from '../args';
import { printJson, runCommand } from '../command';
import { CONNECTION_FLAGS, connectionHelp, resolveConnection } from '../connection-options';
import { withGateway } from '../gateway-session';

const HELP = `Usage: clawdbot gateway send --to TARGET --message TEXT [options]

Send a message through one of the gateway's channels.
Example: clawdbot gateway send --channel webchat --to main --message "Back in 5 minutes"

Options:
  --to TARGET          recipient: a chat id, phone number, or for webchat a session key (required)
  -m, --message TEXT   the message (required)
  --channel NAME       the channel (default: the gateway's default, whatsapp on the reference)
  --media URL          attach media by URL
${connectionHelp(10_000)}`;

interface SendResult {
  runId?: string;
  messageId?: string;
  channel?: string;
}

export function run(args: string[]): Promise<number> {
  const flags = {
    ...CONNECTION_FLAGS,
    to: { type: 'string' as const, valueName: 'target' },
    message: { type: 'string' as const, short: 'm', valueName: 'text' },
    channel: { type: 'string' as const, valueName: 'name' },
    media: { type: 'string' as const, valueName: 'url' },
  };
  return runCommand(args, { name: 'gateway send', help: HELP, flags }, async (ctx) => {
    const p = ctx.parsed;
    const to = stringFlag(p, 'to');
    const message = stringFlag(p, 'message');
    if (!to) throw new UsageError('missing --to TARGET');
    if (message === undefined) throw new UsageError('missing --message TEXT');
    const channel = stringFlag(p, 'channel');
    const media = stringFlag(p, 'media');
    const conn = resolveConnection(p, 10_000);
    ctx.target = conn.target;
    const params = { to, message, idempotencyKey: randomUUID(), ...(channel ? { channel } : {}), ...(media ? { mediaUrl: media } : {}) };
    let result: SendResult | undefined;
    try {
      result = await withGateway(conn, (client) => client.request<SendResult>('send', params));
    } catch (err) {
      if (!(err instanceof GatewayError && /^unsupported channel: /.test(err.message))) throw err;
      process.stderr.write(`Error: ${err.message}\nFix: this gateway has no such channel; to post into one of its sessions use --channel webchat --to SESSION.\n`);
      return 1;
    }
    if (conn.json) printJson(result);
    else process.stdout.write(`Sent via ${result?.channel ?? channel ?? 'the default channel'}${result?.messageId ? ` (message ${result.messageId})` : ''}.\n`);
    return 0;
  });
}
