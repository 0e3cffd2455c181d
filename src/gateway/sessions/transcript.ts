// One append-only JSONL transcript per session: a header line, then one line per message.
// Appends are fsync'd before they resolve, so a turn acknowledged to a client survives a crash.
// Reading skips lines that do not parse; a torn last line (a crash mid-write) is cut off before the
// next append so it can never glue itself to a new line.

import { closeSync, openSync, readSync } from 'node:fs';
import { open, readFile, truncate } from 'node:fs/promises';
import { join } from 'node:path';

export interface TextPart {
  type: 'text';
  text: string;
}

/** A message as chat.history returns it (spec §9.3). */
export interface TranscriptMessage {
  role: 'user' | 'assistant';
  content: TextPart[];
  timestamp: number;
  /**
   * Ours, beyond the reference: the run that started (user) or produced (assistant) the message, so a
   * client can tell which queued message a reply answers. An extra key, which clients ignore.
   */
  runId?: string;
  [extra: string]: unknown;
}

export interface TranscriptHeader {
  type: 'session';
  version: 1;
  id: string;
  /** The canonical session key, so a damaged index can be rebuilt from the transcripts. */
  key: string;
  timestamp: string;
}

export interface MessageLine {
  type: 'message';
  id: string;
  /** The run that produced (assistant) or started (user) this message. */
  runId?: string;
  timestamp: string;
  message: TranscriptMessage;
}

export interface TranscriptContents {
  header?: TranscriptHeader;
  lines: MessageLine[];
  /** Lines that did not parse (excluding a torn tail). */
  skipped: number;
  /** Bytes of an unterminated last line that did not parse; 0 when the file ends cleanly. */
  tornBytes: number;
  /** Length of the file up to the end of its last complete line. */
  cleanLength: number;
  /** The file does not end with a newline but its last line parsed (a newline must be added). */
  missingNewline: boolean;
}

/** The message with its run recorded on it (a copy; unchanged without a run or when it has one). */
export function withRunId(message: TranscriptMessage, runId: string | undefined): TranscriptMessage {
  return runId === undefined || message.runId !== undefined ? message : { ...message, runId };
}

export function transcriptPath(dir: string, sessionId: string): string {
  return join(dir, `${sessionId}.jsonl`);
}

export function parseTranscript(text: string): TranscriptContents {
  const out: TranscriptContents = { lines: [], skipped: 0, tornBytes: 0, cleanLength: Buffer.byteLength(text), missingNewline: false };
  const parts = text.split('\n');
  const tail = parts.pop() ?? '';
  const parseLine = (line: string): boolean => {
    if (line.trim() === '') return true;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      return false;
    }
    if (!value || typeof value !== 'object') return false;
    const rec = value as Record<string, unknown>;
    if (rec.type === 'session' && typeof rec.id === 'string' && typeof rec.key === 'string') {
      out.header ??= rec as unknown as TranscriptHeader;
      return true;
    }
    if (rec.type === 'message' && isMessage(rec.message)) {
      const line = rec as unknown as MessageLine;
      // Lines written before messages carried their run get it from the line.
      out.lines.push({ ...line, message: withRunId(line.message, line.runId) });
      return true;
    }
    return false;
  };
  for (const line of parts) if (!parseLine(line)) out.skipped += 1;
  if (tail !== '') {
    if (parseLine(tail)) out.missingNewline = true;
    else {
      out.tornBytes = Buffer.byteLength(tail);
      out.cleanLength -= out.tornBytes;
    }
  }
  return out;
}

function isMessage(v: unknown): v is TranscriptMessage {
  if (!v || typeof v !== 'object') return false;
  const m = v as Record<string, unknown>;
  return (m.role === 'user' || m.role === 'assistant') && Array.isArray(m.content);
}

export async function readTranscript(path: string): Promise<TranscriptContents> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return parseTranscript('');
    throw err;
  }
  return parseTranscript(text);
}

/** Cuts a torn tail or terminates an unterminated last line, so later appends start on a fresh line. */
export async function repairTail(path: string, contents: TranscriptContents): Promise<void> {
  if (contents.tornBytes > 0) await truncate(path, contents.cleanLength);
  else if (contents.missingNewline) await appendDurably(path, '\n');
}

/** Appends text and fsyncs before resolving. */
export async function appendDurably(path: string, text: string): Promise<void> {
  const fh = await open(path, 'a', 0o600);
  try {
    await fh.write(text);
    await fh.datasync();
  } finally {
    await fh.close();
  }
}

/** The header of a transcript, read synchronously (start-up index rebuild), or undefined. */
export function readHeaderSync(path: string): TranscriptHeader | undefined {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return undefined;
  }
  try {
    const buf = Buffer.alloc(4096);
    const n = readSync(fd, buf, 0, buf.length, 0);
    const first = buf.subarray(0, n).toString('utf8').split('\n')[0] ?? '';
    const value = JSON.parse(first) as Record<string, unknown>;
    return value.type === 'session' && typeof value.id === 'string' && typeof value.key === 'string' ? (value as unknown as TranscriptHeader) : undefined;
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

export function serializeLine(line: TranscriptHeader | MessageLine): string {
  return `${JSON.stringify(line)}\n`;
}
