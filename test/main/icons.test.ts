// The committed icons: one per tray state in every variant the shell asks for, real PNGs of the
// right size (scripts/make-icons.mjs draws them).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TRAY_ICON_KINDS, trayIconFile } from '../../src/main/tray-icon';

function pngSize(file: string): { width: number; height: number; rgba: boolean } {
  const data = readFileSync(file);
  expect(data.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  return { width: data.readUInt32BE(16), height: data.readUInt32BE(20), rgba: data[25] === 6 };
}

describe('icons', () => {
  it('has every tray icon, at 1x and @2x, coloured and as macOS templates', () => {
    for (const kind of TRAY_ICON_KINDS) {
      for (const platform of ['darwin', 'linux'] as const) {
        const file = join('assets', 'tray', trayIconFile(kind, platform));
        expect(pngSize(file)).toEqual({ width: 16, height: 16, rgba: true });
        expect(pngSize(file.replace(/\.png$/, '@2x.png'))).toEqual({ width: 32, height: 32, rgba: true });
      }
    }
  });

  it('has a 512 px app icon', () => {
    expect(pngSize(join('assets', 'icon.png'))).toEqual({ width: 512, height: 512, rgba: true });
  });
});
