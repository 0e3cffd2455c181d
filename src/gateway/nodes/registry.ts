// Connected nodes and the node.invoke round trip (spec §9.7): the gateway sends node.invoke.request to
// the node (no seq), the node answers with node.invoke.result; a result for an unknown or late id is
// acknowledged and ignored. A node that disconnects fails its pending invokes at once.

import { randomUUID } from 'node:crypto';
import type { Caller } from '../methods/types';

export interface NodeInfo {
  nodeId: string;
  displayName?: string;
  platform?: string;
  version?: string;
  coreVersion?: string;
  uiVersion?: string;
  deviceFamily?: string;
  modelIdentifier?: string;
  remoteIp?: string;
  caps: string[];
  commands: string[];
  pathEnv?: string;
  permissions?: Record<string, boolean>;
  connectedAtMs?: number;
}

/** How long node.invoke waits for the node when the operator gave no timeoutMs (spec §9.7). */
const DEFAULT_INVOKE_TIMEOUT_MS = 30_000;

export interface ConnectedNode {
  info: NodeInfo;
  caller: Caller;
}

export type InvokeOutcome =
  | { ok: true; payload: unknown; payloadJSON: string | null }
  | { ok: false; message: string; nodeError?: unknown };

interface PendingInvoke {
  nodeId: string;
  connId: string;
  resolve: (outcome: InvokeOutcome) => void;
  timer: NodeJS.Timeout;
}

export class NodeRegistry {
  private nodes = new Map<string, ConnectedNode>();
  private pending = new Map<string, PendingInvoke>();

  add(node: ConnectedNode): void {
    this.nodes.set(node.info.nodeId, node);
  }

  remove(connId: string): void {
    for (const [id, n] of this.nodes) if (n.caller.connId === connId) this.nodes.delete(id);
    for (const [id, p] of this.pending) {
      if (p.connId === connId) this.settle(id, { ok: false, message: 'node disconnected' });
    }
  }

  get(nodeId: string): ConnectedNode | undefined {
    return this.nodes.get(nodeId);
  }

  list(): ConnectedNode[] {
    return [...this.nodes.values()];
  }

  /** The nodeId of a connection, if it is a node. */
  nodeIdOf(connId: string): string | undefined {
    for (const [id, n] of this.nodes) if (n.caller.connId === connId) return id;
    return undefined;
  }

  /** `timeoutMs` as the operator gave it: the request tells the node only a timeout it was given (as the reference). */
  invoke(node: ConnectedNode, command: string, params: unknown, timeoutMs: number | undefined, idempotencyKey: string | undefined): Promise<InvokeOutcome> {
    const id = randomUUID();
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.settle(id, { ok: false, message: 'node invoke timed out' }), timeoutMs ?? DEFAULT_INVOKE_TIMEOUT_MS);
      this.pending.set(id, { nodeId: node.info.nodeId, connId: node.caller.connId, resolve, timer });
      node.caller.sendEvent('node.invoke.request', {
        id,
        nodeId: node.info.nodeId,
        command,
        paramsJSON: params === undefined ? null : JSON.stringify(params),
        ...(timeoutMs !== undefined ? { timeoutMs } : {}),
        ...(idempotencyKey ? { idempotencyKey } : {}),
      });
    });
  }

  /** A node.invoke.result: 'ignored' for unknown/late ids, 'mismatch' when the node answers for another. */
  result(callerNodeId: string | undefined, params: Record<string, unknown>): 'accepted' | 'ignored' | 'mismatch' {
    if (params.nodeId !== callerNodeId) return 'mismatch';
    const id = typeof params.id === 'string' ? params.id : '';
    const p = this.pending.get(id);
    if (!p || p.nodeId !== callerNodeId) return 'ignored';
    if (params.ok === true) {
      const payloadJSON = typeof params.payloadJSON === 'string' ? params.payloadJSON : null;
      let payload: unknown = params.payload ?? null;
      if (payloadJSON !== null) {
        try {
          payload = JSON.parse(payloadJSON);
        } catch {
          payload = payloadJSON;
        }
      }
      this.settle(id, { ok: true, payload, payloadJSON });
    } else {
      const err = (params.error ?? {}) as { message?: unknown };
      this.settle(id, { ok: false, message: typeof err.message === 'string' && err.message ? err.message : 'node invoke failed', nodeError: params.error });
    }
    return 'accepted';
  }

  /** Fails every pending invoke (shutdown). */
  closeAll(): void {
    for (const id of [...this.pending.keys()]) this.settle(id, { ok: false, message: 'gateway stopping' });
  }

  private settle(id: string, outcome: InvokeOutcome): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    clearTimeout(p.timer);
    p.resolve(outcome);
  }
}
