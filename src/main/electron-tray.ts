// The real tray behind TrayFactory: an electron Tray whose context menu is rebuilt from TrayMenuItems.

import { Menu, Tray, nativeImage, type MenuItemConstructorOptions } from 'electron';
import { join } from 'node:path';
import type { TrayAction, TrayMenuItem } from './tray-menu';
import type { TrayFactory, TrayHandle } from './tray';

export function toMenuTemplate(items: TrayMenuItem[], onAction: (action: TrayAction) => void): MenuItemConstructorOptions[] {
  return items.map((item): MenuItemConstructorOptions => {
    if (item.type === 'separator') return { type: 'separator' };
    const { action } = item;
    return {
      type: item.type,
      label: item.label ?? '',
      enabled: item.enabled ?? true,
      ...(item.checked !== undefined ? { checked: item.checked } : {}),
      ...(action ? { click: () => onAction(action) } : {}),
    };
  });
}

export function electronTrayFactory(iconDir: string, platform: NodeJS.Platform): TrayFactory {
  const image = (file: string): Electron.NativeImage => nativeImage.createFromPath(join(iconDir, file));
  return (initialIconFile) => {
    const tray = new Tray(image(initialIconFile));
    // Windows opens a tray's menu only on right click; a left click should do the same.
    if (platform === 'win32') tray.on('click', () => tray.popUpContextMenu());
    const handle: TrayHandle = {
      setIcon: (file) => tray.setImage(image(file)),
      setToolTip: (text) => tray.setToolTip(text),
      setMenu: (items, onAction) => tray.setContextMenu(Menu.buildFromTemplate(toMenuTemplate(items, onAction))),
      destroy: () => tray.destroy(),
    };
    return handle;
  };
}
