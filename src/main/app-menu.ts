// The application menu. A tray app shows no menu bar, but on macOS the menu still carries the key
// equivalents (Cmd+C/V/X/A/Z in text fields, Cmd+W), so it keeps the App, Edit and Window roles. On
// Windows and Linux, Electron's default menu bar (with Reload and Toggle Developer Tools) is removed;
// Chromium handles the editing shortcuts there by itself.

import { Menu, type MenuItemConstructorOptions } from 'electron';

export function appMenuTemplate(platform: NodeJS.Platform): MenuItemConstructorOptions[] | null {
  return platform === 'darwin' ? [{ role: 'appMenu' }, { role: 'editMenu' }, { role: 'windowMenu' }] : null;
}

export function installAppMenu(platform: NodeJS.Platform): void {
  const template = appMenuTemplate(platform);
  Menu.setApplicationMenu(template ? Menu.buildFromTemplate(template) : null);
}
