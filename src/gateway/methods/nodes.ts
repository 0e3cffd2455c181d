// node.list / node.describe / node.invoke for operators, node.invoke.result / node.event for nodes
// (spec §9.7).

import { s } from '../../shared/protocol/schema';
import { gatewayConfig } from '../../config/effective';
import type { GatewayContext } from '../context';
import { allowedCommands, checkNodeCommand } from '../nodes/allowlist';
import type { NodeInfo } from '../nodes/registry';
import { parseParams } from './params';
import { invalidRequest, unavailable, type MethodTable } from './types';

const DESCRIBE = s.object({ nodeId: s.nonEmpty() }, ['nodeId']);
const INVOKE = s.object(
  { nodeId: s.nonEmpty(), command: s.nonEmpty(), params: s.unknown(), timeoutMs: s.integer(1, 600_000), idempotencyKey: s.nonEmpty() },
  ['nodeId', 'command', 'idempotencyKey'],
);
const RESULT = s.object(
  { id: s.nonEmpty(), nodeId: s.nonEmpty(), ok: s.boolean(), payload: s.unknown(), payloadJSON: s.string(), error: s.unknown() },
  ['id', 'nodeId', 'ok'],
);
const EVENT = s.object({ event: s.nonEmpty(), payload: s.unknown(), payloadJSON: s.string() }, ['event']);


type NodeView = NodeInfo & { paired: boolean; connected: boolean };

function nodeViews(ctx: GatewayContext): NodeView[] {
  const pairedIds = new Set(ctx.devices.pairedWithRole('node').map((d) => d.deviceId));
  const connected = ctx.nodes.list().map((n) => ({ ...n.info, paired: pairedIds.has(n.info.nodeId), connected: true }));
  const connectedIds = new Set(connected.map((n) => n.nodeId));
  const offline = ctx.devices
    .pairedWithRole('node')
    .filter((d) => !connectedIds.has(d.deviceId))
    .map((d): NodeView => ({
      nodeId: d.deviceId,
      ...(d.displayName ? { displayName: d.displayName } : {}),
      ...(d.platform ? { platform: d.platform } : {}),
      ...(d.remoteIp ? { remoteIp: d.remoteIp } : {}),
      caps: [],
      commands: [],
      paired: true,
      connected: false,
    }));
  return [...connected, ...offline];
}

export const nodeMethods: MethodTable<GatewayContext> = {
  'node.list': (call) => {
    call.respond.ok({ ts: Date.now(), nodes: nodeViews(call.services) });
  },

  'node.describe': (call) => {
    const p = parseParams<{ nodeId: string }>(call, DESCRIBE);
    if (!p) return;
    const node = nodeViews(call.services).find((n) => n.nodeId === p.nodeId);
    if (!node) return call.respond.error(invalidRequest('unknown nodeId'));
    call.respond.ok({ ts: Date.now(), ...node });
  },

  'node.invoke': async (call) => {
    const p = parseParams<{ nodeId: string; command: string; params?: unknown; timeoutMs?: number; idempotencyKey: string }>(call, INVOKE);
    if (!p) return;
    const ctx = call.services;
    const node = ctx.nodes.get(p.nodeId);
    if (!node) return call.respond.error(unavailable('node not connected', { code: 'NOT_CONNECTED' }));
    const allow = allowedCommands(node.info.platform, gatewayConfig(ctx.config.get()).nodes);
    const check = checkNodeCommand(p.command, node.info.commands, allow);
    if (!check.ok) return call.respond.error(invalidRequest('node command not allowed', { reason: check.reason, command: p.command }));
    const outcome = await ctx.nodes.invoke(node, p.command, p.params, p.timeoutMs, p.idempotencyKey);
    if (!outcome.ok) return call.respond.error(unavailable(outcome.message, { nodeError: outcome.nodeError ?? null }));
    call.respond.ok({ ok: true, nodeId: p.nodeId, command: p.command, payload: outcome.payload, payloadJSON: outcome.payloadJSON });
  },

  'node.invoke.result': (call) => {
    const p = parseParams<Record<string, unknown>>(call, RESULT);
    if (!p) return;
    const verdict = call.services.nodes.result(call.services.nodes.nodeIdOf(call.caller.connId), p);
    if (verdict === 'mismatch') return call.respond.error(invalidRequest('nodeId mismatch'));
    call.respond.ok(verdict === 'ignored' ? { ok: true, ignored: true } : { ok: true });
  },

  'node.event': (call) => {
    const p = parseParams<{ event: string }>(call, EVENT);
    if (!p) return;
    call.services.log.debug('node event', { node: call.caller.clientId, event: p.event });
    call.respond.ok({ ok: true });
  },
};
