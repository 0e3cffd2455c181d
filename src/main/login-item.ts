// Start at login, started hidden (tray only): the OS login item on macOS and Windows, an XDG autostart
// entry on Linux. The app learns it was started at login from --hidden (Windows, Linux) or from
// wasOpenedAtLogin (macOS).

import { app } from 'electron';
import { HIDDEN_FLAG, setLinuxAutostart } from './linux-autostart';

export function setStartAtLogin(enabled: boolean, platform: NodeJS.Platform, env: Record<string, string | undefined>): void {
  if (platform === 'linux') {
    // Inside an AppImage, execPath is a temporary mount; APPIMAGE is the file the user has.
    setLinuxAutostart(enabled, env.APPIMAGE || process.execPath, env);
    return;
  }
  app.setLoginItemSettings({ openAtLogin: enabled, args: [HIDDEN_FLAG] });
}

export function wasStartedAtLogin(argv: readonly string[], platform: NodeJS.Platform): boolean {
  if (argv.includes(HIDDEN_FLAG)) return true;
  return platform === 'darwin' && app.getLoginItemSettings().wasOpenedAtLogin === true;
}
