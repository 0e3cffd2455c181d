// Shared-secret auth of a connect (spec §8.2) and the exact failure messages the CLI prints (§4.2).

import type { ServerAuth } from '../../config/gateway-settings';
import { safeEqualSecret } from './safe-equal';

export type AuthFailure =
  | 'token_missing'
  | 'token_mismatch'
  | 'token_missing_config'
  | 'password_missing'
  | 'password_mismatch'
  | 'password_missing_config'
  | 'tailscale_user_missing'
  | 'tailscale_proxy_missing'
  | 'unauthorized';

export type SharedAuthResult = { ok: true; method: 'token' | 'password' } | { ok: false; reason: AuthFailure };

export function checkSharedSecret(auth: ServerAuth, sent: { token?: string; password?: string } | undefined): SharedAuthResult {
  if (auth.mode === 'token') {
    if (!auth.token) return { ok: false, reason: 'token_missing_config' };
    if (!sent?.token) return { ok: false, reason: 'token_missing' };
    return safeEqualSecret(sent.token, auth.token) ? { ok: true, method: 'token' } : { ok: false, reason: 'token_mismatch' };
  }
  if (!auth.password) return { ok: false, reason: 'password_missing_config' };
  if (!sent?.password) return { ok: false, reason: 'password_missing' };
  return safeEqualSecret(sent.password, auth.password) ? { ok: true, method: 'password' } : { ok: false, reason: 'password_mismatch' };
}

type Audience = 'cli' | 'ui' | 'other';

function audience(client: { id: string; mode: string }): Audience {
  if (client.mode === 'cli') return 'cli';
  if (client.id === 'clawdbot-control-ui' || client.id === 'webchat-ui' || client.mode === 'webchat') return 'ui';
  return 'other';
}

const TOKEN_HINT: Record<Audience, string> = {
  cli: 'set gateway.remote.token to match gateway.auth.token',
  ui: 'open a tokenized dashboard URL or paste token in Control UI settings',
  other: 'provide gateway auth token',
};

const PASSWORD_HINT: Record<Audience, string> = {
  cli: 'set gateway.remote.password to match gateway.auth.password',
  ui: 'enter the password in Control UI settings',
  other: 'provide gateway auth password',
};

export function authFailureMessage(reason: AuthFailure, client: { id: string; mode: string }): string {
  const who = audience(client);
  switch (reason) {
    case 'token_missing':
      return `unauthorized: gateway token missing (${TOKEN_HINT[who]})`;
    case 'token_mismatch':
      return `unauthorized: gateway token mismatch (${TOKEN_HINT[who]})`;
    case 'token_missing_config':
      return 'unauthorized: gateway token not configured on gateway (set gateway.auth.token)';
    case 'password_missing':
      return `unauthorized: gateway password missing (${PASSWORD_HINT[who]})`;
    case 'password_mismatch':
      return `unauthorized: gateway password mismatch (${PASSWORD_HINT[who]})`;
    case 'password_missing_config':
      return 'unauthorized: gateway password not configured on gateway (set gateway.auth.password)';
    case 'tailscale_user_missing':
      return 'unauthorized: tailscale identity missing (use Tailscale Serve auth or gateway token/password)';
    case 'tailscale_proxy_missing':
      return 'unauthorized: tailscale proxy headers missing (use Tailscale Serve or gateway token/password)';
    case 'unauthorized':
      return 'unauthorized';
  }
}
