// The app's log on disk (for View logs and bug reports): one line per entry, already redacted, rotated
// to `<name>.1` when it passes maxBytes, so it never grows without bound.

import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import type { LogLine } from '../shared/desktop-api';

export class LogFile {
  private size: number;
  private broken = false;

  constructor(
    readonly path: string,
    private readonly maxBytes = 2 * 1024 * 1024,
  ) {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    this.size = existsSync(path) ? statSync(path).size : 0;
  }

  write(line: LogLine): void {
    if (this.broken) return;
    const text = `${formatLogLine(line)}\n`;
    try {
      if (this.size + text.length > this.maxBytes && this.size > 0) {
        renameSync(this.path, `${this.path}.1`);
        this.size = 0;
      }
      appendFileSync(this.path, text, { mode: 0o600 });
      this.size += Buffer.byteLength(text);
    } catch {
      this.broken = true; // a full disk must not take the app down; the in-memory tail still works
    }
  }
}

function formatLogLine(line: LogLine): string {
  return `${new Date(line.ts).toISOString()} [${line.source}] ${line.level}: ${line.text}`;
}

const LOG_LINE = /^(\d{4}-\d\d-\d\dT[\d:.]+Z) \[(app|gateway)\] (debug|info|warn|error): (.*)$/;

/** The last `limit` lines of a log file written by LogFile (and of its rotated `.1` before it), parsed back. */
export function readLogTail(path: string, limit: number): LogLine[] {
  const lines: LogLine[] = [];
  for (const file of [`${path}.1`, path]) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const raw of text.split('\n')) {
      const m = LOG_LINE.exec(raw);
      const previous = lines[lines.length - 1];
      if (m) lines.push({ ts: Date.parse(m[1] as string), source: m[2] as LogLine['source'], level: m[3] as LogLine['level'], text: m[4] as string });
      else if (previous && raw !== '') previous.text += `\n${raw}`; // a message that spans lines
    }
  }
  return lines.slice(-Math.max(0, limit));
}
