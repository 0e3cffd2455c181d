// The app's life: one instance (a second launch shows the first, which matters when the menu-bar icon
// hides behind a notch), no Dock icon, the tray keeps running when the window closes, and quitting stops
// what the app started, within a deadline so it never holds up an OS shutdown.

import type { App, PowerMonitor } from 'electron';

/** How long quitting waits for the core to stop its gateway and tunnel. */
export const SHUTDOWN_DEADLINE_MS = 3_000;

/** False when another instance runs: it has been told to show itself, and this one should quit. */
export function claimSingleInstance(app: Pick<App, 'requestSingleInstanceLock' | 'on'>, showExisting: () => void): boolean {
  if (!app.requestSingleInstanceLock()) return false;
  app.on('second-instance', () => showExisting());
  // macOS: reopening the app (Finder, Spotlight, `open`) while it runs.
  app.on('activate', () => showExisting());
  return true;
}

export function runAsTrayApp(app: Pick<App, 'on' | 'dock'>): void {
  app.dock?.hide();
  // Without a listener, Electron quits when the last window closes; the tray keeps the app alive.
  app.on('window-all-closed', () => undefined);
}

export interface QuitOptions {
  app: Pick<App, 'on' | 'quit'>;
  power: Pick<PowerMonitor, 'on'>;
  /** Let windows close and drop the tray: the app is going. */
  beforeShutdown: () => void;
  shutdown: () => Promise<void>;
  deadlineMs?: number;
}

export function quitCleanly(options: QuitOptions): void {
  let phase: 'running' | 'stopping' | 'stopped' = 'running';
  options.app.on('before-quit', (event) => {
    if (phase === 'stopped') return;
    event.preventDefault();
    if (phase === 'stopping') return;
    phase = 'stopping';
    options.beforeShutdown();
    const deadline = new Promise<void>((resolve) => setTimeout(resolve, options.deadlineMs ?? SHUTDOWN_DEADLINE_MS).unref());
    void Promise.race([options.shutdown().catch(() => undefined), deadline]).then(() => {
      phase = 'stopped';
      options.app.quit();
    });
  });
  // The OS is shutting down (Linux, macOS): start quitting, never preventDefault (that would delay it).
  options.power.on('shutdown', () => options.app.quit());
}
