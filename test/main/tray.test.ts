import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', async () => (await import('./electron-mock')).electron);

import { electronTrayFactory, toMenuTemplate } from '../../src/main/electron-tray';
import { startTrayService, type TrayHandle } from '../../src/main/tray';
import type { TrayAction, TrayMenuItem } from '../../src/main/tray-menu';
import { FakeTray, electron, resetElectronMock } from './electron-mock';
import { createFakeCore } from './fake-core';

beforeEach(() => resetElectronMock());

function recordingTray() {
  const created: string[] = [];
  const trays: (TrayHandle & { icons: string[]; tooltips: string[]; menus: TrayMenuItem[][]; onAction?: (a: TrayAction) => void; destroyed: boolean })[] = [];
  const factory = (icon: string) => {
    created.push(icon);
    const t = {
      icons: [] as string[], tooltips: [] as string[], menus: [] as TrayMenuItem[][], destroyed: false,
      onAction: undefined as ((a: TrayAction) => void) | undefined,
      setIcon: (f: string) => void t.icons.push(f),
      setToolTip: (s: string) => void t.tooltips.push(s),
      setMenu: (items: TrayMenuItem[], onAction: (a: TrayAction) => void) => {
        t.menus.push(items);
        t.onAction = onAction;
      },
      destroy: () => void (t.destroyed = true),
    };
    trays.push(t);
    return t;
  };
  return { factory, created, trays };
}

describe('tray service (injected tray factory)', () => {
  it('renders the current state at once and rebuilds the whole menu on every change', () => {
    const core = createFakeCore({ mode: 'unconfigured', phase: 'idle', statusText: 'Not configured: choose Local or Remote in Settings' });
    const { factory, created, trays } = recordingTray();
    let startAtLogin = false;
    const onAction = vi.fn();
    const service = startTrayService({ core, createTray: factory, context: () => ({ startAtLogin }), onAction, platform: 'darwin' });
    expect(created).toEqual(['tray-idleTemplate.png']);
    const tray = trays[0]!;
    expect(tray.tooltips).toEqual(['Clawdbot: Not configured: choose Local or Remote in Settings']);
    expect(tray.menus).toHaveLength(1);

    core.setState({ mode: 'remote', phase: 'reconnecting', statusText: 'Reconnecting to the remote via box' });
    expect(tray.icons.at(-1)).toBe('tray-connectingTemplate.png');
    expect(tray.tooltips.at(-1)).toBe('Clawdbot: Reconnecting to the remote via box');
    expect(tray.menus).toHaveLength(2);
    expect(tray.menus[1]?.[0]?.label).toBe('Reconnecting to the remote via box');

    startAtLogin = true;
    service.refresh();
    expect(tray.menus[2]?.find((i) => i.label === 'Start at Login')?.checked).toBe(true);

    tray.onAction?.({ kind: 'quit' });
    expect(onAction).toHaveBeenCalledWith({ kind: 'quit' });

    service.dispose();
    expect(tray.destroyed).toBe(true);
    expect(core.listenerCount('state')).toBe(0);
  });
});

describe('electron tray adapter', () => {
  it('turns menu items into an electron template whose clicks send the actions', () => {
    const onAction = vi.fn();
    const template = toMenuTemplate(
      [
        { type: 'normal', label: 'Connected', enabled: false },
        { type: 'separator' },
        { type: 'radio', label: 'Local (this machine)', checked: true, action: { kind: 'setMode', mode: 'local' } },
        { type: 'checkbox', label: 'Start at Login', checked: false, action: { kind: 'toggleStartAtLogin' } },
      ],
      onAction,
    );
    expect(template[0]).toEqual({ type: 'normal', label: 'Connected', enabled: false });
    expect(template[1]).toEqual({ type: 'separator' });
    expect(template[2]).toMatchObject({ type: 'radio', label: 'Local (this machine)', checked: true, enabled: true });
    template[2]?.click?.({} as never, undefined, {} as never);
    template[3]?.click?.({} as never, undefined, {} as never);
    expect(onAction.mock.calls).toEqual([[{ kind: 'setMode', mode: 'local' }], [{ kind: 'toggleStartAtLogin' }]]);
  });

  it('creates an electron Tray from the icon folder and sets its menu', () => {
    const handle = electronTrayFactory('/app/assets/tray', 'linux')('tray-idle.png');
    const tray = FakeTray.instances[0]!;
    expect(tray.image).toEqual({ path: '/app/assets/tray/tray-idle.png' });
    handle.setIcon('tray-connected.png');
    expect(tray.setImage).toHaveBeenCalledWith({ path: '/app/assets/tray/tray-connected.png' });
    handle.setToolTip('Clawdbot: Connected');
    expect(tray.setToolTip).toHaveBeenCalledWith('Clawdbot: Connected');
    handle.setMenu([{ type: 'normal', label: 'Quit Clawdbot', action: { kind: 'quit' } }], () => undefined);
    expect(electron.Menu.buildFromTemplate).toHaveBeenCalledTimes(1);
    expect(tray.setContextMenu).toHaveBeenCalledTimes(1);
    tray.emit('click');
    expect(tray.popUpContextMenu).not.toHaveBeenCalled();
    handle.destroy();
    expect(tray.destroy).toHaveBeenCalled();
  });

  it('opens the menu on a left click on Windows', () => {
    electronTrayFactory('/icons', 'win32')('tray-idle.png');
    FakeTray.instances[0]!.emit('click');
    expect(FakeTray.instances[0]!.popUpContextMenu).toHaveBeenCalled();
  });
});
