// One line of the local gateway's output as a log entry. The gateway's logger writes
// `HH:MM:SS [subsystem] level: message` to stderr (UTC; no level word for info; see
// src/gateway/log/logger.ts): the time becomes the entry's time and the level word its level, so the
// Logs view shows each once; the `[subsystem]` tag stays in the text (it names the part that wrote).
// Any other line is kept verbatim, as `info` on stdout and `warn` on stderr (where a crash or a
// startup failure lands).

import type { LogLine } from '../shared/desktop-api';

export interface GatewayLogEntry {
  level: LogLine['level'];
  text: string;
  ts: number;
}

const LOGGER_LINE = /^(\d\d):(\d\d):(\d\d) (\[[^\]\s]+\]) (?:(debug|warn|error): )?(.*)$/;
const DAY_MS = 24 * 60 * 60 * 1000;

export function parseGatewayOutput(line: string, stream: 'stdout' | 'stderr', receivedAt: number): GatewayLogEntry {
  const m = stream === 'stderr' ? LOGGER_LINE.exec(line) : null;
  if (!m) return { level: stream === 'stderr' ? 'warn' : 'info', text: line, ts: receivedAt };
  const [, hours, minutes, seconds, subsystem, level, message] = m;
  return {
    level: (level as LogLine['level'] | undefined) ?? 'info',
    text: `${subsystem} ${message}`,
    ts: loggedAt(Number(hours), Number(minutes), Number(seconds), receivedAt),
  };
}

/** The time of day the gateway wrote, as the latest such instant not after the line arrived. */
function loggedAt(hours: number, minutes: number, seconds: number, receivedAt: number): number {
  const day = new Date(receivedAt);
  let at = Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate(), hours, minutes, seconds);
  if (at > receivedAt) at -= DAY_MS; // written before midnight, read after it
  // The logger keeps whole seconds; within that second, the arrival time is the finer one.
  return receivedAt - at < 1000 ? receivedAt : at;
}
