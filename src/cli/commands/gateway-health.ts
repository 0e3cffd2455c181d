// `clawdbot gateway health`: RPC `health`, printed as "Gateway Health" / "OK (Nms)" (spec §15.2).

import { booleanFlag } from '../args';
import { printJson, runCommand } from '../command';
import { CONNECTION_FLAGS, connectionHelp, resolveConnection } from '../connection-options';
import { withGateway } from '../gateway-session';
import { channelLines, type HealthSummaryView } from '../health-format';

const HELP = `Usage: clawdbot gateway health [options]

Ask the gateway for its health.

Options:
  --expect-final     wait for a final response (two-phase methods)
${connectionHelp(10_000)}`;

export function run(args: string[]): Promise<number> {
  return runCommand(args, { name: 'gateway health', help: HELP, flags: { ...CONNECTION_FLAGS, 'expect-final': { type: 'boolean' } } }, async (ctx) => {
    const conn = resolveConnection(ctx.parsed, 10_000);
    ctx.target = conn.target;
    const started = performance.now();
    const summary = await withGateway(conn, (client) => client.request<HealthSummaryView>('health', undefined, { expectFinal: booleanFlag(ctx.parsed, 'expect-final') }));
    if (conn.json) {
      printJson(summary);
      return 0;
    }
    const ms = typeof summary?.durationMs === 'number' ? summary.durationMs : Math.round(performance.now() - started);
    process.stdout.write(['Gateway Health', `OK (${ms}ms)`, ...channelLines(summary ?? {})].join('\n') + '\n');
    return 0;
  });
}
