// Every problem with a target or an ssh_config becomes a non-retryable 'SshConfig' error with a hint.
import { ClawdbotError } from '../../shared/errors';

export function sshConfigError(message: string, hint: string, cause?: unknown): ClawdbotError {
  return new ClawdbotError('SshConfig', message, hint, cause === undefined ? undefined : { cause });
}
