// Role and scope rules for methods (spec §5). Checked before the method lookup, so an unknown method
// called without admin scope reports `missing scope: operator.admin` (§4.3).

import { SCOPES, type Role } from '../../shared/protocol/frames';

const NODE_METHODS = new Set(['node.invoke.result', 'node.event', 'skills.bins']);

const READ = new Set([
  'health', 'logs.tail', 'channels.status', 'status', 'usage.status', 'usage.cost', 'tts.status', 'tts.providers', 'models.list',
  'agents.list', 'agent.identity.get', 'skills.status', 'voicewake.get', 'sessions.list', 'sessions.preview', 'cron.list',
  'cron.status', 'cron.runs', 'system-presence', 'last-heartbeat', 'node.list', 'node.describe', 'chat.history',
]);

const WRITE = new Set([
  'send', 'agent', 'agent.wait', 'wake', 'talk.mode', 'tts.enable', 'tts.disable', 'tts.convert', 'tts.setProvider', 'voicewake.set',
  'node.invoke', 'chat.send', 'chat.abort',
]);

const APPROVALS = new Set(['exec.approval.request', 'exec.approval.resolve']);

const PAIRING = new Set([
  'node.pair.request', 'node.pair.list', 'node.pair.approve', 'node.pair.reject', 'node.pair.verify', 'device.pair.list',
  'device.pair.approve', 'device.pair.reject', 'device.token.rotate', 'device.token.revoke', 'node.rename',
]);

/** Null when allowed, else the INVALID_REQUEST message. */
export function authorizeMethod(method: string, role: Role, scopes: readonly string[]): string | null {
  if (role === 'node') return NODE_METHODS.has(method) ? null : 'unauthorized role: node';
  if (NODE_METHODS.has(method)) return 'unauthorized role: operator';
  if (scopes.includes(SCOPES.admin)) return null;
  if (APPROVALS.has(method)) return scopes.includes(SCOPES.approvals) ? null : `missing scope: ${SCOPES.approvals}`;
  if (PAIRING.has(method)) return scopes.includes(SCOPES.pairing) ? null : `missing scope: ${SCOPES.pairing}`;
  if (READ.has(method)) return scopes.includes(SCOPES.read) || scopes.includes(SCOPES.write) ? null : `missing scope: ${SCOPES.read}`;
  if (WRITE.has(method)) return scopes.includes(SCOPES.write) ? null : `missing scope: ${SCOPES.write}`;
  return `missing scope: ${SCOPES.admin}`;
}
