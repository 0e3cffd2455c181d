// The main window's options (pure): a sandboxed renderer with context isolation and no Node, whose only
// door to the app is the preload's DesktopApi. Devtools only in development builds.

import type { BrowserWindowConstructorOptions } from 'electron';

export function mainWindowOptions(options: { preload: string; devTools: boolean; icon?: string }): BrowserWindowConstructorOptions {
  return {
    width: 1040,
    height: 740,
    minWidth: 640,
    minHeight: 480,
    title: 'Clawdbot',
    show: false,
    ...(options.icon ? { icon: options.icon } : {}),
    webPreferences: {
      preload: options.preload,
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      devTools: options.devTools,
    },
  };
}
