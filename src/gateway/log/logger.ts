// The gateway's log: JSON lines to a file (rotated by day through its name and by size), readable
// lines to stderr. Known secrets and secret-named fields are scrubbed before anything is written.

import { closeSync, mkdirSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { isSecretKey, REDACTED } from '../../config/redact';
import type { Logger } from '../methods/types';

type Level = 'debug' | 'info' | 'warn' | 'error';
const LEVEL_RANK: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export const DEFAULT_MAX_LOG_BYTES = 10 * 1024 * 1024;
const KEPT_ROTATIONS = 3;

export interface LoggerOptions {
  /** A fixed file (logging.file or CLAWDBOT_LOG_FILE); else /tmp/clawdbot/clawdbot-YYYY-MM-DD.log. */
  file?: string;
  maxFileBytes?: number;
  /** Minimum level on stderr (debug with --verbose). */
  consoleLevel?: Level;
  subsystem?: string;
}

export interface GatewayLogger extends Logger {
  /** The file being written now. */
  currentFile(): string;
  /** Registers a secret value so it is replaced wherever it appears. */
  addSecret(secret: string | undefined): void;
  child(subsystem: string): Logger;
  close(): void;
}

export function defaultLogFile(now = new Date()): string {
  const d = `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}-${String(now.getDate()).padStart(2, '0')}`;
  return join('/tmp/clawdbot', `clawdbot-${d}.log`);
}

function scrubFields(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) {
    if (isSecretKey(k) || /signature|privatekey/i.test(k)) out[k] = typeof v === 'string' ? REDACTED : v === undefined ? v : REDACTED;
    else if (v instanceof Error) out[k] = v.message;
    else if (v !== null && typeof v === 'object' && !Array.isArray(v)) out[k] = scrubFields(v as Record<string, unknown>);
    else out[k] = v;
  }
  return out;
}

export function createLogger(opts: LoggerOptions = {}): GatewayLogger {
  const maxBytes = opts.maxFileBytes ?? DEFAULT_MAX_LOG_BYTES;
  const consoleRank = LEVEL_RANK[opts.consoleLevel ?? 'info'];
  const secrets = new Set<string>();
  let path = '';
  let fd: number | null = null;
  let size = 0;
  let failed = false;

  const scrub = (text: string): string => {
    let out = text;
    for (const s of secrets) if (out.includes(s)) out = out.split(s).join(REDACTED);
    return out;
  };

  const open = (): void => {
    const wanted = opts.file ?? defaultLogFile();
    if (fd !== null && wanted === path && size < maxBytes) return;
    if (fd !== null) closeSync(fd);
    fd = null;
    if (wanted === path && size >= maxBytes) rotate(path);
    path = wanted;
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    fd = openSync(path, 'a', 0o600);
    size = statSync(path).size;
  };

  const writeFileLine = (line: string): void => {
    if (failed) return;
    try {
      open();
      const buf = Buffer.from(`${line}\n`, 'utf8');
      writeSync(fd as number, buf);
      size += buf.length;
    } catch (err) {
      failed = true; // a broken log file must never take the gateway down; say so once on stderr
      process.stderr.write(`[log] cannot write ${path}: ${(err as Error).message}\n`);
    }
  };

  const emit = (subsystem: string, level: Level, msg: string, fields?: Record<string, unknown>): void => {
    const time = new Date();
    const clean = fields ? scrubFields(fields) : undefined;
    writeFileLine(scrub(JSON.stringify({ time: time.toISOString(), level, subsystem, msg, ...clean })));
    if (LEVEL_RANK[level] >= consoleRank) {
      const extra = clean ? Object.entries(clean).filter(([, v]) => v !== undefined).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`).join(' ') : '';
      const hhmmss = time.toISOString().slice(11, 19);
      process.stderr.write(scrub(`${hhmmss} [${subsystem}] ${level === 'info' ? '' : `${level}: `}${msg}${extra ? ` ${extra}` : ''}\n`));
    }
  };

  const make = (subsystem: string): Logger => ({
    debug: (m, f) => emit(subsystem, 'debug', m, f),
    info: (m, f) => emit(subsystem, 'info', m, f),
    warn: (m, f) => emit(subsystem, 'warn', m, f),
    error: (m, f) => emit(subsystem, 'error', m, f),
  });

  return {
    ...make(opts.subsystem ?? 'gateway'),
    child: make,
    currentFile: () => path || (opts.file ?? defaultLogFile()),
    addSecret(secret) {
      if (secret && secret.length >= 4) secrets.add(secret);
    },
    close() {
      if (fd !== null) closeSync(fd);
      fd = null;
    },
  };
}

/** file → file.1 → file.2 …; the oldest is dropped. */
function rotate(file: string): void {
  rmSync(`${file}.${KEPT_ROTATIONS}`, { force: true });
  for (let i = KEPT_ROTATIONS - 1; i >= 1; i--) {
    try {
      renameSync(`${file}.${i}`, `${file}.${i + 1}`);
    } catch {
      /* that generation does not exist yet */
    }
  }
  renameSync(file, `${file}.1`);
}
