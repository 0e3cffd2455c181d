// A recording stand-in for the `electron` module (no Electron binary exists here, and tests never load
// the real one). Use it with:
//   vi.mock('electron', async () => (await import('./electron-mock')).electron);
// The test imports `electron` from this file too: the same object the code under test receives.
// resetElectronMock() in beforeEach restores every fake to its initial behaviour.

import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import { vi, type Mock } from 'vitest';

const fns: Mock[] = [];
/** A vi.fn that resetElectronMock() returns to `impl`. */
function fn<A extends unknown[], R>(impl: (...args: A) => R): Mock<(...args: A) => R> {
  const f = vi.fn(impl);
  fns.push(f as unknown as Mock);
  return f;
}

let nextContentsId = 1;

export class FakeWebContents extends EventEmitter {
  readonly id = nextContentsId++;
  url = '';
  destroyed = false;
  windowOpenHandler: ((details: { url: string }) => { action: 'allow' | 'deny' }) | null = null;
  readonly send = vi.fn();
  /** The main frame shows whatever the contents loaded. */
  readonly mainFrame = Object.defineProperty({ parent: null }, 'url', { get: () => this.url, enumerable: true }) as { parent: null; readonly url: string };
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'allow' | 'deny' }): void {
    this.windowOpenHandler = handler;
  }
  getURL(): string {
    return this.url;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
}

export class FakeBrowserWindow extends EventEmitter {
  static instances: FakeBrowserWindow[] = [];
  readonly webContents = new FakeWebContents();
  visible = false;
  destroyed = false;
  minimized = false;
  readonly loadURL = vi.fn(async (url: string) => {
    this.webContents.url = url;
  });
  readonly show = vi.fn(() => {
    this.visible = true;
  });
  readonly hide = vi.fn(() => {
    this.visible = false;
  });
  readonly focus = vi.fn();
  readonly restore = vi.fn(() => {
    this.minimized = false;
  });
  constructor(readonly options: Record<string, unknown>) {
    super();
    FakeBrowserWindow.instances.push(this);
  }
  isMinimized(): boolean {
    return this.minimized;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  /** What a user's close click does: emits 'close' (cancellable), then 'closed' unless prevented. */
  userClose(): boolean {
    let prevented = false;
    this.emit('close', { preventDefault: () => (prevented = true) });
    if (!prevented) {
      this.destroyed = true;
      this.webContents.destroyed = true;
      this.emit('closed');
    }
    return !prevented;
  }
}

export class FakeTray extends EventEmitter {
  static instances: FakeTray[] = [];
  readonly setImage = vi.fn();
  readonly setToolTip = vi.fn();
  readonly setContextMenu = vi.fn();
  readonly popUpContextMenu = vi.fn();
  readonly destroy = vi.fn();
  constructor(readonly image: unknown) {
    super();
    FakeTray.instances.push(this);
  }
}

export class FakeNotification extends EventEmitter {
  static instances: FakeNotification[] = [];
  static isSupported = (): boolean => true;
  readonly show = vi.fn();
  constructor(readonly options: { title: string; body: string }) {
    super();
    FakeNotification.instances.push(this);
  }
}

export class FakeUtilityProcess extends EventEmitter {
  pid: number | undefined = 4242;
  readonly stdout = new PassThrough();
  readonly stderr = new PassThrough();
  readonly kill = vi.fn(() => true);
}

/** An IPC event as ipcMain.handle receives it. */
export function ipcEvent(contents: FakeWebContents, frame: { url: string; parent: unknown } | null = contents.mainFrame): unknown {
  return { sender: contents, senderFrame: frame };
}

let ready: { promise: Promise<void>; resolve: () => void } = deferred();
function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

const dock = { hide: fn(() => undefined) };
const app = Object.assign(new EventEmitter(), {
  isPackaged: false,
  /** undefined off macOS; tests set it either way. */
  dock: dock as typeof dock | undefined,
  requestSingleInstanceLock: fn(() => true),
  quit: fn(() => undefined),
  focus: fn((_options?: { steal: boolean }) => undefined),
  exit: fn((_code?: number) => undefined),
  whenReady: fn(() => ready.promise),
  getAppPath: fn(() => '/app'),
  getPath: fn((_name: string) => '/tmp/clawdbot-electron-mock-userdata'),
  setPath: fn((_name: string, _path: string) => undefined),
  getVersion: fn(() => '0.1.0'),
  setLoginItemSettings: fn((_settings: unknown) => undefined),
  getLoginItemSettings: fn(() => ({ openAtLogin: false, wasOpenedAtLogin: false })),
});

const ipcHandlers = new Map<string, (event: unknown, ...args: unknown[]) => unknown>();
const ipcMain = Object.assign(new EventEmitter(), {
  handlers: ipcHandlers,
  handle: fn((channel: string, handler: (event: unknown, ...args: unknown[]) => unknown) => void ipcHandlers.set(channel, handler)),
  removeHandler: fn((channel: string) => void ipcHandlers.delete(channel)),
});

const ipcRenderer = Object.assign(new EventEmitter(), {
  invoke: fn(async (_channel: string, _input?: unknown): Promise<unknown> => ({ ok: true, result: null })),
});

const exposed: Record<string, unknown> = {};
const protocolHandlers = new Map<string, (request: { url: string }) => Promise<Response>>();

export const electron = {
  app,
  BrowserWindow: FakeBrowserWindow,
  Tray: FakeTray,
  Notification: FakeNotification,
  Menu: { buildFromTemplate: fn((template: unknown[]) => ({ template })), setApplicationMenu: fn((_menu: unknown) => undefined) },
  nativeImage: { createFromPath: fn((path: string) => ({ path })) },
  ipcMain,
  ipcRenderer,
  contextBridge: { exposed, exposeInMainWorld: fn((key: string, api: unknown) => void (exposed[key] = api)) },
  protocol: {
    handlers: protocolHandlers,
    registerSchemesAsPrivileged: fn((_schemes: unknown[]) => undefined),
    handle: fn((scheme: string, handler: (request: { url: string }) => Promise<Response>) => void protocolHandlers.set(scheme, handler)),
  },
  session: { defaultSession: { setPermissionRequestHandler: fn((_h: unknown) => undefined), setPermissionCheckHandler: fn((_h: unknown) => undefined) } },
  powerMonitor: new EventEmitter(),
  net: { isOnline: fn(() => true) },
  safeStorage: {
    isEncryptionAvailable: fn(() => true),
    getSelectedStorageBackend: fn((): string => 'gnome_libsecret'),
    encryptString: fn((text: string) => Buffer.from(`sealed:${Buffer.from(text).toString('hex')}`)),
    decryptString: fn((blob: Buffer) => {
      const s = blob.toString();
      if (!s.startsWith('sealed:')) throw new Error('Error while decrypting the ciphertext');
      return Buffer.from(s.slice('sealed:'.length), 'hex').toString();
    }),
  },
  utilityProcess: { fork: fn((_modulePath: string, _args?: string[], _options?: unknown) => new FakeUtilityProcess()) },
  clipboard: { writeText: fn((_text: string) => undefined) },
  shell: { openExternal: fn(async (_url: string) => undefined), openPath: fn(async (_path: string) => '') },
  dialog: { showErrorBox: fn((_title: string, _content: string) => undefined) },
};

/** electron-store does `import electron from 'electron'`. */
Object.assign(electron, { default: electron });

export type ElectronMock = typeof electron;

/** Lets app.whenReady() resolve (it stays pending until then, as before Electron's ready event). */
export function makeAppReady(): void {
  ready.resolve();
}

export function resetElectronMock(): void {
  for (const f of fns) f.mockReset();
  ready = deferred();
  app.isPackaged = false;
  app.dock = dock;
  for (const emitter of [app, ipcMain, ipcRenderer, electron.powerMonitor]) emitter.removeAllListeners();
  ipcHandlers.clear();
  protocolHandlers.clear();
  for (const key of Object.keys(exposed)) delete exposed[key];
  FakeBrowserWindow.instances = [];
  FakeTray.instances = [];
  FakeNotification.instances = [];
  FakeNotification.isSupported = () => true;
}
