// The local gateway's output as log entries, parsed from lines written by the gateway's own logger.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseGatewayOutput } from '../../src/desktop/gateway-output';
import { createLogger } from '../../src/gateway/log/logger';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

/** What the gateway's logger writes to stderr for each call, line by line (its file goes to a temp dir). */
function loggerLines(write: (log: ReturnType<typeof createLogger>) => void): string[] {
  dir = mkdtempSync(join(tmpdir(), 'cbt-gwlog-'));
  const log = createLogger({ file: join(dir, 'gateway.log'), consoleLevel: 'debug' });
  const written: string[] = [];
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  });
  try {
    write(log);
  } finally {
    stderr.mockRestore();
    log.close();
  }
  return written.join('').split('\n').filter(Boolean);
}

describe('parseGatewayOutput', () => {
  it("takes the level and the time from the gateway's logger lines, leaving the subsystem and message", () => {
    const before = Date.now();
    const lines = loggerLines((log) => {
      log.info('listening on ws://127.0.0.1:18789', { auth: 'token' });
      log.debug('tick');
      log.warn('client slow', { conn: 'c1' });
      log.child('chat').error('run failed: model unreachable');
    });
    const receivedAt = Date.now();
    expect(lines[0]).toMatch(/^\d\d:\d\d:\d\d \[gateway\] listening/); // the format this parser follows
    const entries = lines.map((line) => parseGatewayOutput(line, 'stderr', receivedAt));
    expect(entries.map(({ level, text }) => ({ level, text }))).toEqual([
      { level: 'info', text: '[gateway] listening on ws://127.0.0.1:18789 auth=token' },
      { level: 'debug', text: '[gateway] tick' },
      { level: 'warn', text: '[gateway] client slow conn=c1' },
      { level: 'error', text: '[chat] run failed: model unreachable' },
    ]);
    for (const { ts } of entries) {
      expect(ts).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
      expect(ts).toBeLessThanOrEqual(receivedAt);
    }
  });

  it("uses the gateway's time of day, with the arrival's milliseconds when it arrived within that second", () => {
    const at = Date.parse('2026-11-25T10:20:01.250Z');
    expect(parseGatewayOutput('10:20:01 [gateway] ready', 'stderr', at).ts).toBe(at);
    expect(parseGatewayOutput('10:19:58 [gateway] ready', 'stderr', at).ts).toBe(Date.parse('2026-11-25T10:19:58.000Z'));
    // Written just before midnight, read just after it: the day before.
    expect(parseGatewayOutput('23:59:59 [gateway] ready', 'stderr', Date.parse('2026-11-25T00:00:00.400Z')).ts).toBe(Date.parse('2026-11-24T23:59:59.000Z'));
  });

  it('keeps any other line verbatim: info on stdout, warn on stderr', () => {
    const at = 1_764_066_001_000;
    expect(parseGatewayOutput('10:20:01 [gateway] error: looks like the logger', 'stdout', at)).toEqual({ level: 'info', text: '10:20:01 [gateway] error: looks like the logger', ts: at });
    expect(parseGatewayOutput('Gateway failed to start: gateway already running (pid 42)', 'stderr', at)).toEqual({ level: 'warn', text: 'Gateway failed to start: gateway already running (pid 42)', ts: at });
    expect(parseGatewayOutput('    at Server.listen (node:net:1234:5)', 'stderr', at)).toMatchObject({ level: 'warn', text: '    at Server.listen (node:net:1234:5)' });
    expect(parseGatewayOutput('10:20 [gateway] short time', 'stderr', at)).toMatchObject({ level: 'warn', text: '10:20 [gateway] short time' });
  });
});
