// The app's log on disk (for View logs and bug reports): one line per entry, already redacted, rotated
// to `<name>.1` when it passes maxBytes, so it never grows without bound.

import { appendFileSync, existsSync, mkdirSync, renameSync, statSync } from 'node:fs';
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
    const text = `${new Date(line.ts).toISOString()} [${line.source}] ${line.level}: ${line.text}\n`;
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
