// Is a gateway running for this config? Read from its lock file (spec §14.4), without loading the
// gateway: a pid that is alive and still the process that took the lock.

import { readFileSync } from 'node:fs';
import { lockPathFor, processStartTime } from '../gateway/lock';

export interface GatewayRuntime {
  lockPath: string;
  pid?: number;
  running: boolean;
}

export function readGatewayRuntime(configPath: string): GatewayRuntime {
  const lockPath = lockPathFor(configPath);
  let info: { pid?: unknown; startTime?: unknown };
  try {
    info = JSON.parse(readFileSync(lockPath, 'utf8')) as typeof info;
  } catch {
    return { lockPath, running: false };
  }
  if (typeof info.pid !== 'number') return { lockPath, running: false };
  const pid = info.pid;
  let alive: boolean;
  try {
    process.kill(pid, 0);
    alive = true;
  } catch (err) {
    alive = (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  // A recycled pid has another start time than the one recorded in the lock.
  if (alive && typeof info.startTime === 'number') {
    const now = processStartTime(pid);
    alive = now === undefined || now === info.startTime;
  }
  return { lockPath, pid, running: alive };
}
