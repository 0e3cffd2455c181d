// The GatewaySpawner outside Electron: `node bin/clawdbot.js gateway run …` as a child process.
// bin/clawdbot.js is found relative to this file, which sits two folders below the package root both
// as source (src/desktop/) and when bundled (dist/cli/), with the repository root as a fallback.

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { GatewaySpawner, SpawnedGateway } from './ports';

function moduleDir(): string | null {
  try {
    return dirname(fileURLToPath(import.meta.url));
  } catch {
    return null; // bundled as CommonJS, where import.meta.url is empty
  }
}

/** Finds bin/clawdbot.js: next to the built file, else by walking up from the working folder. */
export function locateCliLauncher(): string {
  const candidates: string[] = [];
  const here = moduleDir();
  if (here) candidates.push(resolve(here, '..', '..', 'bin', 'clawdbot.js'));
  let dir = process.cwd();
  for (;;) {
    candidates.push(join(dir, 'bin', 'clawdbot.js'));
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error(`bin/clawdbot.js not found (looked in ${candidates.slice(0, 3).join(', ')}, …)`);
  return found;
}

export interface NodeSpawnerOptions {
  /** The script to run with node; default bin/clawdbot.js. */
  script?: string;
  nodePath?: string;
}

export function createNodeSpawner(options: NodeSpawnerOptions = {}): GatewaySpawner {
  return (args, env) => {
    const script = options.script ?? locateCliLauncher();
    const child = spawn(options.nodePath ?? process.execPath, [script, ...args], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      windowsHide: true,
    });
    const outputListeners: ((line: string, stream: 'stdout' | 'stderr') => void)[] = [];
    const exitListeners: ((code: number | null, signal: string | null) => void)[] = [];
    let exited: { code: number | null; signal: string | null } | null = null;
    for (const stream of ['stdout', 'stderr'] as const) {
      const source = child[stream];
      if (!source) continue;
      createInterface({ input: source, crlfDelay: Infinity }).on('line', (line) => {
        for (const l of outputListeners) l(line, stream);
      });
    }
    const onExit = (code: number | null, signal: string | null): void => {
      if (exited) return;
      exited = { code, signal };
      for (const l of exitListeners) l(code, signal);
    };
    child.on('exit', (code, signal) => onExit(code, signal));
    // A spawn failure (e.g. node missing) reports as an exit, so the supervisor sees one kind of end.
    child.on('error', () => onExit(child.exitCode ?? 1, null));
    const spawned: SpawnedGateway = {
      pid: child.pid,
      onOutput: (l) => void outputListeners.push(l),
      onExit(l) {
        if (exited) l(exited.code, exited.signal);
        else exitListeners.push(l);
      },
      kill(signal = 'SIGTERM') {
        if (!exited) child.kill(signal);
      },
    };
    return spawned;
  };
}
