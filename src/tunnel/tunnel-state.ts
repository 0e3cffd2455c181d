// The tunnel's states, as the desktop and the CLI see them.

import type { ErrorClass } from '../shared/errors';

export type TunnelState =
  /** The first attempt (or the first after kick() from failed) is running. */
  | { state: 'connecting'; attempt: number }
  /** SSH is up and the remote gateway port answers (and the health probe passed, when there is one). */
  | { state: 'ready' }
  /** SSH is up, but nothing accepts connections on the remote gateway port, or the health probe failed. */
  | { state: 'gateway-down'; errorClass: ErrorClass; reason: string; hint: string }
  /** SSH is down for a retryable reason; the next attempt starts in nextInMs. */
  | { state: 'reconnecting'; attempt: number; nextInMs: number; errorClass: ErrorClass; reason: string }
  /** Stopped for a reason retrying will not fix (auth, host key, config); kick() tries again. */
  | { state: 'failed'; errorClass: ErrorClass; reason: string; hint: string }
  | { state: 'stopped' };

export type TunnelStateName = TunnelState['state'];

/** One line for logs and the CLI, e.g. "reconnecting (attempt 3, next in 0.8 s): SshTimeout: box:22 stopped answering". */
export function describeState(s: TunnelState): string {
  switch (s.state) {
    case 'connecting':
      return s.attempt > 1 ? `connecting (attempt ${s.attempt})` : 'connecting';
    case 'ready':
      return 'ready';
    case 'gateway-down':
      return `gateway down: ${s.reason} (${s.hint})`;
    case 'reconnecting':
      return `reconnecting (attempt ${s.attempt}, next in ${(s.nextInMs / 1000).toFixed(1)} s): ${s.errorClass}: ${s.reason}`;
    case 'failed':
      return `failed: ${s.errorClass}: ${s.reason} (${s.hint})`;
    case 'stopped':
      return 'stopped';
  }
}
