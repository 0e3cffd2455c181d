import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', async () => (await import('../main/electron-mock')).electron);

import * as mainChannels from '../../src/main/ipc-channels';
import * as preloadChannels from '../../src/preload/ipc-channels';
import { DESKTOP_CALLS, DESKTOP_EVENTS, type DesktopApi, type DesktopCallName } from '../../src/shared/desktop-api';
import { electron } from '../main/electron-mock';

let api: DesktopApi;

beforeAll(async () => {
  await import('../../src/preload/index');
  api = electron.contextBridge.exposed.clawdbot as DesktopApi;
});

beforeEach(() => {
  electron.ipcRenderer.invoke.mockReset();
  electron.ipcRenderer.removeAllListeners();
});

describe('preload', () => {
  it('exposes exactly the DesktopApi as window.clawdbot, and nothing else', () => {
    expect(electron.contextBridge.exposeInMainWorld).toHaveBeenCalledTimes(1);
    expect(Object.keys(electron.contextBridge.exposed)).toEqual(['clawdbot']);
    expect(Object.keys(api).sort()).toEqual(['call', 'on']);
    expect(typeof api.call).toBe('function');
    expect(typeof api.on).toBe('function');
    expect(Object.isFrozen(api)).toBe(true);
    expect(Object.values(api)).not.toContain(electron.ipcRenderer);
  });

  it('calls the main process on the call’s own channel and resolves with the result', async () => {
    electron.ipcRenderer.invoke.mockResolvedValueOnce({ ok: true, result: { mode: 'local' } });
    await expect(api.call('setMode', { mode: 'local' })).resolves.toEqual({ mode: 'local' });
    expect(electron.ipcRenderer.invoke).toHaveBeenCalledWith('clawdbot:call:setMode', { mode: 'local' });
  });

  it('rejects with a DesktopCallError ({ info }) when the core fails', async () => {
    const info = { errorClass: 'AuthFailed', message: 'bad token', hint: 'Fix it in Settings.', retryable: false };
    electron.ipcRenderer.invoke.mockResolvedValueOnce({ ok: false, error: info });
    await expect(api.call('reconnectNow')).rejects.toEqual({ info });
    electron.ipcRenderer.invoke.mockResolvedValueOnce('garbage');
    await expect(api.call('reconnectNow')).rejects.toMatchObject({ info: { errorClass: 'Internal' } });
  });

  it('rejects unknown call names without touching IPC', async () => {
    for (const name of ['nope', 'toString', '__proto__', 'constructor']) {
      await expect(api.call(name as DesktopCallName)).rejects.toMatchObject({ info: { errorClass: 'Internal', message: `Unknown call: ${name}` } });
    }
    expect(electron.ipcRenderer.invoke).not.toHaveBeenCalled();
  });

  it('delivers event payloads only (never the IPC event) and unsubscribes', () => {
    const seen: unknown[] = [];
    const off = api.on('state', (state) => seen.push(state));
    electron.ipcRenderer.emit('clawdbot:event:state', { sender: electron.ipcRenderer }, { phase: 'ready' });
    expect(seen).toEqual([{ phase: 'ready' }]);
    off();
    electron.ipcRenderer.emit('clawdbot:event:state', {}, { phase: 'failed' });
    expect(seen).toHaveLength(1);
    expect(electron.ipcRenderer.listenerCount('clawdbot:event:state')).toBe(0);
  });

  it('refuses unknown events and non-function listeners', () => {
    expect(() => api.on('secrets' as 'state', () => undefined)).toThrow('Unknown event: secrets');
    expect(() => api.on('state', 'x' as unknown as () => void)).toThrow('listener must be a function');
  });

  it('uses the same channels as the main process', () => {
    for (const name of Object.keys(DESKTOP_CALLS) as DesktopCallName[]) {
      expect(preloadChannels.callChannel(name)).toBe(mainChannels.callChannel(name));
    }
    for (const event of DESKTOP_EVENTS) expect(preloadChannels.eventChannel(event)).toBe(mainChannels.eventChannel(event));
  });
});
