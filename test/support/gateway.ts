// Starts a real gateway process for a test: a temp state dir and config (HOME points into it, never the
// real home), `node bin/clawdbot.js gateway run --port 0`, and waits for its "listening on" line.
// stop() kills it by PID and removes the temp dir. Run `node scripts/build.mjs` before the tests.

import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export interface StartGatewayOptions {
  /** Shared token (default: a random one). Pass `password` instead for password auth. */
  token?: string;
  password?: string;
  /** Extra config merged over `{ gateway: { mode: "local", auth } }`. */
  config?: Record<string, unknown>;
  env?: Record<string, string>;
  /** Extra `gateway run` arguments. */
  args?: string[];
  /** Reuse a state dir (e.g. a restart over the same state); it is then not removed by stop(). Default: <temp>/home/.clawdbot. */
  stateDir?: string;
  /** Write no config file at all (first-start behaviour). */
  noConfig?: boolean;
  /** Time to wait for the listening line (default 15 s). */
  startTimeoutMs?: number;
}

export interface RunningGateway {
  url: string;
  port: number;
  pid: number;
  stateDir: string;
  configPath: string;
  /** HOME of the gateway process (a temp dir). */
  home: string;
  /** The gateway's JSONL log (CLAWDBOT_LOG_FILE). */
  logFile: string;
  /** The shared token the gateway was started with (undefined with password auth). */
  token?: string;
  password?: string;
  /** Sends the signal (default SIGTERM), waits for exit, removes the temp dir. */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** Resolves with the exit code (or signal name) once the process exited. */
  exited: Promise<number | string>;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  child: ChildProcess;
}

export const REPO_ROOT = resolve(import.meta.dirname, '..', '..');
export const CLI = join(REPO_ROOT, 'bin', 'clawdbot.js');

/** Fast timers for tests (see src/gateway/timers.ts): handshake 10 s → 1 s, tick 30 s → 0.5 s, … */
export const FAST_TIMERS = 'fast';

/** A scrubbed environment: no CLAWDBOT_* from the developer's shell, HOME in the temp dir. */
export function gatewayEnv(home: string, stateDir: string, configPath: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('CLAWDBOT_')) env[k] = v;
  return {
    ...env,
    HOME: home,
    CLAWDBOT_STATE_DIR: stateDir,
    CLAWDBOT_CONFIG_PATH: configPath,
    CLAWDBOT_LOG_FILE: join(stateDir, 'logs', 'gateway.log'),
    ...extra,
  };
}

/** Spawns `clawdbot <args>` with the given env; resolves when `ready(output)` is true or rejects on exit. */
export function spawnCli(args: string[], env: NodeJS.ProcessEnv): { child: ChildProcess; output: () => string; exited: Promise<number | string> } {
  const child = spawn(process.execPath, [CLI, ...args], { env, cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | string>((res) => child.once('exit', (code, signal) => res(code ?? signal ?? -1)));
  return { child, output: () => out, exited };
}

export function waitForOutput(proc: { child: ChildProcess; output: () => string; exited: Promise<number | string> }, pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
  return new Promise((resolvePromise, reject) => {
    const check = (): void => {
      const m = proc.output().match(pattern);
      if (m) {
        done();
        resolvePromise(m);
      }
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`no ${pattern} within ${timeoutMs} ms; output:\n${proc.output()}`));
    }, timeoutMs);
    const onExit = (code: number | string): void => {
      done();
      const m = proc.output().match(pattern);
      if (m) resolvePromise(m);
      else reject(new Error(`gateway exited (${code}) before ${pattern}; output:\n${proc.output()}`));
    };
    const done = (): void => {
      clearTimeout(timer);
      proc.child.stdout?.off('data', check);
      proc.child.stderr?.off('data', check);
    };
    proc.child.stdout?.on('data', check);
    proc.child.stderr?.on('data', check);
    void proc.exited.then(onExit);
    check();
  });
}

export async function startGateway(opts: StartGatewayOptions = {}): Promise<RunningGateway> {
  // <root>/home is HOME; the state dir is HOME/.clawdbot, the real layout (unless one is passed in).
  const root = mkdtempSync(join(tmpdir(), 'clawdbot-gw-'));
  const home = join(root, 'home');
  const stateDir = opts.stateDir ?? join(home, '.clawdbot');
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const configPath = join(stateDir, 'clawdbot.json');
  const token = opts.password === undefined ? (opts.token ?? randomBytes(16).toString('hex')) : opts.token;
  if (!opts.noConfig) {
    const auth: Record<string, unknown> = opts.password !== undefined ? { mode: 'password', password: opts.password } : { mode: 'token', token };
    const base = { gateway: { mode: 'local', auth } };
    writeFileSync(configPath, JSON.stringify(deepMerge(base, opts.config ?? {}), null, 2), { mode: 0o600 });
  }
  const logFile = join(root, 'logs', 'gateway.log');
  const env = gatewayEnv(home, stateDir, configPath, { CLAWDBOT_TEST_TIMERS: FAST_TIMERS, CLAWDBOT_LOG_FILE: logFile, ...opts.env });
  const proc = spawnCli(['gateway', 'run', '--port', '0', ...(opts.args ?? [])], env);
  const cleanup = (): void => rmSync(root, { recursive: true, force: true });
  let port: number;
  try {
    const m = await waitForOutput(proc, /listening on ws:\/\/127\.0\.0\.1:(\d+)/, opts.startTimeoutMs ?? 15_000);
    port = Number(m[1]);
  } catch (err) {
    proc.child.kill('SIGKILL');
    await proc.exited;
    cleanup();
    throw err;
  }
  const pid = proc.child.pid as number;
  return {
    url: `ws://127.0.0.1:${port}`,
    port,
    pid,
    stateDir,
    configPath,
    home,
    logFile,
    token,
    password: opts.password,
    child: proc.child,
    exited: proc.exited,
    output: proc.output,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (proc.child.exitCode === null && proc.child.signalCode === null) {
        process.kill(pid, signal);
        const killer = setTimeout(() => {
          if (proc.child.exitCode === null) process.kill(pid, 'SIGKILL');
        }, 10_000);
        await proc.exited;
        clearTimeout(killer);
      }
      cleanup();
    },
  };
}

function deepMerge(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const prev = out[k];
    out[k] =
      v && typeof v === 'object' && !Array.isArray(v) && prev && typeof prev === 'object' && !Array.isArray(prev)
        ? deepMerge(prev as Record<string, unknown>, v as Record<string, unknown>)
        : v;
  }
  return out;
}
