// Device pairing and device tokens (spec §9.8). Results never carry token secrets except the one
// a rotate hands back to the operator who asked for it.

import { s } from '../../shared/protocol/schema';
import { SCOPES } from '../../shared/protocol/frames';
import type { GatewayContext } from '../context';
import { toView } from '../devices/store';
import { parseParams } from './params';
import { invalidRequest, type MethodTable } from './types';

const REQUEST_ID = s.object({ requestId: s.nonEmpty() }, ['requestId']);
const ROTATE = s.object({ deviceId: s.nonEmpty(), role: s.oneOfStrings(['operator', 'node']), scopes: s.array(s.nonEmpty()) }, ['deviceId', 'role']);
const REVOKE = s.object({ deviceId: s.nonEmpty(), role: s.oneOfStrings(['operator', 'node']) }, ['deviceId', 'role']);

const GUARDED = { dropIfSlow: true, requireScope: SCOPES.pairing } as const;

export const deviceMethods: MethodTable<GatewayContext> = {
  'device.pair.list': (call) => {
    call.respond.ok(call.services.devices.list());
  },

  'device.pair.approve': (call) => {
    const p = parseParams<{ requestId: string }>(call, REQUEST_ID);
    if (!p) return;
    const device = call.services.devices.approve(p.requestId);
    if (!device) return call.respond.error(invalidRequest('unknown requestId'));
    call.services.log.info('device pairing approved', { deviceId: device.deviceId, by: call.caller.connId });
    call.services.hub.broadcast('device.pair.resolved', { requestId: p.requestId, deviceId: device.deviceId, decision: 'approved', ts: Date.now() }, GUARDED);
    call.respond.ok({ requestId: p.requestId, device: toView(device) });
  },

  'device.pair.reject': (call) => {
    const p = parseParams<{ requestId: string }>(call, REQUEST_ID);
    if (!p) return;
    const rejected = call.services.devices.reject(p.requestId);
    if (!rejected) return call.respond.error(invalidRequest('unknown requestId'));
    call.services.log.info('device pairing rejected', { deviceId: rejected.deviceId, by: call.caller.connId });
    call.services.hub.broadcast('device.pair.resolved', { ...rejected, decision: 'rejected', ts: Date.now() }, GUARDED);
    call.respond.ok(rejected);
  },

  'device.token.rotate': (call) => {
    const p = parseParams<{ deviceId: string; role: string; scopes?: string[] }>(call, ROTATE);
    if (!p) return;
    const token = call.services.devices.rotate(p.deviceId, p.role, p.scopes);
    if (!token) return call.respond.error(invalidRequest('unknown deviceId/role'));
    call.respond.ok({ deviceId: p.deviceId, role: p.role, token: token.token, scopes: token.scopes, rotatedAtMs: token.rotatedAtMs ?? token.createdAtMs });
  },

  'device.token.revoke': (call) => {
    const p = parseParams<{ deviceId: string; role: string }>(call, REVOKE);
    if (!p) return;
    const token = call.services.devices.revoke(p.deviceId, p.role);
    if (!token) return call.respond.error(invalidRequest('unknown deviceId/role'));
    call.respond.ok({ deviceId: p.deviceId, role: p.role, revokedAtMs: token.revokedAtMs });
  },
};
