// `clawdbot gateway call <method> [--params JSON]`: any RPC, the result pretty-printed (spec §15.2).

import { booleanFlag, stringFlag, UsageError } from '../args';
import { printJson, runCommand } from '../command';
import { CONNECTION_FLAGS, connectionHelp, resolveConnection } from '../connection-options';
import { withGateway } from '../gateway-session';

const HELP = `Usage: clawdbot gateway call <method> [options]

Call any gateway method and print the result.
Example: clawdbot gateway call system-presence
         clawdbot gateway call chat.history --params '{"sessionKey":"main","limit":5}'

Options:
  --params JSON      the method's params as a JSON object (default {})
  --expect-final     for two-phase methods (agent): wait for the final response
${connectionHelp(10_000)}`;

function parseParams(text: string | undefined): unknown {
  if (text === undefined) return {};
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new UsageError(`--params is not valid JSON (${why}). Quote it for the shell, for example --params '{"limit":5}'`);
  }
}

export function run(args: string[]): Promise<number> {
  const flags = { ...CONNECTION_FLAGS, params: { type: 'string' as const, valueName: 'json' }, 'expect-final': { type: 'boolean' as const } };
  return runCommand(args, { name: 'gateway call', help: HELP, flags, failurePrefix: 'Gateway call failed: ' }, async (ctx) => {
    const [method, extra] = ctx.parsed.positionals;
    if (!method) throw new UsageError('missing <method>, for example: clawdbot gateway call health');
    if (extra !== undefined) throw new UsageError(`unexpected argument "${extra}"; pass params with --params JSON`);
    const params = parseParams(stringFlag(ctx.parsed, 'params'));
    const conn = resolveConnection(ctx.parsed, 10_000);
    ctx.target = conn.target;
    const expectFinal = booleanFlag(ctx.parsed, 'expect-final');
    const result = await withGateway(conn, (client) => client.request(method, params, { expectFinal }));
    if (!conn.json) process.stdout.write(`Gateway call: ${method}\n`);
    printJson(result ?? null);
    return 0;
  });
}
