// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { parseGatewayOutput } from '../../src/desktop/gateway-output';
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

  it("shows a gateway line with one time and the gateway's own level", async () => {
    const api = new FakeDesktopApi();
    view = await renderApp({ api, view: 'logs' });
    // As the brain hands it over: parsed from the gateway logger's stderr line.
    const receivedAt = Date.parse('2026-11-25T10:20:01.250Z');
    const parsed = parseGatewayOutput('10:20:01 [gateway] warn: client slow conn=c1', 'stderr', receivedAt);
    await inAct(() => api.emit('log', { source: 'gateway', ...parsed }));
    const row = getByRole(view.container, 'list', { name: 'Log lines' }).querySelector('.log-line');
    expect(row?.className).toBe('log-line log-warn');
    expect(row?.querySelector('.log-level')?.textContent).toBe('warn');
    expect(row?.querySelector('.log-text')?.textContent).toBe('[gateway] client slow conn=c1');
    expect(row?.querySelector('time')?.getAttribute('dateTime')).toBe('2026-11-25T10:20:01.250Z');
    expect(row?.textContent?.match(/\d\d:\d\d:\d\d/g)).toHaveLength(1);
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
