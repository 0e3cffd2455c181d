import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', async () => (await import('./electron-mock')).electron);

import { LASTING_MS, createNotificationPolicy } from '../../src/main/notification-policy';
import { showElectronNotification, startNotifier } from '../../src/main/notifications';
import { FakeNotification, resetElectronMock } from './electron-mock';
import { createFakeCore } from './fake-core';

beforeEach(() => resetElectronMock());
afterEach(() => vi.useRealTimers());

describe('notifier', () => {
  it('wakes up when a drop has lasted 10 s, without a new state', () => {
    vi.useFakeTimers();
    const core = createFakeCore();
    const show = vi.fn();
    const stop = startNotifier({ core, policy: createNotificationPolicy({ now: () => Date.now() }), show });
    core.setState({ phase: 'reconnecting' });
    vi.advanceTimersByTime(LASTING_MS - 1);
    expect(show).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(show.mock.calls).toEqual([[expect.objectContaining({ title: 'Clawdbot is disconnected' })]]);
    core.setState({ phase: 'ready' });
    expect(show).toHaveBeenLastCalledWith(expect.objectContaining({ title: 'Clawdbot is connected again' }));
    stop();
    expect(core.listenerCount('state')).toBe(0);
  });

  it('a blip cancels the pending check', () => {
    vi.useFakeTimers();
    const core = createFakeCore();
    const show = vi.fn();
    startNotifier({ core, policy: createNotificationPolicy({ now: () => Date.now() }), show });
    core.setState({ phase: 'reconnecting' });
    vi.advanceTimersByTime(3_000);
    core.setState({ phase: 'ready' });
    vi.advanceTimersByTime(LASTING_MS * 2);
    expect(show).not.toHaveBeenCalled();
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('electron notifications', () => {
  it('shows the notice; a click opens its view', () => {
    const openView = vi.fn();
    showElectronNotification(openView)({ title: 'Clawdbot needs you', body: 'bad token. Fix it.', view: 'settings' });
    const n = FakeNotification.instances[0]!;
    expect(n.options).toEqual({ title: 'Clawdbot needs you', body: 'bad token. Fix it.' });
    expect(n.show).toHaveBeenCalled();
    n.emit('click');
    expect(openView).toHaveBeenCalledWith('settings');
  });

  it('does nothing where notifications are unsupported', () => {
    FakeNotification.isSupported = () => false;
    showElectronNotification(vi.fn())({ title: 't', body: 'b', view: 'chat' });
    expect(FakeNotification.instances).toHaveLength(0);
  });
});
