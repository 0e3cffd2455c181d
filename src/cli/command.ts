// The frame every command runs in: parse its own flags, answer --help, turn bad input and config
// problems into a clear message, and map the outcome to exit code 0 or 1.

import type { ClientTarget } from '../config/client-target';
import { parseArgs, UsageError, type FlagSpecs, type ParsedArgs } from './args';
import { reportFailure, reportUsage } from './report-error';

export interface CommandSpec {
  /** As typed after `clawdbot`, e.g. "gateway health". */
  name: string;
  help: string;
  flags: FlagSpecs;
  /** Prefix for failure lines ("Gateway call failed: "). */
  failurePrefix?: string;
}

export interface CommandContext {
  parsed: ParsedArgs;
  /** Set by the command once resolved, so that a failure can name the target. */
  target?: ClientTarget;
}

export async function runCommand(args: string[], spec: CommandSpec, body: (ctx: CommandContext) => Promise<number>): Promise<number> {
  let ctx: CommandContext | undefined;
  try {
    const parsed = parseArgs(args, spec.flags);
    if (parsed.help) {
      process.stdout.write(spec.help);
      return 0;
    }
    ctx = { parsed };
    return await body(ctx);
  } catch (err) {
    if (err instanceof UsageError) reportUsage(err, spec.name);
    else reportFailure(err, ctx?.target, spec.failurePrefix);
    return 1;
  }
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
