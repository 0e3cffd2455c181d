// A gateway process for the benchmarks: `clawdbot gateway run --port 0` with the spec's default timers
// (not the tests' fast ones), a temp HOME and state dir, token auth; timed from spawn to its
// "listening on" line.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gatewayEnv } from '../../test/support/gateway';
import { CLI, REPO } from './context';
import { start, type Child } from './proc';

export interface BenchGateway {
  proc: Child;
  port: number;
  url: string;
  token: string;
  /** Spawn → "listening on", ms. */
  startMs: number;
}

export interface GatewayDirs {
  home: string;
  stateDir: string;
  configPath: string;
}

export function gatewayDirs(root: string, token: string, config: Record<string, unknown> = {}): GatewayDirs {
  const home = join(root, 'home');
  const stateDir = join(home, '.clawdbot');
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const configPath = join(stateDir, 'clawdbot.json');
  writeFileSync(configPath, JSON.stringify({ gateway: { mode: 'local', auth: { mode: 'token', token } }, ...config }, null, 2), { mode: 0o600 });
  return { home, stateDir, configPath };
}

export async function startBenchGateway(dirs: GatewayDirs, token: string, args: string[] = ['--port', '0'], extraEnv: Record<string, string> = {}): Promise<BenchGateway> {
  const env = gatewayEnv(dirs.home, dirs.stateDir, dirs.configPath, extraEnv);
  const t0 = performance.now();
  const proc = start(process.execPath, [CLI, 'gateway', 'run', ...args], { env, cwd: REPO });
  const m = await proc.waitFor(/listening on ws:\/\/127\.0\.0\.1:(\d+)/, 20_000);
  const startMs = performance.now() - t0;
  const port = Number(m[1]);
  return { proc, port, url: `ws://127.0.0.1:${port}`, token, startMs };
}
