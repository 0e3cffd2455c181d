import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { REDACTED } from '../../../src/config/redact';
import { createLogger } from '../../../src/gateway/log/logger';
import { tailFile } from '../../../src/gateway/methods/logs';

const dirs: string[] = [];
afterEach(() => {
  vi.restoreAllMocks();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function dir(): string {
  const d = mkdtempSync(join(tmpdir(), 'clawdbot-log-'));
  dirs.push(d);
  return d;
}

describe('gateway logger', () => {
  it('writes JSON lines, scrubs secrets by value and by field name, and prints readable stderr lines', () => {
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const file = join(dir(), 'gw.log');
    const log = createLogger({ file });
    log.addSecret('s3cret-token');
    log.info('client sent s3cret-token by mistake', { token: 'other-token', password: 'pw', nested: { apiKey: 'k' }, signature: 'sig', user: 'ann' });
    log.debug('not on stderr at info level');
    log.close();
    const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ level: 'info', subsystem: 'gateway', msg: `client sent ${REDACTED} by mistake`, token: REDACTED, password: REDACTED, nested: { apiKey: REDACTED }, signature: REDACTED, user: 'ann' });
    const printed = stderr.mock.calls.map((c) => String(c[0])).join('');
    expect(printed).toMatch(/^\d\d:\d\d:\d\d \[gateway\] client sent __CLAWDBOT_REDACTED__ by mistake/);
    expect(printed).not.toMatch(/s3cret|other-token|not on stderr/);
  });

  it('rotates by size, keeping three generations', () => {
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const d = dir();
    const file = join(d, 'gw.log');
    const log = createLogger({ file, maxFileBytes: 4096, consoleLevel: 'error' });
    for (let i = 0; i < 400; i++) log.info(`line ${i} ${'x'.repeat(100)}`);
    log.close();
    expect(readdirSync(d).sort()).toEqual(['gw.log', 'gw.log.1', 'gw.log.2', 'gw.log.3']);
    expect(readFileSync(file, 'utf8').length).toBeLessThanOrEqual(4096 + 200);
  });
});

describe('logs.tail', () => {
  it('tails by bytes and lines and follows a cursor', async () => {
    const file = join(dir(), 'x.log');
    writeFileSync(file, 'a\nb\nc\nd\n');
    expect(await tailFile(file, { limit: 2, maxBytes: 1000 })).toEqual({ file, cursor: 8, size: 8, lines: ['c', 'd'], truncated: false, reset: false });
    expect(await tailFile(file, { limit: 10, maxBytes: 5 })).toMatchObject({ lines: ['c', 'd'], truncated: true });
    writeFileSync(file, 'a\nb\nc\nd\ne\n');
    expect(await tailFile(file, { cursor: 8, limit: 10, maxBytes: 1000 })).toMatchObject({ lines: ['e'], cursor: 10, reset: false });
    expect(await tailFile(file, { cursor: 99, limit: 10, maxBytes: 1000 })).toMatchObject({ reset: true, lines: ['a', 'b', 'c', 'd', 'e'] });
    expect(await tailFile(join(dir(), 'missing.log'), { limit: 1, maxBytes: 1 })).toMatchObject({ lines: [], size: 0 });
  });
});
