// The one app window: created on first use, shown and focused on demand (tray, notification, a second
// launch), hidden rather than closed so the app stays in the tray and the renderer keeps its drafts.

import { BrowserWindow, app, shell } from 'electron';
import { hardenWebContents } from './web-security';
import { mainWindowOptions } from './window-options';
import { viewUrl, type ShellView } from './views';

export interface WindowManager {
  show(view?: ShellView): void;
  current(): BrowserWindow | null;
  /** From now on closing the window really closes it (the app is quitting). */
  allowClose(): void;
}

/** Navigation to our own page can be cut short (a new view chosen meanwhile): log it, never throw. */
function load(win: BrowserWindow, view?: ShellView): void {
  win.loadURL(viewUrl(view)).catch((err: unknown) => console.error('clawdbot: the window did not load:', err));
}

export function createWindowManager(options: { preload: string; devTools: boolean; icon?: string; platform: NodeJS.Platform }): WindowManager {
  let window: BrowserWindow | null = null;
  let closing = false;

  function create(view?: ShellView): BrowserWindow {
    const win = new BrowserWindow(mainWindowOptions(options));
    hardenWebContents(win.webContents, (url) => void shell.openExternal(url));
    win.on('close', (event) => {
      if (closing) return;
      event.preventDefault();
      win.hide();
    });
    // Windows is logging off or shutting down: a window that refuses to close would hold it up.
    win.on('session-end', () => {
      closing = true;
    });
    win.on('closed', () => {
      if (window === win) window = null;
    });
    win.once('ready-to-show', () => {
      if (options.platform === 'darwin') app.focus({ steal: true });
      win.show();
    });
    load(win, view);
    return win;
  }

  return {
    show(view) {
      if (!window || window.isDestroyed()) {
        window = create(view);
        return;
      }
      if (view) load(window, view);
      if (window.isMinimized()) window.restore();
      // A menu-bar-only app is not activated by showing a window; without this it opens behind others.
      if (options.platform === 'darwin') app.focus({ steal: true });
      window.show();
      window.focus();
    },
    current: () => (window && !window.isDestroyed() ? window : null),
    allowClose() {
      closing = true;
    },
  };
}
