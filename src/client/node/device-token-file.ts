// Device tokens from hello-ok.auth, kept in <dir>/device-auth.json exactly as the reference CLI does
// (spec §7.5): {version:1, deviceId, tokens:{<role>:{token, role, scopes, updatedAtMs}}}, mode 0600.

import { join } from 'node:path';
import type { DeviceTokenStore, StoredDeviceToken } from '../device-auth';
import { readJsonObject, writePrivateJson } from './atomic-file';

interface DeviceAuthFile {
  version: 1;
  deviceId: string;
  tokens: Record<string, StoredDeviceToken>;
}

function isStoredToken(v: unknown): v is StoredDeviceToken {
  const o = v as Partial<StoredDeviceToken> | null;
  return !!o && typeof o.token === 'string' && o.token.length > 0 && typeof o.role === 'string' && Array.isArray(o.scopes);
}

export class DeviceTokenFile implements DeviceTokenStore {
  readonly path: string;

  constructor(dir: string) {
    this.path = join(dir, 'device-auth.json');
  }

  private read(deviceId: string): DeviceAuthFile {
    const o = readJsonObject(this.path);
    // Tokens of another keypair are useless to this one: start over.
    if (!o || o.deviceId !== deviceId || o.tokens === null || typeof o.tokens !== 'object') return { version: 1, deviceId, tokens: {} };
    const tokens: Record<string, StoredDeviceToken> = {};
    for (const [role, entry] of Object.entries(o.tokens as Record<string, unknown>)) if (isStoredToken(entry)) tokens[role] = entry;
    return { version: 1, deviceId, tokens };
  }

  load(deviceId: string, role: string): StoredDeviceToken | undefined {
    return this.read(deviceId).tokens[role];
  }

  save(deviceId: string, entry: StoredDeviceToken): void {
    const file = this.read(deviceId);
    const prev = file.tokens[entry.role];
    // The gateway returns the same token on every connect; rewriting it each time is wasted I/O.
    if (prev && prev.token === entry.token && prev.scopes.join(',') === entry.scopes.join(',')) return;
    file.tokens[entry.role] = entry;
    writePrivateJson(this.path, file);
  }

  clear(deviceId: string, role: string): void {
    const file = this.read(deviceId);
    if (!(role in file.tokens)) return;
    delete file.tokens[role];
    writePrivateJson(this.path, file);
  }
}
