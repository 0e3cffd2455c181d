import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', async () => (await import('./electron-mock')).electron);

import { appMenuTemplate, installAppMenu } from '../../src/main/app-menu';
import { denyPermissions, isPermissionAllowed, isSafeExternalUrl } from '../../src/main/web-security';
import { mainWindowOptions } from '../../src/main/window-options';
import { createWindowManager } from '../../src/main/windows';
import { FakeBrowserWindow, electron, resetElectronMock } from './electron-mock';

type Session = Electron.Session;

beforeEach(() => resetElectronMock());

describe('window options', () => {
  it('sandbox, context isolation, no Node, web security on', () => {
    const prefs = mainWindowOptions({ preload: '/app/dist/preload/index.cjs', devTools: false }).webPreferences;
    expect(prefs).toMatchObject({
      preload: '/app/dist/preload/index.cjs',
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      devTools: false,
    });
  });
});

describe('the window manager', () => {
  const open = (platform: NodeJS.Platform = 'linux') => createWindowManager({ preload: '/app/dist/preload/index.cjs', devTools: false, platform });

  it('creates one hardened window on first show and loads the renderer from app://', () => {
    const windows = open();
    windows.show();
    expect(FakeBrowserWindow.instances).toHaveLength(1);
    const win = FakeBrowserWindow.instances[0]!;
    expect(win.options).toMatchObject({ show: false, webPreferences: { sandbox: true } });
    expect(win.loadURL).toHaveBeenCalledWith('app://renderer/index.html');
    win.emit('ready-to-show');
    expect(win.visible).toBe(true);
    expect(win.webContents.windowOpenHandler).not.toBeNull();
  });

  it('shows, restores and focuses the same window again, at a view', () => {
    const windows = open();
    windows.show('settings');
    const win = FakeBrowserWindow.instances[0]!;
    expect(win.loadURL).toHaveBeenLastCalledWith('app://renderer/index.html#settings');
    win.minimized = true;
    windows.show('logs');
    expect(FakeBrowserWindow.instances).toHaveLength(1);
    expect(win.loadURL).toHaveBeenLastCalledWith('app://renderer/index.html#logs');
    expect(win.restore).toHaveBeenCalled();
    expect(win.focus).toHaveBeenCalled();
    expect(windows.current()).toBe(win);
  });

  it('activates the menu-bar app on macOS so the window comes to the front', () => {
    const windows = open('darwin');
    windows.show();
    FakeBrowserWindow.instances[0]!.emit('ready-to-show');
    windows.show('chat');
    expect(electron.app.focus.mock.calls).toEqual([[{ steal: true }], [{ steal: true }]]);
    const linux = open('linux');
    linux.show();
    FakeBrowserWindow.instances[1]!.emit('ready-to-show');
    expect(electron.app.focus).toHaveBeenCalledTimes(2);
  });

  it('hides on close (the app stays in the tray) until quitting', () => {
    const windows = open();
    windows.show();
    const win = FakeBrowserWindow.instances[0]!;
    win.emit('ready-to-show');
    expect(win.userClose()).toBe(false);
    expect(win.visible).toBe(false);
    expect(windows.current()).toBe(win);
    windows.allowClose();
    expect(win.userClose()).toBe(true);
    expect(windows.current()).toBeNull();
    windows.show();
    expect(FakeBrowserWindow.instances).toHaveLength(2);
  });

  it('lets Windows end the session', () => {
    const windows = open();
    windows.show();
    const win = FakeBrowserWindow.instances[0]!;
    win.emit('session-end');
    expect(win.userClose()).toBe(true);
  });

  it('blocks navigation; a plain web link goes to the browser', () => {
    open().show();
    const contents = FakeBrowserWindow.instances[0]!.webContents;
    const navigate = (url: string): boolean => {
      let prevented = false;
      contents.emit('will-navigate', { preventDefault: () => (prevented = true) }, url);
      return prevented;
    };
    expect(navigate('https://docs.clawd.bot/')).toBe(true);
    expect(electron.shell.openExternal).toHaveBeenCalledWith('https://docs.clawd.bot/');
    expect(navigate('file:///etc/passwd')).toBe(true);
    expect(navigate('javascript:alert(1)')).toBe(true);
    expect(electron.shell.openExternal).toHaveBeenCalledTimes(1);
  });

  it('denies new windows, opening only safe links externally', () => {
    open().show();
    const contents = FakeBrowserWindow.instances[0]!.webContents;
    expect(contents.windowOpenHandler?.({ url: 'https://github.com/clawdbot' })).toEqual({ action: 'deny' });
    expect(contents.windowOpenHandler?.({ url: 'smb://share/x' })).toEqual({ action: 'deny' });
    expect(electron.shell.openExternal.mock.calls).toEqual([['https://github.com/clawdbot']]);
  });

  it('blocks webviews and redirects away from app://', () => {
    open().show();
    const contents = FakeBrowserWindow.instances[0]!.webContents;
    const prevented = vi.fn();
    contents.emit('will-attach-webview', { preventDefault: prevented });
    contents.emit('will-redirect', { preventDefault: prevented }, 'https://evil.example/');
    contents.emit('will-redirect', { preventDefault: prevented }, 'app://renderer/index.html');
    expect(prevented).toHaveBeenCalledTimes(2);
  });
});

describe('application menu', () => {
  it('keeps the editing key equivalents on macOS and drops the default menu bar elsewhere', () => {
    expect(appMenuTemplate('darwin')).toEqual([{ role: 'appMenu' }, { role: 'editMenu' }, { role: 'windowMenu' }]);
    installAppMenu('win32');
    expect(electron.Menu.setApplicationMenu).toHaveBeenCalledWith(null);
    installAppMenu('darwin');
    expect(electron.Menu.setApplicationMenu).toHaveBeenLastCalledWith({ template: appMenuTemplate('darwin') });
  });
});

describe('external links and permissions', () => {
  it('accepts only credential-free http(s) URLs', () => {
    expect(isSafeExternalUrl('https://example.com/a?b#c')).toBe(true);
    expect(isSafeExternalUrl('http://127.0.0.1:18789/')).toBe(true);
    for (const url of ['file:///etc/passwd', 'javascript:alert(1)', 'smb://host/share', 'https://user:pw@example.com/', 'mailto:a@b', 'notaurl', 'app://renderer/']) {
      expect(isSafeExternalUrl(url), url).toBe(false);
    }
  });

  it('denies every permission request except clipboard writes from our page', () => {
    denyPermissions(electron.session.defaultSession as unknown as Session);
    const request = electron.session.defaultSession.setPermissionRequestHandler.mock.calls[0]?.[0] as (c: unknown, p: string, cb: (ok: boolean) => void) => void;
    const check = electron.session.defaultSession.setPermissionCheckHandler.mock.calls[0]?.[0] as (c: unknown, p: string, origin: string) => boolean;
    const answer = (permission: string, url: string): boolean => {
      let granted: boolean | undefined;
      request({ getURL: () => url }, permission, (ok) => (granted = ok));
      return granted as boolean;
    };
    for (const permission of ['media', 'geolocation', 'notifications', 'openExternal', 'fullscreen', 'clipboard-read']) {
      expect(answer(permission, 'app://renderer/index.html'), permission).toBe(false);
      expect(check(null, permission, 'app://renderer'), permission).toBe(false);
    }
    expect(answer('clipboard-sanitized-write', 'app://renderer/index.html')).toBe(true);
    expect(answer('clipboard-sanitized-write', 'https://evil.example/')).toBe(false);
    expect(check(null, 'clipboard-sanitized-write', 'app://renderer')).toBe(true);
    expect(isPermissionAllowed('clipboard-sanitized-write', 'file:///x')).toBe(false);
  });
});
