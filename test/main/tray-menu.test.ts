import { describe, expect, it } from 'vitest';
import type { DesktopState } from '../../src/shared/desktop-api';
import { buildTrayMenu, primaryAction, type TrayMenuItem } from '../../src/main/tray-menu';
import { trayIconFile, trayIconKind, trayTooltip } from '../../src/main/tray-icon';
import { makeState } from './fake-core';

/** The item in the body of the menu (the primary action at the top may share its label). */
function item(menu: TrayMenuItem[], label: string): TrayMenuItem {
  const found = [...menu].reverse().find((i) => i.label === label);
  if (!found) throw new Error(`no menu item "${label}" in ${menu.map((i) => i.label ?? '—').join(' | ')}`);
  return found;
}

const labels = (menu: TrayMenuItem[]): string[] => menu.map((i) => (i.type === 'separator' ? '---' : (i.label ?? '')));
const checkedModes = (menu: TrayMenuItem[]): string[] => menu.filter((i) => i.type === 'radio' && i.checked).map((i) => i.label ?? '');

const authError = { errorClass: 'SshAuthFailed', message: 'box refused the key', hint: 'Add your key to the agent.', retryable: false } as const;

const STATES: Record<string, Partial<DesktopState>> = {
  unconfigured: { mode: 'unconfigured', phase: 'idle', statusText: 'Not configured: choose Local or Remote in Settings', endpointUrl: null, local: null },
  localReady: {},
  remoteReconnecting: { mode: 'remote', phase: 'reconnecting', statusText: 'Reconnecting to the remote via box (attempt 3, next try in 8 s)', local: null },
  remoteAuthFailed: { mode: 'remote', phase: 'failed', statusText: 'Failed: box refused the key', lastError: authError, endpointUrl: null },
  degraded: { phase: 'degraded', statusText: 'Degraded: the local gateway missed 2 health checks' },
  stopping: { phase: 'stopping', statusText: 'Disconnected: stopping the local gateway' },
};

describe('tray menu template', () => {
  it('is flat, in the documented order, for every state', () => {
    for (const patch of Object.values(STATES)) {
      const menu = buildTrayMenu(makeState(patch), { startAtLogin: false });
      expect(labels(menu).slice(2)).toEqual([
        '---', 'Clawdbot runs:', 'Local (this machine)', 'Remote over SSH', 'Not configured', '---',
        'Open WebChat', 'Health', 'Reconnect Now', 'Copy Gateway URL', 'Copy Diagnostics', 'View Logs', 'Settings…', '---',
        'Start at Login', 'Quit Clawdbot',
      ]);
      expect(menu.every((i) => !('submenu' in i))).toBe(true);
    }
  });

  it('starts with the status line, disabled, from statusText', () => {
    const menu = buildTrayMenu(makeState(STATES.remoteReconnecting), { startAtLogin: false });
    expect(menu[0]).toEqual({ type: 'normal', label: 'Reconnecting to the remote via box (attempt 3, next try in 8 s)', enabled: false });
  });

  it('shortens a very long status line', () => {
    const menu = buildTrayMenu(makeState({ statusText: `Failed: ${'x'.repeat(300)}` }), { startAtLogin: false });
    expect(menu[0]?.label?.length).toBe(80);
    expect(menu[0]?.label?.endsWith('…')).toBe(true);
  });

  it('checks the radio item of the current mode, and only that one', () => {
    expect(checkedModes(buildTrayMenu(makeState(STATES.unconfigured), { startAtLogin: false }))).toEqual(['Not configured']);
    expect(checkedModes(buildTrayMenu(makeState(STATES.localReady), { startAtLogin: false }))).toEqual(['Local (this machine)']);
    expect(checkedModes(buildTrayMenu(makeState(STATES.remoteReconnecting), { startAtLogin: false }))).toEqual(['Remote over SSH']);
  });

  it('radio items switch the mode', () => {
    const menu = buildTrayMenu(makeState(), { startAtLogin: false });
    expect(item(menu, 'Remote over SSH').action).toEqual({ kind: 'setMode', mode: 'remote' });
    expect(item(menu, 'Local (this machine)').action).toEqual({ kind: 'setMode', mode: 'local' });
  });

  it('enables what makes sense: nothing to reconnect or copy when unconfigured', () => {
    const menu = buildTrayMenu(makeState(STATES.unconfigured), { startAtLogin: false });
    expect(item(menu, 'Open WebChat').enabled).toBe(false);
    expect(item(menu, 'Reconnect Now').enabled).toBe(false);
    expect(item(menu, 'Copy Gateway URL').enabled).toBe(false);
    expect(item(menu, 'Copy Diagnostics').enabled).toBeUndefined(); // always available
    const ready = buildTrayMenu(makeState(STATES.localReady), { startAtLogin: false });
    expect(item(ready, 'Open WebChat').enabled).toBe(true);
    expect(item(ready, 'Reconnect Now').enabled).toBe(true);
    expect(item(ready, 'Copy Gateway URL').enabled).toBe(true);
    expect(item(buildTrayMenu(makeState(STATES.stopping), { startAtLogin: false }), 'Reconnect Now').enabled).toBe(false);
  });

  it('shows Start at login as a checkbox from the context', () => {
    expect(item(buildTrayMenu(makeState(), { startAtLogin: true }), 'Start at Login')).toMatchObject({ type: 'checkbox', checked: true });
    expect(item(buildTrayMenu(makeState(), { startAtLogin: false }), 'Start at Login')).toMatchObject({ type: 'checkbox', checked: false });
  });

  it('opens the right views and quits', () => {
    const menu = buildTrayMenu(makeState(), { startAtLogin: false });
    expect(item(menu, 'Health').action).toEqual({ kind: 'open', view: 'health' });
    expect(item(menu, 'View Logs').action).toEqual({ kind: 'open', view: 'logs' });
    expect(item(menu, 'Settings…').action).toEqual({ kind: 'open', view: 'settings' });
    expect(item(menu, 'Quit Clawdbot').action).toEqual({ kind: 'quit' });
  });
});

describe('primary action', () => {
  it('fits the state', () => {
    const primary = (patch: Partial<DesktopState>): string | undefined => primaryAction(makeState(patch)).label;
    expect(primary(STATES.unconfigured!)).toBe('Set Up Clawdbot…');
    expect(primary(STATES.localReady!)).toBe('Open WebChat');
    expect(primary(STATES.degraded!)).toBe('Open WebChat');
    expect(primary(STATES.remoteReconnecting!)).toBe('Reconnect Now');
    expect(primary(STATES.remoteAuthFailed!)).toBe('Fix in Settings…');
    expect(primary({ mode: 'remote', phase: 'connecting', hostKeyPrompt: { id: 'k1', host: 'box', port: 22, keyType: 'ssh-ed25519', fingerprint: 'SHA256:abc', kind: 'unknown' } })).toBe('Review Host Key…');
  });

  it('is the second item of the menu', () => {
    const menu = buildTrayMenu(makeState(STATES.remoteReconnecting), { startAtLogin: false });
    expect(menu[1]).toEqual({ type: 'normal', label: 'Reconnect Now', action: { kind: 'reconnect' } });
  });
});

describe('tray icon and tooltip', () => {
  it('has one icon per kind of state', () => {
    expect(trayIconKind(makeState(STATES.unconfigured))).toBe('idle');
    expect(trayIconKind(makeState(STATES.localReady))).toBe('connected');
    expect(trayIconKind(makeState(STATES.remoteReconnecting))).toBe('connecting');
    expect(trayIconKind(makeState({ phase: 'starting' }))).toBe('connecting');
    expect(trayIconKind(makeState(STATES.degraded))).toBe('degraded');
    expect(trayIconKind(makeState(STATES.remoteAuthFailed))).toBe('failed');
    expect(trayIconKind(makeState(STATES.stopping))).toBe('idle');
    // Still trying, but only the user can fix it: shown as trouble.
    expect(trayIconKind(makeState({ phase: 'reconnecting', lastError: authError }))).toBe('failed');
  });

  it('uses template images on macOS only', () => {
    expect(trayIconFile('connected', 'darwin')).toBe('tray-connectedTemplate.png');
    expect(trayIconFile('connected', 'linux')).toBe('tray-connected.png');
    expect(trayIconFile('failed', 'win32')).toBe('tray-failed.png');
  });

  it('says the state in words, within the Windows limit', () => {
    expect(trayTooltip(makeState(STATES.remoteReconnecting))).toBe('Clawdbot: Reconnecting to the remote via box (attempt 3, next try in 8 s)');
    expect(trayTooltip(makeState({ statusText: 'y'.repeat(400) })).length).toBe(127);
  });
});
