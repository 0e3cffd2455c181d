// Errors that reach a user carry a class (what went wrong, machine-readable) and a hint (the one
// sentence that says what to do). Retryable classes are network trouble; the rest stop and ask.

export type ErrorClass =
  | 'Config'
  | 'PortInUse'
  | 'GatewayLocked'
  | 'AuthFailed'
  | 'RateLimited'
  | 'PairingRequired'
  | 'ProtocolMismatch'
  | 'GatewayUnreachable'
  | 'GatewayTimeout'
  | 'RemoteGatewayDown'
  | 'DnsFailed'
  | 'TcpFailed'
  | 'SshTimeout'
  | 'SshReset'
  | 'SshAuthFailed'
  | 'HostKeyUnknown'
  | 'HostKeyChanged'
  | 'HostKeyRevoked'
  | 'SshConfig'
  | 'GatewayCrashLoop'
  | 'Internal';

const RETRYABLE: ReadonlySet<ErrorClass> = new Set<ErrorClass>([
  'GatewayUnreachable', 'GatewayTimeout', 'RemoteGatewayDown', 'DnsFailed', 'TcpFailed', 'SshTimeout', 'SshReset',
]);

export function isRetryable(errorClass: ErrorClass): boolean {
  return RETRYABLE.has(errorClass);
}

export class ClawdbotError extends Error {
  readonly errorClass: ErrorClass;
  readonly hint: string;
  readonly details?: Record<string, unknown>;

  constructor(errorClass: ErrorClass, message: string, hint: string, options?: { cause?: unknown; details?: Record<string, unknown> }) {
    super(message, options?.cause !== undefined ? { cause: options.cause } : undefined);
    this.name = 'ClawdbotError';
    this.errorClass = errorClass;
    this.hint = hint;
    if (options?.details) this.details = options.details;
  }

  get retryable(): boolean {
    return isRetryable(this.errorClass);
  }

  /** The serialisable form used in DesktopState and diagnostics. */
  toJSON(): ErrorInfo {
    return { errorClass: this.errorClass, message: this.message, hint: this.hint, retryable: this.retryable };
  }
}

export interface ErrorInfo {
  errorClass: ErrorClass;
  message: string;
  hint: string;
  retryable: boolean;
}

export function toErrorInfo(err: unknown): ErrorInfo {
  if (err instanceof ClawdbotError) return err.toJSON();
  const message = err instanceof Error ? err.message : String(err);
  return { errorClass: 'Internal', message, hint: 'This is unexpected; copy the diagnostics and report it.', retryable: false };
}
