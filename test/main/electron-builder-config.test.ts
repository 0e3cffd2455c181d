// electron-builder.yml cannot be exercised here (packaging downloads Electron), so it is checked the
// way electron-builder itself would first check it: parsed, then validated against its own schema.
// js-yaml and app-builder-lib come with electron-builder; they are reached through it.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { beforeAll, describe, expect, it } from 'vitest';

interface BuilderConfig {
  appId: string;
  productName: string;
  files: string[];
  asar: boolean;
  asarUnpack: string[];
  electronFuses: Record<string, boolean>;
  mac: { icon: string; target: { target: string }[]; extendInfo: Record<string, unknown> };
  linux: { icon: string; target: string[] };
  win: { icon: string; target: { target: string }[] };
  directories: { output: string };
}

const requireFromBuilder = createRequire(createRequire(import.meta.url).resolve('electron-builder'));
const appBuilderLib = createRequire(requireFromBuilder.resolve('app-builder-lib'));
const yaml = appBuilderLib('js-yaml') as { load(text: string): unknown };
const { validateConfiguration } = appBuilderLib('app-builder-lib/out/util/config/config.js') as {
  validateConfiguration(config: unknown, debugLogger: { isEnabled: boolean; add(key: string, value: unknown): void }): Promise<void>;
};
const quietLogger = { isEnabled: false, add: () => undefined };

let config: BuilderConfig;
beforeAll(() => {
  config = yaml.load(readFileSync('electron-builder.yml', 'utf8')) as BuilderConfig;
});

describe('electron-builder.yml', () => {
  it('passes electron-builder’s own schema, which still catches a typo', async () => {
    await expect(validateConfiguration(config, quietLogger)).resolves.toBeUndefined();
    await expect(validateConfiguration({ ...config, electronFuses: { ...config.electronFuses, runAsNod: false } }, quietLogger)).rejects.toThrow(/Invalid configuration/);
  }, 60_000);

  it('names the app', () => {
    expect(config.appId).toBe('bot.clawd.desktop');
    expect(config.productName).toBe('Clawdbot');
  });

  it('flips the security fuses', () => {
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
    });
  });

  it('packs into an asar with native addons outside it', () => {
    expect(config.asar).toBe(true);
    expect(config.asarUnpack).toContain('**/*.node');
    expect(config.asarUnpack.some((p) => p.includes('ssh2'))).toBe(true);
    expect(config.files).toEqual(expect.arrayContaining(['dist/**', 'bin/**', 'assets/tray/**']));
  });

  it('builds the documented targets, menu-bar only on macOS', () => {
    expect(config.mac.target.map((t) => t.target)).toEqual(['dmg', 'zip']);
    expect(config.mac.extendInfo.LSUIElement).toBe(true);
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.win.target.map((t) => t.target)).toEqual(['nsis']);
    expect(config.directories.output).toBe('release');
  });

  it('points at icons that exist', () => {
    for (const icon of [config.mac.icon, config.linux.icon, config.win.icon]) expect(existsSync(icon), icon).toBe(true);
  });
});
