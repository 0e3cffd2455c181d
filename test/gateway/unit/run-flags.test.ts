import { describe, expect, it } from 'vitest';
import { parseRunFlags } from '../../../src/cli/commands/gateway-run';

describe('gateway run flags', () => {
  it('parses values in both spellings and the switches', () => {
    expect(parseRunFlags(['--port', '0', '--bind=lan', '--token', 't', '--password=p', '--auth', 'password', '--allow-unconfigured', '--verbose', '--dev'])).toEqual({
      port: '0', bind: 'lan', token: 't', password: 'p', auth: 'password', allowUnconfigured: true, verbose: true, dev: true, help: false,
    });
  });
  it('names a missing value or an unknown option', () => {
    expect(parseRunFlags(['--port'])).toBe('--port needs a value');
    expect(parseRunFlags(['--tailscale'])).toBe('unknown option --tailscale');
  });
});
