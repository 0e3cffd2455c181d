import { describe, expect, it } from 'vitest';
import { applyProfile, resolveStateDir } from '../../src/config/paths';
import { applyAppProfile, profileArgument, resolveAppStateDir } from '../../src/main/state-dir';

const ENVS = [
  { HOME: '/home/a' },
  { HOME: '/home/a', CLAWDBOT_STATE_DIR: '/srv/state' },
  { HOME: '/home/a', CLAWDBOT_STATE_DIR: '  ~/work-state ' },
  { HOME: '/home/a', CLAWDBOT_STATE_DIR: '~' },
  { HOME: '/home/a', CLAWDBOT_STATE_DIR: 'relative/dir' },
  { HOME: '/home/a', CLAWDBOT_STATE_DIR: '   ' },
  { HOME: '/home/a', CLAWDBOT_CONFIG_PATH: '/etc/clawdbot.json' },
];

describe('the app state dir', () => {
  it('agrees with the CLI (src/config/paths.ts)', () => {
    for (const env of ENVS) expect(resolveAppStateDir(env), JSON.stringify(env)).toBe(resolveStateDir(env));
  });

  it('applies --profile exactly as the CLI does', () => {
    for (const name of ['work', 'default', 'a_b-1', 'bad name', '../x', '']) {
      for (const env of ENVS) {
        const ours: Record<string, string | undefined> = { ...env };
        const cli: Record<string, string | undefined> = { ...env };
        expect(applyAppProfile(name, ours), name).toBe(applyProfile(name, cli));
        expect(ours, `${name} ${JSON.stringify(env)}`).toEqual(cli);
      }
    }
  });

  it('reads --profile from the command line', () => {
    expect(profileArgument(['/opt/clawdbot', '--profile', 'work'])).toBe('work');
    expect(profileArgument(['/opt/clawdbot', '--profile=dev', '--hidden'])).toBe('dev');
    expect(profileArgument(['/opt/clawdbot', '--profile'])).toBe('');
    expect(profileArgument(['/opt/clawdbot', '--hidden'])).toBeNull();
  });
});
