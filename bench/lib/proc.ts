// Process helpers for the benchmarks: memory and handles read from /proc, timed spawns, port polling,
// and stopping what we started by PID.

import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import net from 'node:net';

/** Resident set size in MiB (VmRSS). */
export function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** Open file descriptors (sockets, files, pipes) of a process. */
export function openFds(pid: number): number {
  return readdirSync(`/proc/${pid}/fd`).length;
}

export interface Child {
  child: ChildProcess;
  pid: number;
  exited: Promise<number | string>;
  /** The process's output (its last 64 KiB or more). */
  output(): string;
  /** Resolves with the first match of pattern in the output (rejects on exit or timeout). */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** SIGTERM by PID, SIGKILL after graceMs; resolves once it exited. */
  stop(graceMs?: number): Promise<void>;
}

const live = new Set<Child>();
process.once('exit', () => {
  for (const c of live) {
    try {
      process.kill(c.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

/** Output kept per process: enough for any pattern we wait for, bounded for long runs (soak). */
const KEEP_OUTPUT = 64 * 1024;

export function start(cmd: string, args: string[], options: SpawnOptions = {}): Child {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
  let out = '';
  const waiters = new Set<() => void>();
  const onData = (d: Buffer): void => {
    out += d.toString();
    if (out.length > 2 * KEEP_OUTPUT) out = out.slice(-KEEP_OUTPUT);
    for (const w of [...waiters]) w();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => {
      live.delete(handle);
      for (const w of [...waiters]) w();
      resolve(code ?? signal ?? -1);
    }),
  );
  const handle: Child = {
    child,
    pid: child.pid as number,
    output: () => out,
    exited,
    waitFor: (pattern, timeoutMs = 15_000) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => finish(new Error(`no ${pattern} within ${timeoutMs} ms from ${cmd}: ${out.slice(-2000)}`)), timeoutMs);
        const check = (): void => {
          const m = out.match(pattern);
          if (m) finish(null, m);
          else if (child.exitCode !== null || child.signalCode !== null) finish(new Error(`${cmd} exited before ${pattern}: ${out.slice(-2000)}`));
        };
        const finish = (err: Error | null, m?: RegExpMatchArray): void => {
          clearTimeout(timer);
          waiters.delete(check);
          if (err) reject(err);
          else resolve(m as RegExpMatchArray);
        };
        waiters.add(check);
        check();
      }),
    stop: async (graceMs = 3000) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      try {
        process.kill(handle.pid, 'SIGTERM');
      } catch {
        return;
      }
      const timer = setTimeout(() => {
        try {
          process.kill(handle.pid, 'SIGKILL');
        } catch {
          // exited meanwhile
        }
      }, graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
  live.add(handle);
  return handle;
}

/** Polls until a TCP connect to 127.0.0.1:port succeeds. */
export async function waitForPort(port: number, timeoutMs = 10_000, host = '127.0.0.1'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect({ port, host });
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`port ${port} not accepting after ${timeoutMs} ms`);
    await sleep(2);
  }
}

export async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
