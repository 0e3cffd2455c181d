// Where Clawdbot keeps things (spec §14.1, §14.4): the state dir, the config file, the client identity.

import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export type Env = Record<string, string | undefined>;

export function expandHome(p: string, env: Env = process.env): string {
  const home = env.HOME || homedir();
  if (p === '~') return home;
  if (p.startsWith('~/')) return join(home, p.slice(2));
  return p;
}

export function homeDir(env: Env = process.env): string {
  return env.HOME || homedir();
}

/** `CLAWDBOT_STATE_DIR`, else ~/.clawdbot. */
export function resolveStateDir(env: Env = process.env): string {
  const fromEnv = env.CLAWDBOT_STATE_DIR?.trim();
  return fromEnv ? resolve(expandHome(fromEnv, env)) : join(homeDir(env), '.clawdbot');
}

/** `CLAWDBOT_CONFIG_PATH`, else <stateDir>/clawdbot.json. */
export function resolveConfigPath(env: Env = process.env): string {
  const fromEnv = env.CLAWDBOT_CONFIG_PATH?.trim();
  return fromEnv ? resolve(expandHome(fromEnv, env)) : join(resolveStateDir(env), 'clawdbot.json');
}

/** Client identity files live under $HOME, not the state dir, so profiles share them (spec §7.5). */
export function resolveIdentityDir(env: Env = process.env): string {
  return join(homeDir(env), '.clawdbot', 'identity');
}

const PROFILE_NAME = /^[A-Za-z0-9_-]+$/;

/**
 * `--profile NAME` (spec §14.4): sets CLAWDBOT_PROFILE and, where not already set, the state dir
 * (~/.clawdbot-NAME; `default` is ~/.clawdbot) and the config path. Returns an error text for a bad name.
 */
export function applyProfile(name: string, env: Env = process.env): string | null {
  if (!PROFILE_NAME.test(name)) return `Invalid --profile "${name}": use letters, digits, "_" or "-".`;
  env.CLAWDBOT_PROFILE = name;
  if (!env.CLAWDBOT_STATE_DIR?.trim()) {
    env.CLAWDBOT_STATE_DIR = name === 'default' ? join(homeDir(env), '.clawdbot') : join(homeDir(env), `.clawdbot-${name}`);
  }
  if (!env.CLAWDBOT_CONFIG_PATH?.trim()) env.CLAWDBOT_CONFIG_PATH = join(env.CLAWDBOT_STATE_DIR, 'clawdbot.json');
  return null;
}

/** The directory for the gateway lock files: <tmpdir>/clawdbot-<uid>. */
export function lockDir(): string {
  const uid = typeof process.getuid === 'function' ? process.getuid() : 'user';
  return join(tmpdir(), `clawdbot-${uid}`);
}
