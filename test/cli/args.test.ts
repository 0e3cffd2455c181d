import { describe, expect, it } from 'vitest';
import { parseArgs, parseMilliseconds, UsageError } from '../../src/cli/args';
import { CONNECTION_FLAGS } from '../../src/cli/connection-options';

const SPECS = { ...CONNECTION_FLAGS, message: { type: 'string' as const, short: 'm' }, probe: { type: 'boolean' as const } };

describe('parseArgs', () => {
  it('takes --flag value, --flag=value, short aliases and positionals in any order', () => {
    const p = parseArgs(['health', '--url', 'ws://h:1', '--token=abc', '-m', '-starts with dash', '--json', 'x'], SPECS);
    expect(p.flags).toEqual({ url: 'ws://h:1', token: 'abc', message: '-starts with dash', json: true });
    expect(p.positionals).toEqual(['health', 'x']);
    expect(p.help).toBe(false);
  });

  it('keeps --token for the command (REF-BUG 7: the reference parent command swallowed it)', () => {
    expect(parseArgs(['--token', 'T', 'call'], SPECS).flags.token).toBe('T');
  });

  it('understands --no-flag, --help and "--"', () => {
    const p = parseArgs(['--no-probe', '--help', '--', '--json'], SPECS);
    expect(p.flags.probe).toBe(false);
    expect(p.help).toBe(true);
    expect(p.positionals).toEqual(['--json']);
  });

  it('names unknown options and missing values', () => {
    expect(() => parseArgs(['--bogus'], SPECS)).toThrow(new UsageError("unknown option '--bogus'"));
    expect(() => parseArgs(['--url'], SPECS)).toThrow("option '--url <url>' needs a value");
    expect(() => parseArgs(['--json=maybe'], SPECS)).toThrow('is true or false');
  });
});

describe('parseMilliseconds', () => {
  it('accepts whole positive numbers and explains anything else', () => {
    expect(parseMilliseconds(undefined, 'timeout', 10_000)).toBe(10_000);
    expect(parseMilliseconds('2500', 'timeout', 10_000)).toBe(2500);
    for (const bad of ['0', '-1', '1.5', 'soon']) expect(() => parseMilliseconds(bad, 'timeout', 1)).toThrow(/whole number of milliseconds/);
  });
});
