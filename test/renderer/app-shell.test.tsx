// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import type { HostKeyPrompt } from '../../src/shared/desktop-api';
import { getByRole, queryAllByRole, queryByRole } from './by-role';
import { FakeDesktopApi, desktopState } from './fake-desktop-api';
import { click, inAct, pressKey, renderApp, type Rendered } from './render-app';

const STATUS_WORDS = /^(Connected|Connecting|Reconnecting|Degraded|Disconnected|Failed|Not configured)/;

const prompt = (kind: HostKeyPrompt['kind']): HostKeyPrompt => ({
  id: 'hk1',
  host: 'box.example.com',
  port: 22,
  keyType: 'ssh-ed25519',
  fingerprint: 'SHA256:newnewnewnewnewnewnewnewnewnewnewnewnewnewn',
  kind,
  ...(kind === 'changed' ? { previousFingerprint: 'SHA256:oldoldoldoldoldoldoldoldoldoldoldoldoldoldo' } : {}),
});

let view: Rendered | undefined;
afterEach(() => view?.unmount());

describe('the window', () => {
  it('has one gateway status live region that starts with a status word', async () => {
    const api = new FakeDesktopApi();
    api.state = desktopState({ mode: 'unconfigured', phase: 'idle', statusText: 'Not configured', gatewayConnected: false });
    view = await renderApp({ api });
    const regions = queryAllByRole(view.container, 'status');
    expect(regions).toHaveLength(1);
    expect(getByRole(view.container, 'status', { name: 'Gateway status' }).textContent).toMatch(STATUS_WORDS);
    await inAct(() => api.setState({ mode: 'local', phase: 'degraded', statusText: 'Degraded: 2 health checks missed' }));
    expect(regions[0]!.textContent).toBe('Degraded: 2 health checks missed');
    await inAct(() => view!.store.getState().actions.setAppLink(false));
    expect(regions[0]!.textContent).toMatch(/^Disconnected from the Clawdbot app/);
  });

  it('moves between views with the arrow keys of a proper tablist', async () => {
    view = await renderApp();
    const tablist = getByRole(view.container, 'tablist', { name: 'Views' });
    const chat = getByRole(tablist, 'tab', { name: 'WebChat' });
    expect(chat.getAttribute('aria-selected')).toBe('true');
    expect(chat.tabIndex).toBe(0);
    expect(getByRole(tablist, 'tab', { name: 'Health' }).tabIndex).toBe(-1);
    expect(getByRole(view.container, 'tabpanel', { name: 'WebChat' })).toBeTruthy();
    chat.focus();
    await pressKey(chat, 'ArrowRight');
    const health = getByRole(tablist, 'tab', { name: 'Health' });
    expect(health.getAttribute('aria-selected')).toBe('true');
    expect(document.activeElement).toBe(health);
    getByRole(view.container, 'tabpanel', { name: 'Health' });
    await pressKey(health, 'End');
    expect(getByRole(tablist, 'tab', { name: 'Logs' }).getAttribute('aria-selected')).toBe('true');
    await pressKey(health, 'ArrowRight');
    expect(getByRole(tablist, 'tab', { name: 'WebChat' }).getAttribute('aria-selected')).toBe('true');
  });

  it('asks about an unknown host key with its fingerprint, and Accept answers yes', async () => {
    const api = new FakeDesktopApi();
    view = await renderApp({ api });
    await inAct(() => api.setState({ hostKeyPrompt: prompt('unknown') }));
    const dialog = getByRole(view.container, 'dialog', { name: 'Trust the SSH host box.example.com?' });
    expect(dialog.textContent).toContain('SHA256:newnewnewnewnewnewnewnewnewnewnewnewnewnewn');
    expect(document.activeElement).toBe(getByRole(dialog, 'button', { name: 'Accept' }));
    // The rest of the window is inert while the question is open.
    expect(queryByRole(view.container, 'tablist')).toBeNull();
    await click(getByRole(dialog, 'button', { name: 'Accept' }));
    expect(api.callsOf('answerHostKey')).toEqual([{ id: 'hk1', accept: true }]);
    expect(queryByRole(view.container, 'dialog')).toBeNull();
  });

  it('warns about a changed host key with Reject focused, and Escape rejects', async () => {
    const api = new FakeDesktopApi();
    view = await renderApp({ api });
    await inAct(() => api.setState({ hostKeyPrompt: prompt('changed') }));
    const dialog = getByRole(view.container, 'alertdialog', { name: 'Warning: the host key for box.example.com has changed' });
    expect(dialog.textContent).toContain('SHA256:oldoldoldoldoldoldoldoldoldoldoldoldoldoldo');
    expect(dialog.textContent).toContain('SHA256:newnewnewnewnewnewnewnewnewnewnewnewnewnewn');
    const reject = getByRole(dialog, 'button', { name: 'Reject' });
    expect(document.activeElement).toBe(reject);
    await pressKey(reject, 'Tab');
    expect(document.activeElement).toBe(getByRole(dialog, 'button', { name: 'Accept' }));
    await pressKey(dialog, 'Tab');
    expect(document.activeElement).toBe(reject);
    await pressKey(reject, 'Escape');
    expect(api.callsOf('answerHostKey')).toEqual([{ id: 'hk1', accept: false }]);
  });
});
