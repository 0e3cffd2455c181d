// Printing failures the way the reference CLI does (§15.2): "Error: gateway closed (CODE): REASON"
// followed by where we tried to connect and why there. Request errors print the gateway's message.

import { GatewayError } from '../client/errors';
import { describeTarget, type ClientTarget } from '../config/client-target';
import { ClawdbotError } from '../shared/errors';
import type { UsageError } from './args';

/** True for failures of the connection itself (closed, refused, timed out), not of one request. */
function isConnectionFailure(err: unknown): boolean {
  return err instanceof GatewayError && !(err.serverError && err.closeCode === undefined);
}

export function reportFailure(err: unknown, target: ClientTarget | undefined, prefix = ''): void {
  const out: string[] = [];
  if (err instanceof GatewayError) {
    out.push(`${prefix}Error: ${err.message}`);
    if (target && isConnectionFailure(err)) out.push(...describeTarget(target));
  } else if (err instanceof ClawdbotError) {
    out.push(`${prefix}Error: ${err.message}`);
    if (!err.message.includes('\nFix: ')) out.push(`Fix: ${err.hint}`);
  } else {
    out.push(`${prefix}Error: ${err instanceof Error ? err.message : String(err)}`);
  }
  process.stderr.write(`${out.join('\n')}\n`);
}

export function reportUsage(err: UsageError, command: string): void {
  process.stderr.write(`clawdbot ${command}: ${err.message}\nRun "clawdbot ${command} --help" for the options.\n`);
}
