import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', async () => (await import('./electron-mock')).electron);

import { createNodeKeyValueStore } from '../../src/desktop/node-settings-store';
import { createElectronKeyValueStore, createEncryptedBlobStore } from '../../src/main/settings-store';
import { resetElectronMock } from './electron-mock';

let stateDir: string;
beforeEach(() => {
  resetElectronMock();
  stateDir = mkdtempSync(join(tmpdir(), 'clawdbot-estore-'));
});
afterEach(() => rmSync(stateDir, { recursive: true, force: true }));

describe('electron-store key-value store', () => {
  it('is the same file, with the same keys, as the twin’s conf store', () => {
    const electronStore = createElectronKeyValueStore(stateDir);
    const nodeStore = createNodeKeyValueStore(stateDir);
    expect(electronStore.path).toBe(nodeStore.path);
    expect(electronStore.path).toBe(join(stateDir, 'desktop', 'desktop-settings.json'));
    electronStore.set('settings', { mode: 'remote', remote: { target: 'box' } });
    electronStore.set('settingsVersion', 1);
    expect(createNodeKeyValueStore(stateDir).get('settings')).toEqual({ mode: 'remote', remote: { target: 'box' } });
    nodeStore.set('a.b', 1); // flat keys: the dot is part of the name
    expect(createElectronKeyValueStore(stateDir).get('a.b')).toBe(1);
    electronStore.delete('settingsVersion');
    expect(createNodeKeyValueStore(stateDir).get('settingsVersion')).toBeUndefined();
    expect(statSync(electronStore.path).mode & 0o777).toBe(0o600);
  });

  it('keeps the encrypted secrets in a file of their own', () => {
    const blobs = createEncryptedBlobStore(stateDir);
    blobs.set('gateway.token', 'c2VhbGVk');
    const file = join(stateDir, 'desktop', 'secrets-safestorage.json');
    expect(existsSync(file)).toBe(true);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ 'gateway.token': 'c2VhbGVk' });
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });
});
