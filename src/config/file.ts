// Reading and writing the JSON5 config file. Writes are atomic (temp file + rename) with mode 0600,
// so a crash mid-write never leaves a torn config and secrets are never world-readable.

import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import JSON5 from 'json5';

export interface ConfigFileSnapshot {
  path: string;
  exists: boolean;
  /** The file's text ('' when missing). */
  raw: string;
  /** The parsed file ({} when missing); undefined when it does not parse. */
  parsed: Record<string, unknown> | undefined;
  /** SHA-256 hex of raw: the `baseHash` for config.set/patch. */
  hash: string;
  /** Why it could not be parsed, naming the file and the position. */
  parseError?: string;
}

export function hashText(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export function readConfigFile(path: string): ConfigFileSnapshot {
  if (!existsSync(path)) return { path, exists: false, raw: '', parsed: {}, hash: hashText('') };
  const raw = readFileSync(path, 'utf8');
  const hash = hashText(raw);
  if (raw.trim() === '') return { path, exists: true, raw, parsed: {}, hash };
  try {
    const value: unknown = JSON5.parse(raw);
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      return { path, exists: true, raw, parsed: undefined, hash, parseError: `${path}: the config must be a JSON5 object ({ ... })` };
    }
    return { path, exists: true, raw, parsed: value as Record<string, unknown>, hash };
  } catch (err) {
    const msg = err instanceof Error ? err.message.replace(/^JSON5: /, '') : String(err);
    return { path, exists: true, raw, parsed: undefined, hash, parseError: `${path}: not valid JSON5: ${msg}` };
  }
}

/** Writes text atomically with mode 0600, creating the folder (0700) when needed. */
export function writeFileAtomic(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    writeFileSync(tmp, text, { mode: 0o600 });
    renameSync(tmp, path);
    chmodSync(path, 0o600);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

/** The config as we write it: JSON, two-space indent, a final newline. */
export function serializeConfig(config: Record<string, unknown>): string {
  return `${JSON.stringify(config, null, 2)}\n`;
}

export function writeConfigObject(path: string, config: Record<string, unknown>): void {
  writeFileAtomic(path, serializeConfig(config));
}

function isPlainJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * A hand-edited JSON5 file (comments, unquoted keys, trailing commas) cannot be rewritten as JSON
 * without losing those, so before such a rewrite the file as it was is kept at `<path>.bak` (0600).
 * Returns the backup's path, or undefined when the file was plain JSON (nothing to lose).
 */
export function keepOriginalBeforeRewrite(snapshot: ConfigFileSnapshot): string | undefined {
  if (!snapshot.exists || !snapshot.parsed || snapshot.raw.trim() === '' || isPlainJson(snapshot.raw)) return undefined;
  const backup = `${snapshot.path}.bak`;
  writeFileAtomic(backup, snapshot.raw);
  return backup;
}

/**
 * Read-modify-write of the config file. Refuses (throws) when the file does not parse, so a user's
 * hand-edited file with a typo is never overwritten; keeps a hand-edited one at `<path>.bak`.
 */
export function updateConfigFile(path: string, mutate: (config: Record<string, unknown>) => void, onKeptOriginal?: (backup: string) => void): Record<string, unknown> {
  const snap = readConfigFile(path);
  if (!snap.parsed) throw new Error(`${snap.parseError}. Fix the file, then try again; it was left unchanged.`);
  const next = structuredClone(snap.parsed);
  mutate(next);
  const backup = keepOriginalBeforeRewrite(snap);
  writeConfigObject(path, next);
  if (backup) onKeptOriginal?.(backup);
  return next;
}
