// What went wrong with a gateway connection or request, as a ClawdbotError with a class and a hint.
// The close code and reason are kept because the CLI prints them verbatim (spec §4.2, §15.2).

import { ClawdbotError, type ErrorClass } from '../shared/errors';
import type { ErrorShape } from '../shared/protocol/frames';

export interface GatewayErrorInit {
  closeCode?: number;
  closeReason?: string;
  /** The gateway's error response (connect or request). */
  serverError?: ErrorShape;
  /** A payload that rode along with an error response (the agent's failed second response). */
  payload?: unknown;
  /** The transport's own words, e.g. "connect ECONNREFUSED 127.0.0.1:18789". */
  cause?: string;
}

export class GatewayError extends ClawdbotError {
  readonly closeCode?: number;
  readonly closeReason?: string;
  readonly serverError?: ErrorShape;
  readonly payload?: unknown;
  readonly transportCause?: string;

  constructor(errorClass: ErrorClass, message: string, hint: string, init: GatewayErrorInit = {}) {
    const details: Record<string, unknown> = {};
    if (init.closeCode !== undefined) details.closeCode = init.closeCode;
    if (init.closeReason !== undefined) details.closeReason = init.closeReason;
    if (init.serverError) details.serverError = init.serverError;
    if (init.cause) details.cause = init.cause;
    super(errorClass, message, hint, { details });
    this.name = 'GatewayError';
    this.closeCode = init.closeCode;
    this.closeReason = init.closeReason;
    this.serverError = init.serverError;
    this.payload = init.payload;
    this.transportCause = init.cause;
  }
}

/** `gateway closed (1006 abnormal closure (no close frame)): no close reason`, as the reference CLI words it. */
export function describeClose(code: number, reason: string): string {
  const name = code === 1006 ? ' abnormal closure (no close frame)' : code === 1000 ? ' normal closure' : '';
  return `gateway closed (${code}${name}): ${reason || 'no close reason'}`;
}

const HINTS = {
  auth: 'Use the token or password the gateway was started with (gateway.auth.token / gateway.auth.password): pass --token or --password, or set gateway.remote.token in remote mode.',
  protocol: 'This gateway speaks another protocol version (OpenClaw 2026.9 and later speak v4); use a matching Clawdbot release.',
  unreachable: 'Start the gateway (clawdbot gateway run), or check the URL, the port and the SSH tunnel.',
  restart: 'The gateway is restarting; try again in a moment.',
  timeout: 'The gateway did not answer in time: check that it is running and reachable, or raise --timeout.',
  silent: 'The connection went silent (no tick for two intervals); it is being re-established.',
  client: 'The gateway rejected what this client sent; update Clawdbot or report it with the message.',
  request: 'The gateway refused the request; the message says why.',
} as const;

function pairingHint(details: unknown): string {
  const requestId = (details as { requestId?: unknown } | undefined)?.requestId;
  const id = typeof requestId === 'string' ? requestId : '<requestId>';
  return `Approve this device on the gateway host: clawdbot gateway call device.pair.approve --params '{"requestId":"${id}"}'`;
}

function rateLimitHint(e: ErrorShape): string {
  const s = typeof e.retryAfterMs === 'number' ? ` Wait ${Math.ceil(e.retryAfterMs / 1000)} s, then` : ' Wait a few minutes, then';
  return `Too many failed sign-ins from this address.${s} check the token or password.`;
}

function classifyServerError(e: ErrorShape): { errorClass: ErrorClass; hint: string } {
  const m = e.message;
  if (e.code === 'NOT_PAIRED') {
    return m.includes('pairing required') ? { errorClass: 'PairingRequired', hint: pairingHint(e.details) } : { errorClass: 'AuthFailed', hint: HINTS.auth };
  }
  if (m === 'protocol mismatch' || (e.details as { expectedProtocol?: unknown } | undefined)?.expectedProtocol !== undefined) {
    return { errorClass: 'ProtocolMismatch', hint: HINTS.protocol };
  }
  if (typeof e.retryAfterMs === 'number' || /rate.?limit|too many/i.test(m)) return { errorClass: 'RateLimited', hint: rateLimitHint(e) };
  if (/^unauthorized|^device |^missing scope|gateway auth required|control ui requires/.test(m)) return { errorClass: 'AuthFailed', hint: HINTS.auth };
  if (e.code === 'AGENT_TIMEOUT') return { errorClass: 'GatewayTimeout', hint: HINTS.timeout };
  return { errorClass: 'Internal', hint: HINTS.client };
}

/** The gateway answered `connect` with an error and then closed the socket. */
export function connectRejected(serverError: ErrorShape, closeCode: number, closeReason: string): GatewayError {
  const { errorClass, hint } = classifyServerError(serverError);
  return new GatewayError(errorClass, describeClose(closeCode, closeReason), hint, { closeCode, closeReason, serverError });
}

/** The socket closed without an error response (refused, dropped, restarted, slow consumer…). */
export function connectionClosed(closeCode: number, closeReason: string, cause?: string): GatewayError {
  const message = describeClose(closeCode, closeReason);
  const init = { closeCode, closeReason, cause };
  if (closeCode === 1012) return new GatewayError('GatewayUnreachable', message, HINTS.restart, init);
  if (closeCode === 1002) return new GatewayError('ProtocolMismatch', message, HINTS.protocol, init);
  if (closeCode === 1009) return new GatewayError('Internal', message, 'A frame was larger than the limit; report what you were doing.', init);
  if (closeCode === 4000) return new GatewayError('GatewayTimeout', message, HINTS.silent, init);
  return new GatewayError('GatewayUnreachable', message, HINTS.unreachable, init);
}

export function gatewayTimeout(ms: number, what?: string): GatewayError {
  return new GatewayError('GatewayTimeout', `gateway timeout after ${ms}ms${what ? ` (${what})` : ''}`, HINTS.timeout);
}

export function notConnected(): GatewayError {
  return new GatewayError('GatewayUnreachable', 'gateway not connected', 'Connect first (or wait for the reconnect); requests are not queued.');
}

export function clientClosed(): GatewayError {
  return new GatewayError('GatewayUnreachable', 'gateway client closed', 'The connection was closed by this program.');
}

export function badUrl(url: string, why: string): GatewayError {
  return new GatewayError('Config', `invalid gateway URL "${url}": ${why}`, 'Use ws://HOST:PORT or wss://HOST:PORT, for example ws://127.0.0.1:18789.');
}

/** A request answered with ok:false. The message is the gateway's, unchanged. */
export function requestFailed(serverError: ErrorShape, payload?: unknown): GatewayError {
  const { errorClass, hint } = classifyServerError(serverError);
  return new GatewayError(errorClass, serverError.message, errorClass === 'Internal' ? HINTS.request : hint, { serverError, payload });
}
