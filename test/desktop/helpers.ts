// Shared pieces of the desktop tests: temp dirs for HOME and CLAWDBOT_*, free ports, a core with
// fast timings, and waiting for a state by predicate (never by wall time).

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DesktopState } from '../../src/shared/desktop-api';
import { createDesktopCore, type DesktopCoreOptions } from '../../src/desktop/core';
import { createNodeDesktopPorts } from '../../src/desktop/node-ports';
import type { NodeSpawnerOptions } from '../../src/desktop/node-spawner';
import type { DesktopCore } from '../../src/desktop/ports';
import type { DesktopTiming } from '../../src/desktop/timing';

export interface TempEnv {
  root: string;
  home: string;
  stateDir: string;
  configPath: string;
  env: Record<string, string | undefined>;
  cleanup(): void;
}

/** HOME and every CLAWDBOT_* in a fresh temp dir; nothing from the developer's shell leaks in. */
export function tempEnv(extra: Record<string, string> = {}): TempEnv {
  const root = mkdtempSync(join(tmpdir(), 'cbt-desk-'));
  const home = join(root, 'home');
  const stateDir = join(root, 'state');
  const configPath = join(stateDir, 'clawdbot.json');
  const env: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('CLAWDBOT_') && !k.startsWith('SSH_')) env[k] = v;
  Object.assign(env, { HOME: home, CLAWDBOT_STATE_DIR: stateDir, CLAWDBOT_CONFIG_PATH: configPath, CLAWDBOT_TEST_TIMERS: 'fast', ...extra });
  return { root, home, stateDir, configPath, env, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The parent of a process, from /proc (Linux): tells a child we spawned from a stranger. */
export function parentPid(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
}

export async function waitUntil(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export const FAST_TIMING: Partial<DesktopTiming> = {
  healthIntervalMs: 300,
  healthTimeoutMs: 2000,
  probeTimeoutMs: 2000,
  restartBackoffMs: 50,
  restartBackoffMaxMs: 200,
  crashWindowMs: 60_000,
  maxCrashes: 3,
  startTimeoutMs: 15_000,
  stopTimeoutMs: 5000,
  readyPollMs: 50,
  reconnectInitialMs: 100,
  reconnectMaxMs: 500,
};

export function testCore(t: TempEnv, options: DesktopCoreOptions & { spawner?: NodeSpawnerOptions } = {}): DesktopCore {
  const { spawner, ...rest } = options;
  return createDesktopCore(createNodeDesktopPorts(t.env, spawner), { autoStart: false, ...rest, timing: { ...FAST_TIMING, ...rest.timing } });
}

/** Resolves with the first state (current or pushed) that matches. */
export function waitForState(core: DesktopCore, predicate: (s: DesktopState) => boolean, what: string, timeoutMs = 20_000): Promise<DesktopState> {
  return new Promise((resolve, reject) => {
    const now = core.getState();
    if (predicate(now)) return resolve(now);
    const timer = setTimeout(() => {
      off();
      const s = core.getState();
      reject(new Error(`timed out waiting for ${what}; state: ${s.mode}/${s.phase} "${s.statusText}" ${JSON.stringify(s.lastError)}`));
    }, timeoutMs);
    const off = core.on('state', (s) => {
      if (predicate(s)) {
        clearTimeout(timer);
        off();
        resolve(s);
      }
    });
  });
}

export const isHealthy = (s: DesktopState): boolean => s.phase === 'ready' && s.health?.ok === true && s.gatewayConnected;
