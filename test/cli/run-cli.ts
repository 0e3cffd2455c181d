// Runs `node bin/clawdbot.js …` as a real process with a temp HOME, state dir and config (never the
// real home) and no CLAWDBOT_* from the developer's shell.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, REPO_ROOT } from '../support/gateway';

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  input?: string;
  env?: Record<string, string>;
  /** Sees stdout as it arrives, with the process (e.g. to send it SIGINT mid-stream). */
  onStdout?: (chunk: string, child: ChildProcess) => void;
}

export interface CliHome {
  home: string;
  configPath: string;
  env: NodeJS.ProcessEnv;
  writeConfig(config: Record<string, unknown>): void;
  run(args: string[], options?: RunOptions): Promise<CliResult>;
  remove(): void;
}

export function makeCliHome(): CliHome {
  const home = mkdtempSync(join(tmpdir(), 'clawdbot-cli-home-'));
  const stateDir = join(home, '.clawdbot');
  mkdirSync(stateDir, { recursive: true });
  const configPath = join(stateDir, 'clawdbot.json');
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('CLAWDBOT_')) env[k] = v;
  Object.assign(env, { HOME: home, CLAWDBOT_STATE_DIR: stateDir, CLAWDBOT_CONFIG_PATH: configPath });
  return {
    home,
    configPath,
    env,
    writeConfig: (config) => writeFileSync(configPath, JSON.stringify(config, null, 2), { mode: 0o600 }),
    run: (args, options = {}) =>
      new Promise((resolve, reject) => {
        const child = spawn(process.execPath, [CLI, ...args], { cwd: REPO_ROOT, env: { ...env, ...options.env }, stdio: ['pipe', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d: Buffer) => {
          stdout += d.toString();
          options.onStdout?.(d.toString(), child);
        });
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
        child.on('error', reject);
        child.on('close', (code) => {
          clearTimeout(killer);
          resolve({ code, stdout, stderr });
        });
        child.stdin.end(options.input ?? '');
      }),
    remove: () => rmSync(home, { recursive: true, force: true }),
  };
}
