import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', async () => (await import('./electron-mock')).electron);

import { createSenderCheck, forwardDesktopEvents, registerDesktopIpc } from '../../src/main/ipc';
import { callChannel } from '../../src/main/ipc-channels';
import { DESKTOP_CALLS } from '../../src/shared/desktop-api';
import { ClawdbotError } from '../../src/shared/errors';
import { FakeBrowserWindow, electron, ipcEvent, resetElectronMock } from './electron-mock';
import { createFakeCore, makeState, type FakeCore } from './fake-core';

type BrowserWindow = Electron.BrowserWindow;

let core: FakeCore;
let win: FakeBrowserWindow;

function invoke(channel: string, event: unknown, input?: unknown): Promise<unknown> {
  const handler = electron.ipcMain.handlers.get(channel);
  if (!handler) throw new Error(`no handler for ${channel}`);
  return Promise.resolve(handler(event, input));
}

beforeEach(() => {
  resetElectronMock();
  core = createFakeCore();
  win = new FakeBrowserWindow({});
  win.webContents.url = 'app://renderer/index.html#chat';
  registerDesktopIpc({ ipcMain: electron.ipcMain, core, isTrustedSender: createSenderCheck(() => win as unknown as BrowserWindow) });
});

describe('IPC handlers generated from DESKTOP_CALLS', () => {
  it('registers exactly one handler per call', () => {
    expect([...electron.ipcMain.handlers.keys()].sort()).toEqual(Object.keys(DESKTOP_CALLS).map((n) => callChannel(n as keyof typeof DESKTOP_CALLS)).sort());
  });

  it('answers our window with {ok, result}, passing the parsed input', async () => {
    const reply = await invoke(callChannel('setMode'), ipcEvent(win.webContents), { mode: 'remote' });
    expect(reply).toEqual({ ok: true, result: core.state });
    expect(core.call).toHaveBeenCalledWith('setMode', { mode: 'remote' });
    await invoke(callChannel('getLogs'), ipcEvent(win.webContents), undefined);
    expect(core.call).toHaveBeenLastCalledWith('getLogs', { limit: undefined });
  });

  it('refuses another window, a subframe, a foreign page and a gone frame', async () => {
    const other = new FakeBrowserWindow({});
    other.webContents.url = 'app://renderer/index.html';
    const refused = [
      ipcEvent(other.webContents),
      ipcEvent(win.webContents, { url: 'app://renderer/index.html', parent: win.webContents.mainFrame }),
      ipcEvent(win.webContents, { url: 'https://evil.example/', parent: null }),
      ipcEvent(win.webContents, { url: 'file:///etc/passwd', parent: null }),
      ipcEvent(win.webContents, null),
    ];
    for (const event of refused) {
      const reply = await invoke(callChannel('getState'), event);
      expect(reply).toMatchObject({ ok: false, error: { errorClass: 'Internal', retryable: false } });
    }
    expect(core.call).not.toHaveBeenCalled();
  });

  it('refuses everything when no window is open', async () => {
    resetElectronMock();
    registerDesktopIpc({ ipcMain: electron.ipcMain, core, isTrustedSender: createSenderCheck(() => null) });
    expect(await invoke(callChannel('getState'), ipcEvent(win.webContents))).toMatchObject({ ok: false });
  });

  it('rejects invalid input with the parser’s message, before the core sees it', async () => {
    expect(await invoke(callChannel('setMode'), ipcEvent(win.webContents), { mode: 'cloud' })).toEqual({
      ok: false,
      error: { errorClass: 'Config', message: 'mode must be one of unconfigured, local, remote', hint: 'Correct the value and try again.', retryable: false },
    });
    expect(await invoke(callChannel('getState'), ipcEvent(win.webContents), { sneaky: true })).toMatchObject({ ok: false, error: { message: 'this call takes no input' } });
    expect(await invoke(callChannel('saveSettings'), ipcEvent(win.webContents), { gatewayToken: 'a\nb' })).toMatchObject({ ok: false, error: { message: 'gatewayToken must be a single line' } });
    expect(await invoke(callChannel('saveSettings'), ipcEvent(win.webContents), { keyPassphrase: 42 })).toMatchObject({ ok: false, error: { message: 'keyPassphrase must be a string or null' } });
    expect(core.call).not.toHaveBeenCalled();
  });

  it('maps errors to ErrorInfo instead of throwing across IPC', async () => {
    core.call.mockRejectedValueOnce(new ClawdbotError('HostKeyChanged', 'The host key for box changed.', 'Compare the fingerprints.'));
    expect(await invoke(callChannel('reconnectNow'), ipcEvent(win.webContents))).toEqual({
      ok: false,
      error: { errorClass: 'HostKeyChanged', message: 'The host key for box changed.', hint: 'Compare the fingerprints.', retryable: false },
    });
    core.call.mockRejectedValueOnce(new TypeError('boom'));
    expect(await invoke(callChannel('reconnectNow'), ipcEvent(win.webContents))).toMatchObject({ ok: false, error: { errorClass: 'Internal', message: 'boom' } });
  });

  it('can be unregistered', () => {
    resetElectronMock();
    const dispose = registerDesktopIpc({ ipcMain: electron.ipcMain, core, isTrustedSender: () => true });
    dispose();
    expect(electron.ipcMain.handlers.size).toBe(0);
  });
});

describe('event forwarding', () => {
  it('sends every core event to the window, and stops when the window is gone', () => {
    const stop = forwardDesktopEvents(core, () => (win.webContents.destroyed ? null : (win.webContents as unknown as Electron.WebContents)));
    const state = makeState({ phase: 'degraded' });
    core.emit('state', state);
    core.emit('log', { source: 'app', ts: 1, level: 'info', text: 'hi' });
    expect(win.webContents.send.mock.calls).toEqual([
      ['clawdbot:event:state', state],
      ['clawdbot:event:log', { source: 'app', ts: 1, level: 'info', text: 'hi' }],
    ]);
    win.webContents.destroyed = true;
    core.emit('state', state);
    expect(win.webContents.send).toHaveBeenCalledTimes(2);
    stop();
    expect(core.listenerCount('state') + core.listenerCount('chat') + core.listenerCount('log')).toBe(0);
  });
});
