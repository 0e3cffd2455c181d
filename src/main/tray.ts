// The tray service: renders DesktopState into icon, tooltip and menu on every change. The tray itself
// comes from an injected factory (electron-tray.ts in the app, a recorder in tests), so this file needs
// no electron.

import type { DesktopState } from '../shared/desktop-api';
import type { DesktopCore } from '../desktop/ports';
import { buildTrayMenu, type TrayAction, type TrayMenuContext, type TrayMenuItem } from './tray-menu';
import { trayIconFile, trayIconKind, trayTooltip } from './tray-icon';

export interface TrayHandle {
  setIcon(file: string): void;
  setToolTip(text: string): void;
  setMenu(items: TrayMenuItem[], onAction: (action: TrayAction) => void): void;
  destroy(): void;
}

export type TrayFactory = (initialIconFile: string) => TrayHandle;

export interface TrayServiceOptions {
  core: Pick<DesktopCore, 'getState' | 'on'>;
  createTray: TrayFactory;
  context: () => TrayMenuContext;
  onAction: (action: TrayAction) => void;
  platform: NodeJS.Platform;
}

export interface TrayService {
  /** Re-renders from the last state (e.g. after Start at login changed, which is not in DesktopState). */
  refresh(): void;
  dispose(): void;
}

export function startTrayService(options: TrayServiceOptions): TrayService {
  let state: DesktopState = options.core.getState();
  const tray = options.createTray(trayIconFile(trayIconKind(state), options.platform));

  const render = (): void => {
    tray.setIcon(trayIconFile(trayIconKind(state), options.platform));
    tray.setToolTip(trayTooltip(state));
    tray.setMenu(buildTrayMenu(state, options.context()), options.onAction);
  };

  const unsubscribe = options.core.on('state', (next) => {
    state = next;
    render();
  });
  render();

  return {
    refresh: render,
    dispose() {
      unsubscribe();
      tray.destroy();
    },
  };
}
