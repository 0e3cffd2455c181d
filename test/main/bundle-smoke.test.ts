// The next best thing to launching Electron (no binary here): build src/main the way scripts/build.mjs
// does, load the CommonJS bundle in Node with `electron` answered by the mock, and let it start the real
// desktop core. This catches what unit tests cannot: bundling (ESM-only deps in CJS, import.meta),
// module-load order, and the real core behind the IPC handlers and the tray.
import { build } from 'esbuild';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { FakeBrowserWindow, FakeTray, electron, ipcEvent, makeAppReady, resetElectronMock } from './electron-mock';

type Loader = (request: string, parent: unknown, isMain: boolean) => unknown;
const moduleInternals = Module as unknown as { _load: Loader };

let scratch: string;
const originalLoad = moduleInternals._load;
const savedEnv = { HOME: process.env.HOME, CLAWDBOT_STATE_DIR: process.env.CLAWDBOT_STATE_DIR, CLAWDBOT_CONFIG_PATH: process.env.CLAWDBOT_CONFIG_PATH };

beforeAll(async () => {
  resetElectronMock();
  scratch = mkdtempSync(join(tmpdir(), 'clawdbot-bundle-'));
  await build({
    entryPoints: { index: 'src/main/index.ts' },
    outdir: join(scratch, 'main'),
    outExtension: { '.js': '.cjs' },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node22',
    external: ['ssh2', 'cpu-features', 'electron'],
    define: { __CLAWDBOT_VERSION__: '"0.0.0-smoke"' },
    logLevel: 'silent',
  });
  process.env.HOME = scratch;
  process.env.CLAWDBOT_STATE_DIR = join(scratch, 'state');
  process.env.CLAWDBOT_CONFIG_PATH = join(scratch, 'state', 'clawdbot.json');
  electron.app.getAppPath.mockReturnValue(scratch);
  moduleInternals._load = (request, parent, isMain) => (request === 'electron' ? electron : originalLoad(request, parent, isMain));
  createRequire(import.meta.url)(join(scratch, 'main', 'index.cjs'));
}, 60_000);

afterAll(() => {
  moduleInternals._load = originalLoad;
  for (const [key, value] of Object.entries(savedEnv)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  rmSync(scratch, { recursive: true, force: true });
});

describe('the bundled main process', () => {
  it('starts the real desktop core behind the tray and the window', async () => {
    expect(electron.protocol.registerSchemesAsPrivileged).toHaveBeenCalled();
    makeAppReady();
    await vi.waitFor(() => expect(FakeTray.instances).toHaveLength(1));
    const tray = FakeTray.instances[0]!;
    expect(tray.setToolTip).toHaveBeenLastCalledWith(expect.stringMatching(/^Clawdbot: Not configured/));
    expect(FakeBrowserWindow.instances).toHaveLength(1);

    const win = FakeBrowserWindow.instances[0]!;
    const getState = electron.ipcMain.handlers.get('clawdbot:call:getState')!;
    const reply = (await getState(ipcEvent(win.webContents))) as { ok: boolean; result: { mode: string; version: string } };
    expect(reply).toMatchObject({ ok: true, result: { mode: 'unconfigured', version: '0.0.0-smoke' } });
    const getSettings = electron.ipcMain.handlers.get('clawdbot:call:getSettings')!;
    expect(await getSettings(ipcEvent(win.webContents))).toMatchObject({ ok: true, result: { mode: 'unconfigured', startAtLogin: false } });
    const setMode = electron.ipcMain.handlers.get('clawdbot:call:setMode')!;
    expect(await setMode(ipcEvent(win.webContents), { mode: 'cloud' })).toMatchObject({ ok: false, error: { errorClass: 'Config' } });

    const copy = electron.ipcMain.handlers.get('clawdbot:call:copyDiagnostics')!;
    const diagnostics = (await copy(ipcEvent(win.webContents))) as { ok: boolean; result: { text: string } };
    expect(diagnostics.ok).toBe(true);
    expect(diagnostics.result.text.length).toBeGreaterThan(0);
    // The electron-store port wrote the very file the browser twin reads.
    expect(existsSync(join(scratch, 'state', 'desktop', 'desktop-settings.json'))).toBe(true);

    let prevented = false;
    electron.app.emit('before-quit', { preventDefault: () => (prevented = true) });
    expect(prevented).toBe(true);
    await vi.waitFor(() => expect(electron.app.quit).toHaveBeenCalled());
    expect(tray.destroy).toHaveBeenCalled();
  }, 30_000);
});
