// `clawdbot health`: the gateway's health as a summary (agents, heartbeat, session stores), reaching
// the gateway the config says (gateway.mode / gateway.remote.*). --verbose probes and shows the target.

import { describeTarget } from '../../config/client-target';
import { booleanFlag } from '../args';
import { printJson, runCommand } from '../command';
import { CONNECTION_FLAGS, connectionHelp, resolveConnection } from '../connection-options';
import { withGateway } from '../gateway-session';
import { healthSummaryLines, type HealthSummaryView } from '../health-format';

const HELP = `Usage: clawdbot health [options]

The gateway's health: agents, heartbeat and session stores. The gateway is the one your config points
at (gateway.mode, gateway.remote.url); the connection options below override it.

Options:
  --verbose, --debug  ask the gateway to probe now, and show the target first
${connectionHelp(10_000)}`;

export function run(args: string[]): Promise<number> {
  const flags = { ...CONNECTION_FLAGS, verbose: { type: 'boolean' as const }, debug: { type: 'boolean' as const } };
  return runCommand(args, { name: 'health', help: HELP, flags }, async (ctx) => {
    const conn = resolveConnection(ctx.parsed, 10_000);
    ctx.target = conn.target;
    const verbose = booleanFlag(ctx.parsed, 'verbose') || booleanFlag(ctx.parsed, 'debug');
    if (verbose && !conn.json) {
      const lines = describeTarget(conn.target).filter((l) => !l.startsWith('Bind: '));
      process.stdout.write(`Gateway connection:\n${lines.map((l) => `  ${l}`).join('\n')}\n`);
    }
    const summary = await withGateway(conn, (client) => client.request<HealthSummaryView>('health', verbose ? { probe: true } : undefined));
    if (conn.json) printJson(summary);
    else process.stdout.write(`${healthSummaryLines(summary ?? {}, Date.now()).join('\n')}\n`);
    return 0;
  });
}
