// Which Clawdbot state dir the app uses: `--profile NAME` (as the CLI: ~/.clawdbot-NAME), else
// CLAWDBOT_STATE_DIR, else ~/.clawdbot. This mirrors applyProfile and resolveStateDir in
// src/config/paths.ts, which src/main may not import; test/main/state-dir.test.ts fails if they ever
// disagree.

import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

type Env = Record<string, string | undefined>;

const PROFILE_NAME = /^[A-Za-z0-9_-]+$/;

/** The NAME of `--profile NAME` or `--profile=NAME`, if given. */
export function profileArgument(argv: readonly string[]): string | null {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--profile') return argv[i + 1] ?? '';
    if (arg.startsWith('--profile=')) return arg.slice('--profile='.length);
  }
  return null;
}

/** Sets CLAWDBOT_PROFILE and, unless already set, the state dir and config path; an error text for a bad name. */
export function applyAppProfile(name: string, env: Env): string | null {
  if (!PROFILE_NAME.test(name)) return `Invalid --profile "${name}": use letters, digits, "_" or "-".`;
  const home = env.HOME || homedir();
  env.CLAWDBOT_PROFILE = name;
  if (!env.CLAWDBOT_STATE_DIR?.trim()) env.CLAWDBOT_STATE_DIR = join(home, name === 'default' ? '.clawdbot' : `.clawdbot-${name}`);
  if (!env.CLAWDBOT_CONFIG_PATH?.trim()) env.CLAWDBOT_CONFIG_PATH = join(env.CLAWDBOT_STATE_DIR, 'clawdbot.json');
  return null;
}

export function resolveAppStateDir(env: Env): string {
  const home = env.HOME || homedir();
  const fromEnv = env.CLAWDBOT_STATE_DIR?.trim();
  if (!fromEnv) return join(home, '.clawdbot');
  if (fromEnv === '~') return home;
  return resolve(fromEnv.startsWith('~/') ? join(home, fromEnv.slice(2)) : fromEnv);
}
