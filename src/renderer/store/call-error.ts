import type { DesktopCallError } from '../../shared/desktop-api';
import type { ErrorInfo } from '../../shared/errors';

/** Calls reject with a DesktopCallError; anything else (a dropped socket) is turned into the same shape. */
export function toCallErrorInfo(err: unknown): ErrorInfo {
  const info = (err as Partial<DesktopCallError> | null)?.info;
  if (info && typeof info.message === 'string') return info;
  const message = err instanceof Error ? err.message : String(err);
  return { errorClass: 'Internal', message, hint: 'Try again; if it keeps failing, copy the diagnostics.', retryable: true };
}
