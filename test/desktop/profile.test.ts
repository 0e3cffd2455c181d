import { describe, expect, it } from 'vitest';
import { profileArgument } from '../../src/desktop/profile';

describe('profileArgument', () => {
  it('reads --profile from the command line', () => {
    expect(profileArgument(['/opt/clawdbot', '--profile', 'work'])).toBe('work');
    expect(profileArgument(['/opt/clawdbot', '--profile=dev', '--hidden'])).toBe('dev');
    expect(profileArgument(['/opt/clawdbot', '--profile'])).toBe('');
    expect(profileArgument(['/opt/clawdbot', '--hidden'])).toBeNull();
  });
});
