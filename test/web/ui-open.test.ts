// `clawdbot ui --open`: the printed URL goes to the system's opener (xdg-open here), and a machine
// without one gets a hint instead of a crash. A stand-in xdg-open on PATH records what it was given.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CLI, REPO_ROOT } from '../support/gateway';
import { tempEnv, waitUntil, type TempEnv } from '../desktop/helpers';

let t: TempEnv | undefined;
let ui: ChildProcess | undefined;

afterEach(async () => {
  if (ui && ui.exitCode === null && ui.signalCode === null) {
    ui.kill('SIGINT');
    await new Promise((r) => ui?.once('exit', r));
  }
  t?.cleanup();
  t = ui = undefined;
});

/** Starts `clawdbot ui --port 0 --open` with PATH set to bin only; resolves with the output so far. */
function startUiWithOpen(env: Record<string, string | undefined>, bin: string): { stdout: () => string; stderr: () => string } {
  const child = spawn(process.execPath, [CLI, 'ui', '--port', '0', '--open'], { env: { ...env, PATH: bin } as NodeJS.ProcessEnv, cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  ui = child;
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  return { stdout: () => out, stderr: () => err };
}

describe.skipIf(process.platform !== 'linux')('clawdbot ui --open', () => {
  it('hands the printed URL, token included, to xdg-open', async () => {
    t = tempEnv();
    const bin = join(t.root, 'bin');
    const record = join(t.root, 'opened.txt');
    mkdirSync(bin, { recursive: true });
    writeFileSync(join(bin, 'xdg-open'), `#!/bin/sh\nprintf '%s\\n' "$@" > '${record}.tmp' && mv '${record}.tmp' '${record}'\n`);
    chmodSync(join(bin, 'xdg-open'), 0o755);
    const run = startUiWithOpen(t.env, `${bin}:/usr/bin:/bin`);
    await waitUntil(() => existsSync(record), 'xdg-open to be called');
    const url = run.stdout().match(/^UI ready: (\S+)\n$/)?.[1];
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=/);
    expect(readFileSync(record, 'utf8')).toBe(`${url}\n`);
    expect(run.stderr()).not.toContain('could not open a browser');
  });

  it('says so when there is no browser to open, and keeps serving', async () => {
    t = tempEnv();
    const empty = join(t.root, 'empty-bin');
    mkdirSync(empty, { recursive: true });
    const run = startUiWithOpen(t.env, empty);
    await waitUntil(() => run.stderr().includes('could not open a browser'), 'the hint');
    const url = run.stdout().match(/^UI ready: (\S+)\n$/)?.[1] as string;
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(ui?.exitCode).toBeNull();
  });
});
