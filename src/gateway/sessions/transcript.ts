// One append-only JSONL transcript per session: a header line, then one line per message.
// Appends are fsync'd before they resolve, so a turn acknowledged to a client survives a crash.
// Reading skips lines that do not parse; a torn last line (a crash mid-write) is cut off before the
// next append so it can never glue itself to a new line.

import { closeSync, openSync, readSync } from 'node:fs';
import { open, readFile, truncate, type FileHandle } from 'node:fs/promises';
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

/** Runs `read` on the open transcript; a missing file reads as an empty transcript. */
async function withTranscriptFile(path: string, read: (fh: FileHandle) => Promise<TranscriptContents>): Promise<TranscriptContents> {
  let fh: FileHandle;
  try {
    fh = await open(path, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return parseTranscript('');
    throw err;
  }
  try {
    return await read(fh);
  } finally {
    await fh.close();
  }
}

/** Bytes read per step when reading a transcript from its end. */
const TAIL_CHUNK_BYTES = 64 * 1024;

/**
 * The last `maxMessages` messages of a transcript, read from the end of the file: the cost of loading
 * a session does not grow with its age. Torn-tail detection and cleanLength are as for the whole file;
 * `skipped` counts only the part read; the header comes from the file's first line.
 */
export function readTranscriptTail(path: string, maxMessages: number): Promise<TranscriptContents> {
  return withTranscriptFile(path, async (fh) => {
    const size = (await fh.stat()).size;
    const chunks: Buffer[] = [];
    let start = size;
    let newlines = 0;
    // Enough whole lines for maxMessages messages, with room for a header and lines that do not parse.
    while (start > 0 && newlines <= maxMessages + 1) {
      const length = Math.min(TAIL_CHUNK_BYTES, start);
      start -= length;
      const chunk = Buffer.alloc(length);
      const { bytesRead } = await fh.read(chunk, 0, length, start);
      chunks.unshift(chunk.subarray(0, bytesRead));
      for (let i = 0; i < bytesRead; i++) if (chunk[i] === 10) newlines++;
    }
    let data = Buffer.concat(chunks);
    if (start > 0) {
      // Started inside a line: begin after its end (so the text is cut at a line, never inside a character).
      const skip = data.indexOf(10) + 1;
      data = data.subarray(skip);
      start += skip;
    }
    const contents = parseTranscript(data.toString('utf8'));
    contents.cleanLength += start;
    if (contents.lines.length > maxMessages) contents.lines = contents.lines.slice(-maxMessages);
    if (start > 0) {
      // The header is the file's first line, which the tail did not reach.
      const head = Buffer.alloc(4096);
      const { bytesRead } = await fh.read(head, 0, head.length, 0);
      contents.header = parseHeader(head.subarray(0, bytesRead).toString('utf8').split('\n')[0] ?? '');
    }
    return contents;
  });
}

/** The first `maxMessages` messages of a transcript, from the first 64 KiB of its file. */
export function readTranscriptHead(path: string, maxMessages: number): Promise<TranscriptContents> {
  return withTranscriptFile(path, async (fh) => {
    const head = Buffer.alloc(TAIL_CHUNK_BYTES);
    const { bytesRead } = await fh.read(head, 0, head.length, 0);
    const text = head.subarray(0, bytesRead).toString('utf8');
    const contents = parseTranscript(text.slice(0, text.lastIndexOf('\n') + 1)); // whole lines only
    contents.lines = contents.lines.slice(0, maxMessages);
    return contents;
  });
}

function parseHeader(line: string): TranscriptHeader | undefined {
  try {
    const value = JSON.parse(line) as Record<string, unknown>;
    return value.type === 'session' && typeof value.id === 'string' && typeof value.key === 'string' ? (value as unknown as TranscriptHeader) : undefined;
  } catch {
    return undefined;
  }
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
    return parseHeader(buf.subarray(0, n).toString('utf8').split('\n')[0] ?? '');
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

export function serializeLine(line: TranscriptHeader | MessageLine): string {
  return `${JSON.stringify(line)}\n`;
}
