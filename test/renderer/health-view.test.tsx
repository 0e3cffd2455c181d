// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { getByRole } from './by-role';
import { FakeDesktopApi, desktopState } from './fake-desktop-api';
import { click, renderApp, type Rendered } from './render-app';

let view: Rendered | undefined;
afterEach(() => view?.unmount());

describe('Health', () => {
  it('shows latency, version, uptime, sessions and the last error with its hint', async () => {
    const api = new FakeDesktopApi();
    api.state = desktopState({
      lastError: { errorClass: 'AuthFailed', message: 'The gateway refused the token.', hint: 'Paste the token from the gateway host.', retryable: false },
    });
    view = await renderApp({ api, view: 'health' });
    const panel = getByRole(view.container, 'tabpanel', { name: 'Health' });
    expect(getByRole(panel, 'img', { name: 'Latency over the last 5 checks: 3 to 6 ms, latest 4 ms' }).tagName.toLowerCase()).toBe('svg');
    expect(panel.textContent).toContain('2026.1.24-3');
    expect(panel.textContent).toContain('1 h 2 min');
    expect(panel.textContent).toContain('Sessions2');
    const error = getByRole(panel, 'alert', { name: 'Last error' });
    expect(error.textContent).toBe('The gateway refused the token.Paste the token from the gateway host.');
  });

  it('reconnects now and loads the deep status on demand', async () => {
    view = await renderApp({ view: 'health' });
    await click(getByRole(view.container, 'button', { name: 'Reconnect now' }));
    expect(view.api.callsOf('reconnectNow')).toHaveLength(1);
    await click(getByRole(view.container, 'button', { name: 'Show deep status' }));
    expect(getByRole(view.container, 'region', { name: 'Deep status result' }).textContent).toContain('"count": 2');
  });

  it('copies the diagnostics, or shows them when the clipboard is not available', async () => {
    const copied: string[] = [];
    Object.defineProperty(navigator, 'clipboard', { configurable: true, value: { writeText: async (t: string) => void copied.push(t) } });
    const api = new FakeDesktopApi();
    api.handle('copyDiagnostics', () => ({ text: 'mode: local' }));
    view = await renderApp({ api, view: 'health' });
    await click(getByRole(view.container, 'button', { name: 'Copy diagnostics' }));
    expect(copied).toEqual(['mode: local']);
    expect(view.container.textContent).toContain('Diagnostics copied');

    Object.defineProperty(navigator, 'clipboard', { configurable: true, value: { writeText: async () => Promise.reject(new Error('denied')) } });
    await click(getByRole(view.container, 'button', { name: 'Copy diagnostics' }));
    expect((getByRole(view.container, 'textbox', { name: 'Diagnostics to copy' }) as HTMLTextAreaElement).value).toBe('mode: local');
  });
});
