// The Control UI opened without a token. The gateway would refuse the connect with "device identity
// required" (its wire behaviour, kept as the reference has it), which names neither the token nor
// where to find it; so the page does not connect and asks for the token straight away.
import type { ErrorInfo } from '../../shared/errors';

export const TOKEN_NEEDED: ErrorInfo = {
  errorClass: 'AuthFailed',
  message: 'This page needs the gateway token.',
  hint: "Paste gateway.auth.token from ~/.clawdbot/clawdbot.json on the gateway's machine, or open this page with ?token=TOKEN added to its address.",
  retryable: false,
};

export function isTokenNeeded(error: ErrorInfo | null | undefined): boolean {
  return error?.errorClass === TOKEN_NEEDED.errorClass && error.message === TOKEN_NEEDED.message;
}
