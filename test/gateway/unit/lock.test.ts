import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { acquireGatewayLock, GatewayLockError, lockPathFor } from '../../../src/gateway/lock';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function dir(): string {
  const d = mkdtempSync(join(tmpdir(), 'clawdbot-lock-'));
  dirs.push(d);
  return d;
}

describe('gateway lock', () => {
  it('is taken, held and released by its owner', async () => {
    const d = dir();
    const lock = await acquireGatewayLock('/cfg/a.json', 100, d);
    expect(JSON.parse(readFileSync(lock.path, 'utf8'))).toMatchObject({ pid: process.pid, configPath: '/cfg/a.json' });
    lock.release();
    const again = await acquireGatewayLock('/cfg/a.json', 100, d);
    again.release();
  });

  it('a live owner makes a second taker wait, then fail with the reference text', async () => {
    const d = dir();
    const owner = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    try {
      writeFileSync(lockPathFor('/cfg/b.json', d), JSON.stringify({ pid: owner.pid, createdAt: Date.now(), configPath: '/cfg/b.json' }));
      const err = await acquireGatewayLock('/cfg/b.json', 200, d).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(GatewayLockError);
      expect((err as Error).message).toBe(`gateway already running (pid ${owner.pid}); lock timeout after 200ms`);
    } finally {
      owner.kill('SIGKILL');
    }
  });

  it('a lock of a dead process, a recycled pid or an unreadable file never blocks for long', async () => {
    const d = dir();
    const dead = spawn(process.execPath, ['-e', '0']);
    await new Promise((r) => dead.once('exit', r));
    writeFileSync(lockPathFor('/cfg/c.json', d), JSON.stringify({ pid: dead.pid, createdAt: 0, configPath: '/cfg/c.json' }));
    (await acquireGatewayLock('/cfg/c.json', 100, d)).release();
    // Our own pid (a restarted container) with another start time is stale too.
    writeFileSync(lockPathFor('/cfg/d.json', d), JSON.stringify({ pid: process.pid, createdAt: 0, configPath: '/cfg/d.json', startTime: 1 }));
    (await acquireGatewayLock('/cfg/d.json', 100, d)).release();
    writeFileSync(lockPathFor('/cfg/e.json', d), '{ torn');
    (await acquireGatewayLock('/cfg/e.json', 10_000, d)).release();
  });
});
