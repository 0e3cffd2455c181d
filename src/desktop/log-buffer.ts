// The app's and the gateway's recent log lines, redacted, for the Logs view and the diagnostics.

import type { LogLine } from '../shared/desktop-api';
import type { Redactor } from './redactor';

const MAX_LINES = 2000;

/** How the brain's parts write a line: the app's own by default, with the time it happened when known. */
export type LogSink = (level: LogLine['level'], text: string, source?: LogLine['source'], ts?: number) => void;

export class LogBuffer {
  private readonly lines: LogLine[] = [];

  constructor(
    private readonly redactor: Redactor,
    private readonly now: () => number,
    private readonly onLine: (line: LogLine) => void,
  ) {}

  /** `ts` is when the line was written, when its writer said so (the gateway's own time); else now. */
  add(source: LogLine['source'], level: LogLine['level'], text: string, ts = this.now()): void {
    const line: LogLine = { source, level, ts, text: this.redactor.redact(text) };
    this.lines.push(line);
    if (this.lines.length > MAX_LINES) this.lines.splice(0, this.lines.length - MAX_LINES);
    this.onLine(line);
  }

  tail(limit = 200): LogLine[] {
    return this.lines.slice(-Math.max(0, limit));
  }
}
