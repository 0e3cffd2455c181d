// What every benchmark group gets: where to put scratch files, how to log, the repo's paths.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Row } from './stats';

export const REPO = resolve(import.meta.dirname, '..', '..');
export const CLI = join(REPO, 'bin', 'clawdbot.js');
export const BENCH_LIB = join(REPO, 'bench', 'lib');

export interface GroupContext {
  log(line: string): void;
  /** A scratch folder removed after the group. */
  scratch: string;
}

export type Group = (ctx: GroupContext) => Promise<Row[]>;

export async function runGroup(name: string, group: Group, log: (line: string) => void): Promise<{ rows: Row[]; error?: string; seconds: number }> {
  const scratch = mkdtempSync(join(tmpdir(), `clawdbot-bench-${name}-`));
  const t0 = performance.now();
  try {
    const rows = await group({ log: (line) => log(`[${name}] ${line}`), scratch });
    return { rows, seconds: (performance.now() - t0) / 1000 };
  } catch (err) {
    const error = err instanceof Error ? (err.stack ?? err.message) : String(err);
    log(`[${name}] ERROR: ${error}`);
    return { rows: [], error, seconds: (performance.now() - t0) / 1000 };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** An environment for our CLI with HOME and the state dir in `dir` (nothing from the user's shell). */
export function cliEnv(dir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('CLAWDBOT_') && !k.startsWith('SSH_')) env[k] = v;
  return { ...env, HOME: dir, CLAWDBOT_STATE_DIR: join(dir, '.clawdbot'), CLAWDBOT_CONFIG_PATH: join(dir, '.clawdbot', 'clawdbot.json'), ...extra };
}
