// "Start at login" lives in Settings (the core's), but only the shell can apply it to the OS. This
// wraps the core so every getSettings/saveSettings result, from the window or the tray, reports the
// value; the shell applies it when it changed.

import type { DesktopCore } from '../desktop/ports';
import type { Settings } from '../shared/settings';

export function observeStartAtLogin(core: DesktopCore, onValue: (startAtLogin: boolean) => void): DesktopCore {
  return {
    getState: () => core.getState(),
    on: (event, listener) => core.on(event, listener),
    kick: (reason) => core.kick(reason),
    shutdown: () => core.shutdown(),
    async call(name, input) {
      const result = await core.call(name, input);
      if (name === 'getSettings' || name === 'saveSettings') onValue((result as Settings).startAtLogin);
      return result;
    },
  };
}
