// Paired devices and pending pairing requests (spec §7.4, §7.5, §9.8), persisted in
// <stateDir>/devices/paired.json and pending.json with atomic writes. Token secrets never leave
// through list(); they are compared in constant time.

import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../config/file';
import { safeEqualSecret } from '../auth/safe-equal';

export interface DeviceToken {
  token: string;
  role: string;
  scopes: string[];
  createdAtMs: number;
  rotatedAtMs?: number;
  revokedAtMs?: number;
  lastUsedAtMs?: number;
}

export interface DeviceInfo {
  deviceId: string;
  publicKey: string;
  displayName?: string;
  platform?: string;
  clientId?: string;
  clientMode?: string;
  remoteIp?: string;
}

export interface PairedDevice extends DeviceInfo {
  role: string;
  roles: string[];
  scopes: string[];
  createdAtMs: number;
  approvedAtMs: number;
  tokens?: Record<string, DeviceToken>;
}

export interface PairingRequest extends DeviceInfo {
  requestId: string;
  role: string;
  roles: string[];
  scopes: string[];
  silent: boolean;
  isRepair: boolean;
  ts: number;
}

export type PairedDeviceView = Omit<PairedDevice, 'tokens'> & { tokens?: Array<Omit<DeviceToken, 'token'>> };

/** Own entries only: ids come from clients, and "__proto__" or "constructor" must not find anything. */
function own<T>(map: Record<string, T>, key: string): T | undefined {
  return Object.hasOwn(map, key) ? map[key] : undefined;
}

function newToken(): string {
  return randomUUID().replace(/-/g, '');
}

function union(a: readonly string[], b: readonly string[]): string[] {
  return [...new Set([...a, ...b])];
}

export class DeviceStore {
  private paired: Record<string, PairedDevice> | undefined;
  private pending: Record<string, PairingRequest> | undefined;
  private readonly dir: string;

  constructor(
    stateDir: string,
    private readonly pendingTtlMs: number,
    private readonly onCorruptFile: (file: string, movedTo: string) => void = () => {},
  ) {
    this.dir = join(stateDir, 'devices');
  }

  /** Loaded on first use, so a gateway without devices never touches the files. */
  private load(): { paired: Record<string, PairedDevice>; pending: Record<string, PairingRequest> } {
    this.paired ??= this.readFile<PairedDevice>('paired.json');
    this.pending ??= this.readFile<PairingRequest>('pending.json');
    const now = Date.now();
    for (const [id, req] of Object.entries(this.pending)) if (now - req.ts > this.pendingTtlMs) delete this.pending[id];
    return { paired: this.paired, pending: this.pending };
  }

  private readFile<T>(name: string): Record<string, T> {
    const file = join(this.dir, name);
    if (!existsSync(file)) return {};
    try {
      const value: unknown = JSON.parse(readFileSync(file, 'utf8'));
      if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, T>;
    } catch {
      /* handled below */
    }
    // Keep a damaged file for inspection instead of overwriting it, and start empty.
    const movedTo = `${file}.corrupt-${Date.now()}`;
    renameSync(file, movedTo);
    this.onCorruptFile(file, movedTo);
    return {};
  }

  private save(which: 'paired' | 'pending'): void {
    const data = which === 'paired' ? this.paired : this.pending;
    writeFileAtomic(join(this.dir, `${which}.json`), `${JSON.stringify(data ?? {}, null, 2)}\n`);
  }

  getPaired(deviceId: string): PairedDevice | undefined {
    return own(this.load().paired, deviceId);
  }

  /** §7.4: unknown device, another key, a new role or any new scope. */
  needsPairing(deviceId: string, publicKey: string, role: string, scopes: readonly string[]): { needed: boolean; isRepair: boolean } {
    const entry = this.getPaired(deviceId);
    if (!entry) return { needed: true, isRepair: false };
    if (entry.publicKey !== publicKey) return { needed: true, isRepair: true };
    const roleOk = entry.roles.includes(role);
    const scopesOk = scopes.every((s) => entry.scopes.includes(s));
    return { needed: !(roleOk && scopesOk), isRepair: true };
  }

  /** One pending request per device; returns it and whether it was newly created. */
  requestPairing(info: DeviceInfo, role: string, scopes: string[], silent: boolean, isRepair: boolean): { request: PairingRequest; created: boolean } {
    const { pending } = this.load();
    const existing = Object.values(pending).find((r) => r.deviceId === info.deviceId);
    if (existing) {
      existing.roles = union(existing.roles, [role]);
      existing.scopes = union(existing.scopes, scopes);
      existing.role = role;
      existing.ts = Date.now();
      this.save('pending');
      return { request: existing, created: false };
    }
    const request: PairingRequest = { requestId: randomUUID(), ...info, role, roles: [role], scopes: [...scopes], silent, isRepair, ts: Date.now() };
    pending[request.requestId] = request;
    this.save('pending');
    return { request, created: true };
  }

  /** Approves: merges roles and scopes, makes a fresh token for the role. */
  approve(requestId: string): PairedDevice | null {
    const { paired, pending } = this.load();
    const req = own(pending, requestId);
    if (!req) return null;
    const now = Date.now();
    const prev = own(paired, req.deviceId);
    const samekey = prev?.publicKey === req.publicKey;
    const roles = union(samekey ? prev.roles : [], req.roles);
    const scopes = union(samekey ? prev.scopes : [], req.scopes);
    const tokens = { ...(samekey ? prev.tokens : {}) };
    tokens[req.role] = { token: newToken(), role: req.role, scopes: req.scopes, createdAtMs: now };
    const { requestId: _r, silent: _s, isRepair: _i, ts: _t, roles: _rs, scopes: _sc, role, ...info } = req;
    paired[req.deviceId] = {
      ...info,
      role,
      roles,
      scopes,
      createdAtMs: samekey ? prev.createdAtMs : now,
      approvedAtMs: now,
      tokens,
    };
    delete pending[requestId];
    this.save('paired');
    this.save('pending');
    return own(paired, req.deviceId) as PairedDevice;
  }

  reject(requestId: string): { requestId: string; deviceId: string } | null {
    const { pending } = this.load();
    const req = own(pending, requestId);
    if (!req) return null;
    delete pending[requestId];
    this.save('pending');
    return { requestId, deviceId: req.deviceId };
  }

  /** The token for (device, role) covering the scopes, rotating when it does not (§7.5). */
  ensureToken(deviceId: string, role: string, scopes: string[]): DeviceToken {
    const entry = this.getPaired(deviceId);
    if (!entry) throw new Error('unknown deviceId');
    const current = entry.tokens ? own(entry.tokens, role) : undefined;
    const now = Date.now();
    if (current && !current.revokedAtMs && scopes.every((s) => current.scopes.includes(s))) {
      current.lastUsedAtMs = now;
      this.save('paired');
      return current;
    }
    return this.rotate(deviceId, role, scopes) as DeviceToken;
  }

  /** A device token presented as auth.token: not revoked, equal, and covering the requested scopes. */
  verifyToken(deviceId: string, role: string, token: string, scopes: readonly string[]): boolean {
    const tokens = this.getPaired(deviceId)?.tokens;
    const current = tokens ? own(tokens, role) : undefined;
    if (!current || current.revokedAtMs) return false;
    return safeEqualSecret(token, current.token) && scopes.every((s) => current.scopes.includes(s));
  }

  rotate(deviceId: string, role: string, scopes?: string[]): DeviceToken | null {
    const entry = this.getPaired(deviceId);
    if (!entry) return null;
    const now = Date.now();
    const prev = entry.tokens ? own(entry.tokens, role) : undefined;
    const next: DeviceToken = {
      token: newToken(),
      role,
      scopes: scopes ?? prev?.scopes ?? entry.scopes,
      createdAtMs: prev?.createdAtMs ?? now,
      ...(prev ? { rotatedAtMs: now } : {}),
    };
    entry.tokens = { ...entry.tokens, [role]: next };
    if (!entry.roles.includes(role)) entry.roles.push(role);
    this.save('paired');
    return next;
  }

  revoke(deviceId: string, role: string): DeviceToken | null {
    const tokens = this.getPaired(deviceId)?.tokens;
    const current = tokens ? own(tokens, role) : undefined;
    if (!current) return null;
    current.revokedAtMs = Date.now();
    this.save('paired');
    return current;
  }

  list(): { pending: PairingRequest[]; paired: PairedDeviceView[] } {
    const { paired, pending } = this.load();
    return {
      pending: Object.values(pending).sort((a, b) => b.ts - a.ts),
      paired: Object.values(paired).map((d) => toView(d)),
    };
  }

  /** Paired devices holding a role (for node.list). */
  pairedWithRole(role: string): PairedDevice[] {
    return Object.values(this.load().paired).filter((d) => d.roles.includes(role));
  }
}

export function toView(d: PairedDevice): PairedDeviceView {
  const { tokens, ...rest } = d;
  if (!tokens) return rest;
  return { ...rest, tokens: Object.values(tokens).map(({ token: _secret, ...t }) => t) };
}
