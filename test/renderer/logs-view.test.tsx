// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { getByRole } from './by-role';
import { FakeDesktopApi } from './fake-desktop-api';
import { inAct, renderApp, typeInto, type Rendered } from './render-app';

let view: Rendered | undefined;
afterEach(() => view?.unmount());

describe('Logs', () => {
  it('tails app and gateway lines live and filters them', async () => {
    const api = new FakeDesktopApi();
    api.handle('getLogs', () => [{ source: 'app', ts: 1, level: 'info', text: 'tray ready' }]);
    view = await renderApp({ api, view: 'logs' });
    await inAct(() => api.emit('log', { source: 'gateway', ts: 2, level: 'warn', text: 'health check slow' }));
    const lines = () => Array.from(getByRole(view!.container, 'list', { name: 'Log lines' }).querySelectorAll('.log-text'), (el) => el.textContent);
    expect(lines()).toEqual(['tray ready', 'health check slow']);
    await typeInto(getByRole(view.container, 'searchbox', { name: 'Filter logs' }), 'HEALTH');
    expect(lines()).toEqual(['health check slow']);
  });
});
