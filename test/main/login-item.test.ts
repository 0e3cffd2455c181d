import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', async () => (await import('./electron-mock')).electron);

import { setStartAtLogin, wasStartedAtLogin } from '../../src/main/login-item';
import { observeStartAtLogin } from '../../src/main/start-at-login-sync';
import { DEFAULT_SETTINGS } from '../../src/shared/settings';
import { electron, resetElectronMock } from './electron-mock';
import { createFakeCore } from './fake-core';

beforeEach(() => resetElectronMock());

describe('start at login', () => {
  it('uses the OS login item on macOS and Windows, started hidden', () => {
    setStartAtLogin(true, 'darwin', {});
    setStartAtLogin(false, 'win32', {});
    expect(electron.app.setLoginItemSettings.mock.calls).toEqual([[{ openAtLogin: true, args: ['--hidden'] }], [{ openAtLogin: false, args: ['--hidden'] }]]);
  });

  it('writes an autostart entry on Linux, for the AppImage when there is one', () => {
    const home = mkdtempSync(join(tmpdir(), 'clawdbot-login-'));
    try {
      setStartAtLogin(true, 'linux', { HOME: home, APPIMAGE: '/home/a/Clawdbot.AppImage' });
      expect(readFileSync(join(home, '.config', 'autostart', 'clawdbot.desktop'), 'utf8')).toContain('Exec="/home/a/Clawdbot.AppImage" --hidden');
      expect(electron.app.setLoginItemSettings).not.toHaveBeenCalled();
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  it('knows it was started at login', () => {
    expect(wasStartedAtLogin(['/opt/clawdbot', '--hidden'], 'linux')).toBe(true);
    expect(wasStartedAtLogin(['/opt/clawdbot'], 'linux')).toBe(false);
    electron.app.getLoginItemSettings.mockReturnValue({ openAtLogin: true, wasOpenedAtLogin: true });
    expect(wasStartedAtLogin(['/Applications/Clawdbot.app/Contents/MacOS/Clawdbot'], 'darwin')).toBe(true);
    expect(wasStartedAtLogin(['C:\\Clawdbot.exe'], 'win32')).toBe(false);
  });

  it('learns the setting from every getSettings/saveSettings answer', async () => {
    const core = createFakeCore({}, { saveSettings: { ...DEFAULT_SETTINGS, startAtLogin: true } });
    const seen: boolean[] = [];
    const wrapped = observeStartAtLogin(core, (v) => seen.push(v));
    await wrapped.call('getSettings', undefined);
    await wrapped.call('saveSettings', { startAtLogin: true });
    await wrapped.call('reconnectNow', undefined);
    expect(seen).toEqual([false, true]);
    wrapped.kick('user');
    await wrapped.shutdown();
    expect(core.kick).toHaveBeenCalledWith('user');
    expect(core.shutdown).toHaveBeenCalled();
    expect(wrapped.getState()).toBe(core.state);
  });
});
