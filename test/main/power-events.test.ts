import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', async () => (await import('./electron-mock')).electron);

import { NETWORK_POLL_MS, kickOnNetworkBack, kickOnWake } from '../../src/main/power-events';
import { electron, resetElectronMock } from './electron-mock';
import { createFakeCore } from './fake-core';

type PowerMonitor = Electron.PowerMonitor;

beforeEach(() => resetElectronMock());
afterEach(() => vi.useRealTimers());

describe('wake and network kicks', () => {
  it('resume and unlock kick the core at once', () => {
    const core = createFakeCore();
    const stop = kickOnWake(electron.powerMonitor as unknown as PowerMonitor, core);
    electron.powerMonitor.emit('resume');
    electron.powerMonitor.emit('unlock-screen');
    electron.powerMonitor.emit('lock-screen');
    expect(core.kick.mock.calls).toEqual([['resume'], ['unlock']]);
    stop();
    electron.powerMonitor.emit('resume');
    expect(core.kick).toHaveBeenCalledTimes(2);
  });

  it('coming back online kicks the core; going offline does not', () => {
    vi.useFakeTimers();
    const core = createFakeCore();
    let online = true;
    const stop = kickOnNetworkBack(() => online, core);
    online = false;
    vi.advanceTimersByTime(NETWORK_POLL_MS);
    expect(core.kick).not.toHaveBeenCalled();
    vi.advanceTimersByTime(NETWORK_POLL_MS * 3);
    online = true;
    vi.advanceTimersByTime(NETWORK_POLL_MS);
    expect(core.kick.mock.calls).toEqual([['network']]);
    vi.advanceTimersByTime(NETWORK_POLL_MS * 3);
    expect(core.kick).toHaveBeenCalledTimes(1);
    stop();
    online = false;
    vi.advanceTimersByTime(NETWORK_POLL_MS);
    online = true;
    vi.advanceTimersByTime(NETWORK_POLL_MS);
    expect(core.kick).toHaveBeenCalledTimes(1);
  });
});
