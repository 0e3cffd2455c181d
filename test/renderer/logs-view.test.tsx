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

  it('keeps the rows in place when a full tail moves on by a line', async () => {
    const api = new FakeDesktopApi();
    api.handle('getLogs', () => Array.from({ length: 600 }, (_, i) => ({ source: 'gateway' as const, ts: i, level: 'info' as const, text: `line ${i}` })));
    view = await renderApp({ api, view: 'logs' });
    const rowFor = (text: string) => Array.from(view!.container.querySelectorAll('.log-line')).find((li) => li.querySelector('.log-text')?.textContent === text);
    const before = rowFor('line 300');
    await inAct(() => api.emit('log', { source: 'app', ts: 600, level: 'info', text: 'line 600' }));
    expect(rowFor('line 100')).toBeUndefined();
    expect(rowFor('line 600')).toBeDefined();
    expect(rowFor('line 300')).toBe(before);
  });
});
