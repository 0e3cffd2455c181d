// The whole shell wired together against the electron mock and a fake core.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', async () => (await import('./electron-mock')).electron);

import type { DesktopPorts } from '../../src/desktop/ports';
import { startMainProcess } from '../../src/main/main-process';
import { DESKTOP_CALLS } from '../../src/shared/desktop-api';
import { DEFAULT_SETTINGS } from '../../src/shared/settings';
import { FakeBrowserWindow, FakeTray, electron, ipcEvent, makeAppReady, resetElectronMock } from './electron-mock';
import { createFakeCore, type FakeCore } from './fake-core';

let root: string;
let core: FakeCore;
let ports: DesktopPorts | null;

function start(argv: string[] = ['/opt/Clawdbot/clawdbot']): void {
  startMainProcess({
    createCore: (p) => {
      ports = p;
      return core;
    },
    stateDir: join(root, 'state'),
    env: { HOME: root },
    argv,
    platform: 'linux',
  });
}

function beforeQuit(): boolean {
  let prevented = false;
  electron.app.emit('before-quit', { preventDefault: () => (prevented = true) });
  return prevented;
}

beforeEach(() => {
  resetElectronMock();
  root = mkdtempSync(join(tmpdir(), 'clawdbot-main-'));
  mkdirSync(join(root, 'app', 'dist', 'renderer'), { recursive: true });
  writeFileSync(join(root, 'app', 'dist', 'renderer', 'index.html'), '<!doctype html><script src="app.js"></script>');
  writeFileSync(join(root, 'secret.txt'), 'not for the renderer');
  electron.app.getAppPath.mockReturnValue(join(root, 'app'));
  core = createFakeCore({}, { getSettings: { ...DEFAULT_SETTINGS, startAtLogin: false } });
  ports = null;
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('the main process', () => {
  it('a second instance quits at once and starts nothing', async () => {
    electron.app.requestSingleInstanceLock.mockReturnValue(false);
    start();
    makeAppReady();
    await new Promise((r) => setTimeout(r, 20));
    expect(electron.app.quit).toHaveBeenCalledTimes(1);
    expect(ports).toBeNull();
    expect(FakeTray.instances).toHaveLength(0);
  });

  it('wires core, window, IPC, tray, wake kicks and quitting', async () => {
    start();
    expect(electron.protocol.registerSchemesAsPrivileged).toHaveBeenCalledWith([expect.objectContaining({ scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true }) })]);
    expect(electron.app.dock?.hide).toHaveBeenCalled();
    expect(ports).toBeNull(); // nothing before ready
    makeAppReady();
    await vi.waitFor(() => expect(FakeBrowserWindow.instances).toHaveLength(1));

    // Ports handed to the core.
    expect(ports!.store.path).toBe(join(root, 'state', 'desktop', 'desktop-settings.json'));
    expect(ports!.secrets.describe().encrypted).toBe(true);
    ports!.spawnGateway(['gateway', 'run'], { HOME: root });
    expect(electron.utilityProcess.fork).toHaveBeenCalledWith(join(root, 'app', 'dist', 'cli', 'clawdbot.js'), ['gateway', 'run'], expect.objectContaining({ stdio: 'pipe' }));

    // The renderer, from app:// with the CSP; nothing outside dist/renderer.
    const serve = electron.protocol.handlers.get('app')!;
    const page = await serve({ url: 'app://renderer/index.html' });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<script src="app.js">');
    expect(page.headers.get('Content-Security-Policy')).toContain('connect-src \'self\' ws://127.0.0.1:18789');
    expect((await serve({ url: 'app://renderer/..%2f..%2fsecret.txt' })).status).toBe(403);
    expect((await serve({ url: 'app://renderer/missing.js' })).status).toBe(404);

    // Security on the session; the window is the sandboxed one.
    expect(electron.session.defaultSession.setPermissionRequestHandler).toHaveBeenCalled();
    const win = FakeBrowserWindow.instances[0]!;
    expect(win.options).toMatchObject({ webPreferences: { sandbox: true, contextIsolation: true, nodeIntegration: false, devTools: true, preload: join(root, 'app', 'dist', 'preload', 'index.cjs') } });

    // IPC: one handler per call, answering our window only.
    expect(electron.ipcMain.handlers.size).toBe(Object.keys(DESKTOP_CALLS).length);
    const getState = electron.ipcMain.handlers.get('clawdbot:call:getState')!;
    expect(await getState(ipcEvent(win.webContents))).toEqual({ ok: true, result: core.state });
    expect(await getState(ipcEvent(new FakeBrowserWindow({}).webContents))).toMatchObject({ ok: false });
    core.setState({ phase: 'degraded' });
    expect(win.webContents.send).toHaveBeenCalledWith('clawdbot:event:state', core.state);

    // Tray: created, rebuilt on state changes.
    const tray = FakeTray.instances[0]!;
    expect(tray.setContextMenu.mock.calls.length).toBeGreaterThanOrEqual(2);
    await vi.waitFor(() => expect(core.call).toHaveBeenCalledWith('getSettings', undefined));

    // A second launch, wake and unlock.
    win.hide();
    electron.app.emit('second-instance', {}, [], '/');
    expect(win.visible).toBe(true);
    electron.powerMonitor.emit('resume');
    electron.powerMonitor.emit('unlock-screen');
    expect(core.kick.mock.calls).toEqual([['resume'], ['unlock']]);

    // Quit: the core stops what it started, then the app really quits; the window may close now.
    expect(beforeQuit()).toBe(true);
    expect(core.shutdown).toHaveBeenCalledTimes(1);
    expect(tray.destroy).toHaveBeenCalled();
    await vi.waitFor(() => expect(electron.app.quit).toHaveBeenCalledTimes(1));
    expect(beforeQuit()).toBe(false);
    expect(win.userClose()).toBe(true);
  });

  it('the tray menu drives the core and the window', async () => {
    start();
    makeAppReady();
    await vi.waitFor(() => expect(FakeTray.instances).toHaveLength(1));
    const lastMenu = () => (electron.Menu.buildFromTemplate.mock.calls.at(-1)?.[0] ?? []) as { label?: string; click?: () => void }[];
    const click = (label: string) => [...lastMenu()].reverse().find((i) => i.label === label)!.click!();
    click('Remote over SSH');
    expect(core.call).toHaveBeenCalledWith('setMode', { mode: 'remote' });
    click('Copy Gateway URL');
    expect(electron.clipboard.writeText).toHaveBeenCalledWith('ws://127.0.0.1:18789');
    click('Settings…');
    expect(FakeBrowserWindow.instances[0]!.loadURL).toHaveBeenLastCalledWith('app://renderer/index.html#settings');
    click('Quit Clawdbot');
    expect(electron.app.quit).toHaveBeenCalled();
  });

  it('applies Start at login when Settings turn it on', async () => {
    core = createFakeCore({}, { getSettings: { ...DEFAULT_SETTINGS, startAtLogin: false }, saveSettings: { ...DEFAULT_SETTINGS, startAtLogin: true } });
    start();
    makeAppReady();
    await vi.waitFor(() => expect(FakeTray.instances).toHaveLength(1));
    const save = electron.ipcMain.handlers.get('clawdbot:call:saveSettings')!;
    const win = FakeBrowserWindow.instances[0]!;
    expect(await save(ipcEvent(win.webContents), { startAtLogin: true })).toMatchObject({ ok: true });
    const menu = electron.Menu.buildFromTemplate.mock.calls.at(-1)?.[0] as { label?: string; checked?: boolean }[];
    expect(menu.find((i) => i.label === 'Start at Login')?.checked).toBe(true);
  });

  it('keeps a profile’s Chromium data and instance lock apart', () => {
    startMainProcess({ createCore: () => core, stateDir: join(root, 'state'), env: {}, argv: [], platform: 'linux', profile: 'work' });
    expect(electron.app.setPath).toHaveBeenCalledWith('userData', '/tmp/clawdbot-electron-mock-userdata-work');
    expect(electron.app.setPath.mock.invocationCallOrder[0]).toBeLessThan(electron.app.requestSingleInstanceLock.mock.invocationCallOrder[0]!);
  });

  it('started at login: tray only, no window', async () => {
    start(['/opt/Clawdbot/clawdbot', '--hidden']);
    makeAppReady();
    await vi.waitFor(() => expect(FakeTray.instances).toHaveLength(1));
    expect(FakeBrowserWindow.instances).toHaveLength(0);
    electron.app.emit('second-instance', {}, [], '/');
    expect(FakeBrowserWindow.instances).toHaveLength(1);
  });

  it('says why when it cannot start', async () => {
    startMainProcess({ createCore: () => { throw new Error('settings file is locked'); }, stateDir: join(root, 'state'), env: {}, argv: [], platform: 'linux' });
    makeAppReady();
    await vi.waitFor(() => expect(electron.dialog.showErrorBox).toHaveBeenCalledWith('Clawdbot could not start', 'settings file is locked'));
    expect(electron.app.exit).toHaveBeenCalledWith(1);
  });
});
