// Puts the shell together: ports for the core, the app:// renderer, the window, IPC, tray,
// notifications, wake/network kicks, login item and quitting. Electron is imported here and in the thin
// adapters only; everything with decisions in it is a pure module next to this one.

import { app, clipboard, dialog, ipcMain, net, powerMonitor, session } from 'electron';
import { join } from 'node:path';
import type { DesktopCore, DesktopPorts } from '../desktop/ports';
import { installAppMenu } from './app-menu';
import { handleAppProtocol, registerAppScheme } from './app-protocol';
import { claimSingleInstance, quitCleanly, runAsTrayApp } from './app-lifecycle';
import { buildContentSecurityPolicy, gatewayPortsOf } from './csp';
import { electronTrayFactory } from './electron-tray';
import { createUtilityGatewaySpawner } from './gateway-spawner';
import { createSenderCheck, forwardDesktopEvents, registerDesktopIpc } from './ipc';
import { setStartAtLogin, wasStartedAtLogin } from './login-item';
import { createNotificationPolicy } from './notification-policy';
import { showElectronNotification, startNotifier } from './notifications';
import { kickOnNetworkBack, kickOnWake } from './power-events';
import { createSafeStorageSecretStore } from './secret-store';
import { createElectronKeyValueStore, createEncryptedBlobStore } from './settings-store';
import { observeStartAtLogin } from './start-at-login-sync';
import { startTrayService, type TrayService } from './tray';
import { createTrayActionHandler } from './tray-actions';
import { denyPermissions } from './web-security';
import { createWindowManager, type WindowManager } from './windows';

export interface MainProcessOptions {
  createCore: (ports: DesktopPorts) => DesktopCore;
  /** The Clawdbot state dir; the app's settings live in its desktop/ folder, shared with the twin. */
  stateDir: string;
  env: Record<string, string | undefined>;
  argv: readonly string[];
  platform: NodeJS.Platform;
  /** `--profile NAME`: the app then keeps its Chromium data and single-instance lock per profile. */
  profile?: string | null;
}

/** The built files, relative to the app's root (the repository, or app.asar when packaged). */
const APP_FILES = {
  renderer: 'dist/renderer',
  preload: 'dist/preload/index.cjs',
  cli: 'dist/cli/clawdbot.js',
  trayIcons: 'assets/tray',
  appIcon: 'assets/icon.png',
} as const;

export function startMainProcess(options: MainProcessOptions): void {
  registerAppScheme();
  if (options.profile && options.profile !== 'default') app.setPath('userData', `${app.getPath('userData')}-${options.profile}`);
  let windows: WindowManager | null = null;
  let showRequested = false;
  const showWindow = (): void => {
    if (windows) windows.show();
    else showRequested = true; // a second launch before we are ready
  };
  if (!claimSingleInstance(app, () => showWindow())) {
    app.quit();
    return;
  }
  runAsTrayApp(app);

  app.whenReady().then(() => {
    const root = app.getAppPath();
    const file = (relative: string): string => join(root, relative);
    const ports: DesktopPorts = {
      store: createElectronKeyValueStore(options.stateDir),
      secrets: createSafeStorageSecretStore(createEncryptedBlobStore(options.stateDir), options.platform),
      spawnGateway: createUtilityGatewaySpawner(file(APP_FILES.cli)),
      env: options.env,
      now: Date.now,
    };

    let startAtLogin = false;
    let tray: TrayService | null = null;
    const core = observeStartAtLogin(options.createCore(ports), (value) => {
      if (value === startAtLogin) return;
      startAtLogin = value;
      try {
        setStartAtLogin(value, options.platform, options.env);
      } catch (err) {
        console.error('clawdbot: could not change Start at login:', err);
      }
      tray?.refresh();
    });

    installAppMenu(options.platform);
    handleAppProtocol(file(APP_FILES.renderer), () => buildContentSecurityPolicy(gatewayPortsOf(core.getState())));
    denyPermissions(session.defaultSession);
    windows = createWindowManager({ preload: file(APP_FILES.preload), devTools: !app.isPackaged, icon: file(APP_FILES.appIcon), platform: options.platform });
    const win = windows;
    registerDesktopIpc({ ipcMain, core, isTrustedSender: createSenderCheck(() => win.current()) });
    forwardDesktopEvents(core, () => win.current()?.webContents ?? null);

    const notify = showElectronNotification((view) => win.show(view));
    startNotifier({ core, policy: createNotificationPolicy({ now: Date.now }), show: notify });
    tray = startTrayService({
      core,
      createTray: electronTrayFactory(file(APP_FILES.trayIcons), options.platform),
      context: () => ({ startAtLogin }),
      platform: options.platform,
      onAction: createTrayActionHandler({
        core,
        showView: (view) => win.show(view),
        copyText: (text) => clipboard.writeText(text),
        startAtLogin: () => startAtLogin,
        quit: () => app.quit(),
        reportError: (error) => notify({ title: error.message, body: error.hint, view: 'settings' }),
      }),
    });
    kickOnWake(powerMonitor, core);
    kickOnNetworkBack(() => net.isOnline(), core);
    const trayService = tray;
    quitCleanly({
      app,
      power: powerMonitor,
      beforeShutdown: () => {
        win.allowClose();
        trayService.dispose();
      },
      shutdown: () => core.shutdown(),
    });

    void core.call('getSettings', undefined).catch((err: unknown) => console.error('clawdbot: could not read settings:', err));
    if (showRequested || !wasStartedAtLogin(options.argv, options.platform)) win.show();
  }).catch((err: unknown) => {
    dialog.showErrorBox('Clawdbot could not start', err instanceof Error ? err.message : String(err));
    app.exit(1);
  });
}
