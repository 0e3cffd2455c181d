// The `connect` request (spec §2.3): every check in the reference's order, with its exact message and
// close code. Returns who the client is, or the error to send before closing.

import { SCOPES, PROTOCOL_VERSION, type ConnectParams, type ErrorShape, type RequestFrame, type Role } from '../shared/protocol/frames';
import { checkConnectParams } from '../shared/protocol/validators';
import type { AuthRateLimiter } from './auth/rate-limiter';
import { authFailureMessage, checkSharedSecret } from './auth/shared-secret';
import { isTailscaleProxyRequest, verifyTailscaleUser, type TailscaleHeaders } from './auth/tailscale';
import type { GatewayContext } from './context';
import { checkDevice } from './devices/identity';
import type { DeviceToken } from './devices/store';
import { invalidRequest } from './methods/types';
import { isLoopbackIp, type PeerInfo } from './net/peer';
import { gatewayConfig } from '../config/effective';

export type AuthMethod = 'token' | 'password' | 'device-token' | 'tailscale';

export interface HandshakeOk {
  ok: true;
  params: ConnectParams;
  role: Role;
  scopes: string[];
  authMethod: AuthMethod;
  deviceId?: string;
  deviceToken?: DeviceToken;
}

export interface HandshakeFailure {
  ok: false;
  error: ErrorShape;
  closeCode: number;
  /** The close reason when it differs from error.message. */
  reason?: string;
}

export interface HandshakeInput {
  frame: RequestFrame;
  nonce: string;
  peer: PeerInfo;
  tailscale: TailscaleHeaders;
}

const fail = (error: ErrorShape, closeCode = 1008, reason?: string): HandshakeFailure => ({ ok: false, error, closeCode, reason });
const notPaired = (message: string, details?: unknown): ErrorShape => (details === undefined ? { code: 'NOT_PAIRED', message } : { code: 'NOT_PAIRED', message, details });

export async function runHandshake(ctx: GatewayContext, limiter: AuthRateLimiter, input: HandshakeInput): Promise<HandshakeOk | HandshakeFailure> {
  const { frame, peer } = input;
  if (frame.method !== 'connect') return fail(invalidRequest('invalid handshake: first request must be connect'));

  const checked = checkConnectParams(frame.params);
  if (!checked.ok) return fail(invalidRequest(`invalid connect params: ${checked.message}`));
  const params = checked.value;

  if (params.maxProtocol < PROTOCOL_VERSION || params.minProtocol > PROTOCOL_VERSION) {
    return fail(invalidRequest('protocol mismatch', { expectedProtocol: PROTOCOL_VERSION }), 1002);
  }
  const role = params.role ?? 'operator';
  if (role !== 'operator' && role !== 'node') return fail(invalidRequest('invalid role'));
  const scopes = params.scopes && params.scopes.length > 0 ? [...params.scopes] : role === 'operator' ? [SCOPES.admin] : [];

  const gw = gatewayConfig(ctx.config.get());
  const isControlUi = params.client.id === 'clawdbot-control-ui';
  const device = params.device;
  if (!device) {
    if (isControlUi && !gw.controlUi.allowInsecureAuth) return fail(invalidRequest('control ui requires HTTPS or localhost (secure context)'));
    const hasToken = !!params.auth?.token;
    const uiPassword = isControlUi && gw.controlUi.allowInsecureAuth && !!params.auth?.password;
    if (!hasToken && !uiPassword) return fail(notPaired('device identity required'));
  }

  let devicePublicKey: string | undefined;
  if (device) {
    const d = checkDevice(params, role, { challengeNonce: input.nonce, isLocal: peer.isLocal, now: Date.now() });
    if (!d.ok) return fail(invalidRequest(d.message));
    devicePublicKey = d.publicKey;
  }

  // Loopback peers are exempt; anyone else is locked out after too many failures. A success does not
  // clear the count: behind a shared address, one user's success must not reset another's guesses.
  const limitKey = peer.isLocal && isLoopbackIp(peer.clientIp) ? undefined : peer.clientIp || peer.socketIp;
  if (limitKey !== undefined) {
    const gate = limiter.check(limitKey);
    if (!gate.allowed) {
      const seconds = Math.ceil(gate.retryAfterMs / 1000);
      return fail({
        code: 'INVALID_REQUEST',
        message: `unauthorized: too many failed authentication attempts from ${limitKey}; try again in ${seconds}s`,
        retryable: true,
        retryAfterMs: gate.retryAfterMs,
      });
    }
  }

  let authMethod: AuthMethod | undefined;
  if (ctx.auth.allowTailscale && !peer.isLocalDirect && isTailscaleProxyRequest(isLoopbackIp(peer.socketIp), input.tailscale)) {
    const login = await verifyTailscaleUser(input.tailscale);
    if (login) {
      authMethod = 'tailscale';
      ctx.log.info('tailscale identity verified', { login, conn: frame.id });
    }
  }
  if (!authMethod) {
    const shared = checkSharedSecret(ctx.auth, params.auth);
    if (shared.ok) authMethod = shared.method;
    else if (device && params.auth?.token && ctx.devices.verifyToken(device.id, role, params.auth.token, scopes)) authMethod = 'device-token';
    else {
      if (limitKey !== undefined) limiter.recordFailure(limitKey);
      ctx.log.warn('connect refused', { reason: shared.reason, ip: peer.clientIp, client: params.client.id });
      return fail(invalidRequest(authFailureMessage(shared.reason, params.client)));
    }
  }

  if (!device || !devicePublicKey) return { ok: true, params, role, scopes, authMethod };

  const pairing = ctx.devices.needsPairing(device.id, devicePublicKey, role, scopes);
  if (pairing.needed) {
    const info = {
      deviceId: device.id,
      publicKey: devicePublicKey,
      ...(params.client.displayName ? { displayName: params.client.displayName } : {}),
      platform: params.client.platform,
      clientId: params.client.id,
      clientMode: params.client.mode,
      ...(peer.untrustedProxyHeaders ? {} : { remoteIp: peer.clientIp }),
    };
    const { request, created } = ctx.devices.requestPairing(info, role, scopes, peer.isLocal, pairing.isRepair);
    if (peer.isLocal) {
      ctx.devices.approve(request.requestId);
      ctx.log.info('device pairing auto-approved', { deviceId: device.id, role });
      ctx.hub.broadcast('device.pair.resolved', { requestId: request.requestId, deviceId: device.id, decision: 'approved', ts: Date.now() }, { dropIfSlow: true, requireScope: SCOPES.pairing });
    } else {
      if (created) ctx.hub.broadcast('device.pair.requested', request, { dropIfSlow: true, requireScope: SCOPES.pairing });
      ctx.log.info('device pairing requested', { deviceId: device.id, requestId: request.requestId, ip: peer.clientIp });
      return fail(notPaired('pairing required', { requestId: request.requestId }));
    }
  }
  const deviceToken = ctx.devices.ensureToken(device.id, role, scopes);
  return { ok: true, params, role, scopes, authMethod, deviceId: device.id, deviceToken };
}
