// `npm start` (scripts/start.mjs), run from a copy in a scratch project so nothing real is built or
// downloaded: a fake build script, a fake Electron binary through ELECTRON_OVERRIDE_DIST_PATH.
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

let project: string;

function run(args: string[], env: Record<string, string> = {}) {
  const base = { ...process.env };
  delete base.ELECTRON_OVERRIDE_DIST_PATH;
  return spawnSync(process.execPath, [join(project, 'scripts', 'start.mjs'), ...args], { env: { ...base, ...env }, encoding: 'utf8', timeout: 20_000 });
}

beforeEach(() => {
  project = mkdtempSync(join(tmpdir(), 'clawdbot-start-'));
  mkdirSync(join(project, 'scripts'));
  mkdirSync(join(project, 'dist', 'main'), { recursive: true });
  copyFileSync('scripts/start.mjs', join(project, 'scripts', 'start.mjs'));
  writeFileSync(join(project, 'scripts', 'build.mjs'), "console.log('built');\n");
  writeFileSync(join(project, 'dist', 'main', 'index.cjs'), '');
});
afterEach(() => rmSync(project, { recursive: true, force: true }));

describe('npm start', () => {
  it('builds, then launches Electron on the project with the extra arguments', () => {
    const electronDir = join(project, 'fake-electron');
    mkdirSync(electronDir);
    writeFileSync(join(electronDir, 'electron'), '#!/bin/sh\necho "electron $* run-as-node=${ELECTRON_RUN_AS_NODE:-unset}"\nexit 7\n');
    chmodSync(join(electronDir, 'electron'), 0o755);
    const r = run(['--hidden'], { ELECTRON_OVERRIDE_DIST_PATH: electronDir, ELECTRON_RUN_AS_NODE: '1' });
    expect(r.stdout).toContain('built');
    expect(r.stdout).toContain(`electron ${project} --hidden run-as-node=unset`);
    expect(r.status).toBe(7);
  });

  it('without an Electron binary, explains and offers the browser twin, exiting non-zero', () => {
    const r = run(['--skip-build']);
    expect(r.status).toBe(1);
    expect(r.stdout).not.toContain('built');
    expect(r.stderr).toContain('Electron could not be downloaded on this machine');
    expect(r.stderr).toContain('npx clawdbot ui --open');
    const empty = join(project, 'empty');
    mkdirSync(empty);
    const o = run(['--skip-build'], { ELECTRON_OVERRIDE_DIST_PATH: empty });
    expect(o.status).toBe(1);
    expect(o.stderr).toContain('ELECTRON_OVERRIDE_DIST_PATH has no Electron binary');
  });

  it('stops when the build fails', () => {
    writeFileSync(join(project, 'scripts', 'build.mjs'), 'process.exit(3);\n');
    expect(run([]).status).toBe(3);
  });
});
