// The presence list (spec §6, §9.1): the gateway's own entry plus one entry per presence-tracked client
// (any mode but cli), kept after disconnect with reason "disconnect" until a TTL, newest first, capped.

import { arch, hostname, networkInterfaces, platform, release } from 'node:os';
import { VERSION } from '../../shared/version';

export interface PresenceEntry {
  host?: string;
  ip?: string;
  version?: string;
  platform?: string;
  deviceFamily?: string;
  modelIdentifier?: string;
  mode?: string;
  lastInputSeconds?: number;
  reason?: string;
  tags?: string[];
  text?: string;
  ts: number;
  deviceId?: string;
  roles?: string[];
  scopes?: string[];
  instanceId?: string;
}

export interface PresenceClient {
  connId: string;
  displayName?: string;
  clientId: string;
  version: string;
  platform: string;
  deviceFamily?: string;
  modelIdentifier?: string;
  mode: string;
  role: string;
  scopes: string[];
  instanceId?: string;
  deviceId?: string;
  /** Only set for local-or-trusted addresses (§8.4: no ip for untrusted proxies). */
  ip?: string;
}

const MAX_ENTRIES = 200;

export function primaryIPv4(): string | undefined {
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return undefined;
}

function selfEntry(): PresenceEntry {
  const host = hostname();
  const ip = primaryIPv4();
  const family = platform() === 'darwin' ? 'Mac' : platform() === 'win32' ? 'Windows' : 'Linux';
  return {
    host,
    ...(ip ? { ip } : {}),
    version: VERSION,
    platform: `${platform()} ${release()}`,
    deviceFamily: family,
    modelIdentifier: arch(),
    mode: 'gateway',
    reason: 'self',
    text: `Gateway: ${host}${ip ? ` (${ip})` : ''} · app ${VERSION} · mode gateway · reason self`,
    ts: Date.now(),
  };
}

export function presenceKey(c: PresenceClient): string {
  return (c.deviceId ?? c.instanceId ?? c.connId).toLowerCase();
}

export class PresenceTracker {
  private readonly self = selfEntry();
  private entries = new Map<string, PresenceEntry>();

  constructor(private readonly ttlMs: number) {}

  static isTracked(mode: string): boolean {
    return mode !== 'cli';
  }

  update(c: PresenceClient, reason: 'connect' | 'disconnect'): void {
    const host = c.displayName ?? c.clientId;
    const entry: PresenceEntry = {
      host,
      ...(c.ip ? { ip: c.ip } : {}),
      version: c.version,
      platform: c.platform,
      ...(c.deviceFamily ? { deviceFamily: c.deviceFamily } : {}),
      ...(c.modelIdentifier ? { modelIdentifier: c.modelIdentifier } : {}),
      mode: c.mode,
      ...(c.deviceId ? { deviceId: c.deviceId } : {}),
      roles: [c.role],
      scopes: c.scopes,
      ...(c.instanceId ? { instanceId: c.instanceId } : {}),
      reason,
      ts: Date.now(),
      text: `Node: ${host} · mode ${c.mode}`,
    };
    const key = presenceKey(c);
    this.entries.delete(key);
    this.entries.set(key, entry);
  }

  list(): PresenceEntry[] {
    const now = Date.now();
    for (const [key, e] of this.entries) if (e.reason === 'disconnect' && now - e.ts > this.ttlMs) this.entries.delete(key);
    while (this.entries.size > MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value as string);
    const clients = [...this.entries.values()].sort((a, b) => b.ts - a.ts);
    return [{ ...this.self, ts: now }, ...clients];
  }
}
