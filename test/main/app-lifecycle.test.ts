import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', async () => (await import('./electron-mock')).electron);

import { SHUTDOWN_DEADLINE_MS, claimSingleInstance, quitCleanly, runAsTrayApp } from '../../src/main/app-lifecycle';
import { electron, resetElectronMock } from './electron-mock';

type App = Electron.App;
type PowerMonitor = Electron.PowerMonitor;

const app = electron.app as unknown as App;
const power = electron.powerMonitor as unknown as PowerMonitor;

function beforeQuit(): boolean {
  let prevented = false;
  electron.app.emit('before-quit', { preventDefault: () => (prevented = true) });
  return prevented;
}

beforeEach(() => resetElectronMock());
afterEach(() => vi.useRealTimers());

describe('single instance', () => {
  it('a second launch shows the first instance', () => {
    const show = vi.fn();
    expect(claimSingleInstance(app, show)).toBe(true);
    electron.app.emit('second-instance', {}, ['clawdbot'], '/');
    expect(show).toHaveBeenCalledTimes(1);
    electron.app.emit('activate'); // macOS: reopened from Finder or Spotlight
    expect(show).toHaveBeenCalledTimes(2);
  });

  it('the second instance learns it must quit', () => {
    electron.app.requestSingleInstanceLock.mockReturnValue(false);
    const show = vi.fn();
    expect(claimSingleInstance(app, show)).toBe(false);
    expect(electron.app.listenerCount('second-instance')).toBe(0);
  });
});

describe('tray app', () => {
  it('has no Dock icon and survives closing its last window', () => {
    runAsTrayApp(app);
    expect(electron.app.dock?.hide).toHaveBeenCalled();
    expect(electron.app.listenerCount('window-all-closed')).toBe(1);
  });

  it('works without a Dock (Linux, Windows)', () => {
    electron.app.dock = undefined;
    expect(() => runAsTrayApp(app)).not.toThrow();
  });
});

describe('quitting', () => {
  it('stops what the app started, then quits for real', async () => {
    const order: string[] = [];
    let finish!: () => void;
    const shutdown = vi.fn(() => new Promise<void>((resolve) => (finish = () => { order.push('shutdown done'); resolve(); })));
    quitCleanly({ app, power, beforeShutdown: () => order.push('before'), shutdown });
    expect(beforeQuit()).toBe(true);
    expect(beforeQuit()).toBe(true); // a second Quit click while stopping changes nothing
    expect(shutdown).toHaveBeenCalledTimes(1);
    expect(electron.app.quit).not.toHaveBeenCalled();
    finish();
    await vi.waitFor(() => expect(electron.app.quit).toHaveBeenCalledTimes(1));
    expect(order).toEqual(['before', 'shutdown done']);
    expect(beforeQuit()).toBe(false); // the real quit goes through
  });

  it('never waits longer than the deadline', async () => {
    vi.useFakeTimers();
    quitCleanly({ app, power, beforeShutdown: () => undefined, shutdown: () => new Promise<void>(() => undefined) });
    beforeQuit();
    await vi.advanceTimersByTimeAsync(SHUTDOWN_DEADLINE_MS - 1);
    expect(electron.app.quit).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(electron.app.quit).toHaveBeenCalledTimes(1);
  });

  it('quits even when shutdown fails', async () => {
    quitCleanly({ app, power, beforeShutdown: () => undefined, shutdown: () => Promise.reject(new Error('tunnel stuck')) });
    beforeQuit();
    await vi.waitFor(() => expect(electron.app.quit).toHaveBeenCalledTimes(1));
  });

  it('starts quitting when the OS shuts down, without holding it up', () => {
    quitCleanly({ app, power, beforeShutdown: () => undefined, shutdown: async () => undefined });
    const prevent = vi.fn();
    electron.powerMonitor.emit('shutdown', { preventDefault: prevent });
    expect(prevent).not.toHaveBeenCalled();
    expect(electron.app.quit).toHaveBeenCalledTimes(1);
  });
});
