// The seam between the gateway's server (connections, auth, framing) and its methods.
// A method module exports handlers; the server authorizes (role, scope), validates nothing else, and
// hands each request to its handler with the caller and a responder.

import type { ErrorShape, Role } from '../../shared/protocol/frames';

export interface Caller {
  connId: string;
  clientId: string;
  clientMode: string;
  displayName?: string;
  role: Role;
  scopes: string[];
  deviceId?: string;
  /** Client IP after trusted-proxy handling. */
  remoteIp?: string;
  /** Loopback (so every SSH-tunnelled client) or this host's tailnet address. */
  isLocal: boolean;
  /** A unicast event, sent without seq (e.g. node.invoke.request). */
  sendEvent(event: string, payload: unknown): void;
}

export interface Responder {
  ok(payload?: unknown): void;
  /** `payload` rides along with the error where the spec says so (the agent's second response). */
  error(error: ErrorShape, payload?: unknown): void;
}

export interface BroadcastOptions {
  /** Skipped for a client whose send buffer is over the limit, instead of closing it (spec §1). */
  dropIfSlow?: boolean;
  /** Attach stateVersion (health and presence only). */
  withStateVersion?: boolean;
  /** Only to operators holding this scope (or admin). */
  requireScope?: 'operator.pairing' | 'operator.approvals';
}

export type Broadcast = (event: string, payload: unknown, options?: BroadcastOptions) => void;

export interface MethodCall<Services> {
  requestId: string;
  method: string;
  /** The request's params, `{}` when absent. */
  params: Record<string, unknown>;
  caller: Caller;
  respond: Responder;
  services: Services;
}

export type MethodHandler<Services> = (call: MethodCall<Services>) => void | Promise<void>;

export type MethodTable<Services> = Record<string, MethodHandler<Services>>;

/** Helpers for the common error shapes. */
export function invalidRequest(message: string, details?: unknown): ErrorShape {
  return details === undefined ? { code: 'INVALID_REQUEST', message } : { code: 'INVALID_REQUEST', message, details };
}

export function unavailable(message: string, details?: unknown): ErrorShape {
  return details === undefined ? { code: 'UNAVAILABLE', message } : { code: 'UNAVAILABLE', message, details };
}

/** The gateway's structured logger (JSON lines to the file, readable lines to stderr). Never log secrets. */
export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}
