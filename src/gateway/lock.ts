// One gateway per config (spec §14.4): a lock file <tmpdir>/clawdbot-<uid>/gateway.<sha1(configPath)[0..8]>.lock.
// A live owner makes us wait, then fail with the reference's text; a lock left by a dead process (or
// by a recycled pid, told apart by its start time) never blocks.

import { createHash } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { lockDir } from '../config/paths';

export interface LockInfo {
  pid: number;
  createdAt: number;
  configPath: string;
  startTime?: number;
}

export class GatewayLockError extends Error {
  constructor(
    readonly ownerPid: number,
    readonly waitedMs: number,
  ) {
    super(`gateway already running (pid ${ownerPid}); lock timeout after ${waitedMs}ms`);
    this.name = 'GatewayLockError';
  }
}

export function lockPathFor(configPath: string, dir = lockDir()): string {
  const hash = createHash('sha1').update(configPath).digest('hex').slice(0, 8);
  return join(dir, `gateway.${hash}.lock`);
}

/** The start time of a process (clock ticks since boot, Linux), to detect pid reuse. */
export function processStartTime(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const value = Number(fields[19]);
    return Number.isFinite(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readLock(path: string): LockInfo | null {
  try {
    const info = JSON.parse(readFileSync(path, 'utf8')) as LockInfo;
    return typeof info.pid === 'number' ? info : null;
  } catch {
    return null;
  }
}

/** Is the lock held by a process that is still the one that took it? */
function ownerIsLive(info: LockInfo): boolean {
  if (info.pid === process.pid || !isAlive(info.pid)) return false;
  if (info.startTime === undefined) return true;
  const now = processStartTime(info.pid);
  return now === undefined || now === info.startTime;
}

function tryCreate(path: string, info: LockInfo): boolean {
  try {
    const fd = openSync(path, 'wx', 0o600);
    writeSync(fd, JSON.stringify(info));
    closeSync(fd);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}

export interface HeldLock {
  path: string;
  release(): void;
}

const POLL_MS = 100;
/** A lock file that cannot be read is being written; older than this, it is debris. */
const UNREADABLE_GRACE_MS = 2_000;

export async function acquireGatewayLock(configPath: string, waitMs: number, dir?: string): Promise<HeldLock> {
  const path = lockPathFor(configPath, dir);
  mkdirSync(join(path, '..'), { recursive: true, mode: 0o700 });
  const info: LockInfo = { pid: process.pid, createdAt: Date.now(), configPath, startTime: processStartTime(process.pid) };
  const started = Date.now();
  let firstUnreadable: number | undefined;
  for (;;) {
    if (tryCreate(path, info)) break;
    const owner = readLock(path);
    if (owner === null) {
      firstUnreadable ??= Date.now();
      if (Date.now() - firstUnreadable > UNREADABLE_GRACE_MS) rmSync(path, { force: true });
    } else if (!ownerIsLive(owner)) {
      rmSync(path, { force: true });
      continue;
    } else if (Date.now() - started >= waitMs) {
      throw new GatewayLockError(owner.pid, waitMs);
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  return {
    path,
    release() {
      if (readLock(path)?.pid === process.pid) rmSync(path, { force: true });
    },
  };
}
