// The session store of the main agent: `sessions.json` (key → entry) plus one transcript per session.
// The index is written atomically (temp + rename); when it is missing entries or damaged it is
// reconciled with, or rebuilt from, the transcript headers, which carry the session key.
// Transcripts are loaded lazily, cached in memory, and appended through one queue per session. Only a
// transcript's last TRANSCRIPT_TAIL_MESSAGES messages are read and kept (what history, previews and
// the model's context can use), so neither loading nor memory grows with a session's age. The cache
// is bounded (an LRU by sessions and by message lines): a transcript not used recently is dropped once
// it is idle and read from disk again when needed.

import { randomUUID } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, statSync } from 'node:fs';
import { rename } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../../config/file';
import type { Logger } from '../methods/types';
import {
  appendDurably, readHeaderSync, readTranscript, readTranscriptHead, readTranscriptTail, repairTail, serializeLine, transcriptPath, withRunId,
  type MessageLine, type TranscriptMessage,
} from './transcript';

export interface SessionEntry {
  sessionId: string;
  updatedAt: number;
  systemSent: boolean;
  abortedLastRun: boolean;
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  label?: string;
  displayName?: string;
  thinkingLevel?: string;
  verboseLevel?: string;
  reasoningLevel?: string;
  elevatedLevel?: string;
  sendPolicy?: 'allow' | 'deny';
  modelProvider?: string;
  model?: string;
  contextTokens?: number;
  lastChannel?: string;
  /** Who started the session (spec §9.2 row `origin`). */
  origin?: { label?: string; provider: string; surface: string; chatType: string };
}

/**
 * Fields a reset keeps, as the reference's (sessions-reset-then-history): what the user chose for the
 * session and the model it ran on, not what the conversation produced (tokens, display name).
 */
const KEPT_ON_RESET = ['label', 'thinkingLevel', 'verboseLevel', 'reasoningLevel', 'elevatedLevel', 'sendPolicy', 'lastChannel', 'origin', 'model', 'contextTokens'] as const;

const INDEX_WRITE_DELAY_MS = 250;

export interface TranscriptCacheLimits {
  /** Transcripts kept in memory at most (least recently used ones go first). */
  maxSessions: number;
  /** Message lines kept in memory at most, over all cached transcripts. */
  maxLines: number;
}

export const DEFAULT_TRANSCRIPT_CACHE: TranscriptCacheLimits = { maxSessions: 32, maxLines: 5_000 };

/** Messages kept per transcript: chat.history's largest limit (chat/history.ts MAX_HISTORY_LIMIT). */
export const TRANSCRIPT_TAIL_MESSAGES = 1_000;

interface LoadedTranscript {
  lines: MessageLine[];
  /** Serializes appends (and the initial load) of one transcript. */
  queue: Promise<void>;
}

interface CachedTranscript {
  promise: Promise<LoadedTranscript>;
  /** Set once the load finished. */
  loaded?: LoadedTranscript;
  /** Reads and appends in progress: a busy transcript is never evicted (a reload could miss an append). */
  busy: number;
}

export class SessionStore {
  readonly dir: string;
  readonly indexPath: string;
  private entries = new Map<string, SessionEntry>();
  /** sessionId → transcript; Map order is the LRU order (the last entry was used most recently). */
  private transcripts = new Map<string, CachedTranscript>();
  private indexTimer: NodeJS.Timeout | undefined;
  private readonly cacheLimits: TranscriptCacheLimits;

  constructor(stateDir: string, private readonly log: Logger, agentId = 'main', cacheLimits: Partial<TranscriptCacheLimits> = {}) {
    this.cacheLimits = { ...DEFAULT_TRANSCRIPT_CACHE, ...cacheLimits };
    this.dir = join(stateDir, 'agents', agentId, 'sessions');
    this.indexPath = join(this.dir, 'sessions.json');
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    this.loadIndex();
  }

  get(key: string): SessionEntry | undefined {
    return this.entries.get(key);
  }

  keys(): string[] {
    return [...this.entries.keys()];
  }

  /** Entries sorted by updatedAt, newest first. */
  list(): Array<{ key: string; entry: SessionEntry }> {
    return [...this.entries].map(([key, entry]) => ({ key, entry })).sort((a, b) => b.entry.updatedAt - a.entry.updatedAt);
  }

  findBySessionId(sessionId: string): string | undefined {
    for (const [key, entry] of this.entries) if (entry.sessionId === sessionId) return key;
    return undefined;
  }

  /** The session's entry, created (and the index written) when it does not exist yet. */
  ensure(key: string): SessionEntry {
    const existing = this.entries.get(key);
    if (existing) return existing;
    const entry = freshEntry();
    this.entries.set(key, entry);
    this.writeIndexNow();
    return entry;
  }

  /** A new sessionId for the key; the old transcript stays on disk. */
  reset(key: string): SessionEntry {
    const old = this.entries.get(key);
    const entry = freshEntry();
    if (old) for (const field of KEPT_ON_RESET) if (old[field] !== undefined) (entry as unknown as Record<string, unknown>)[field] = old[field];
    if (old) this.transcripts.delete(old.sessionId);
    this.entries.set(key, entry);
    this.writeIndexNow();
    return entry;
  }

  /** Removes the entry; the transcript is renamed aside (never deleted outright) unless kept. */
  async delete(key: string, archiveTranscript: boolean): Promise<{ deleted: boolean; archived: string[] }> {
    const entry = this.entries.get(key);
    if (!entry) return { deleted: false, archived: [] };
    this.entries.delete(key);
    this.writeIndexNow();
    const archived: string[] = [];
    const loaded = this.transcripts.get(entry.sessionId);
    this.transcripts.delete(entry.sessionId);
    if (archiveTranscript) {
      if (loaded) await (await loaded.promise).queue;
      const from = transcriptPath(this.dir, entry.sessionId);
      if (existsSync(from)) {
        const to = `${from}.deleted.${Date.now()}`;
        await rename(from, to);
        archived.push(to);
      }
    }
    return { deleted: true, archived };
  }

  /** Changes entry fields; `null` clears a field. The index is written at once. */
  patch(key: string, fields: Record<string, unknown>): SessionEntry {
    const entry = this.ensure(key) as unknown as Record<string, unknown>;
    for (const [k, v] of Object.entries(fields)) {
      if (v === null) delete entry[k];
      else if (v !== undefined) entry[k] = v;
    }
    entry.updatedAt = Date.now();
    this.writeIndexNow();
    return entry as unknown as SessionEntry;
  }

  /** Updates counters and timestamps; the index write is coalesced (it can be rebuilt after a crash). */
  touch(key: string, update: (entry: SessionEntry) => void): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    update(entry);
    entry.updatedAt = Date.now();
    this.scheduleIndexWrite();
  }

  /** The session's last TRANSCRIPT_TAIL_MESSAGES messages (oldest first), with their run ids. */
  async lines(key: string): Promise<MessageLine[]> {
    const entry = this.entries.get(key);
    if (!entry) return [];
    return this.using(key, entry.sessionId, async (loaded) => {
      await loaded.queue;
      return loaded.lines.slice(-TRANSCRIPT_TAIL_MESSAGES);
    });
  }

  /**
   * Appends a message to the session's transcript (creating session and file as needed); fsync'd.
   * With `sessionId`, the message goes to that transcript even if the key was reset meanwhile (a run's
   * reply belongs to the conversation it answered, not to the fresh one).
   */
  async append(key: string, message: TranscriptMessage, runId?: string, sessionId?: string): Promise<void> {
    const targetId = sessionId ?? this.ensure(key).sessionId;
    const line: MessageLine = { type: 'message', id: randomUUID(), timestamp: new Date(message.timestamp).toISOString(), message: withRunId(message, runId) };
    if (runId !== undefined) line.runId = runId;
    const path = transcriptPath(this.dir, targetId);
    await this.using(key, targetId, async (loaded) => {
      const write = loaded.queue.then(async () => {
        await appendDurably(path, serializeLine(line));
        loaded.lines.push(line);
        // Trimmed now and then rather than on every append (a splice moves the whole array).
        if (loaded.lines.length > TRANSCRIPT_TAIL_MESSAGES * 1.25) loaded.lines.splice(0, loaded.lines.length - TRANSCRIPT_TAIL_MESSAGES);
      });
      loaded.queue = write.catch(() => {});
      await write;
    });
    this.touch(key, () => {});
  }

  /** The session's first messages (up to `max`), from the start of its file (a title, say). */
  async firstLines(key: string, max: number): Promise<MessageLine[]> {
    const entry = this.entries.get(key);
    if (!entry) return [];
    return (await readTranscriptHead(transcriptPath(this.dir, entry.sessionId), max)).lines;
  }

  /** Every message of the session, read from its whole file: for /status, never for a turn. */
  async allLines(key: string): Promise<MessageLine[]> {
    const entry = this.entries.get(key);
    if (!entry) return [];
    return (await readTranscript(transcriptPath(this.dir, entry.sessionId))).lines;
  }

  /** How many transcripts and message lines are held in memory (loaded ones only). */
  cacheStats(): { sessions: number; lines: number } {
    let sessions = 0;
    let lines = 0;
    for (const c of this.transcripts.values()) {
      if (!c.loaded) continue;
      sessions += 1;
      lines += c.loaded.lines.length;
    }
    return { sessions, lines };
  }

  /** Waits for pending appends and writes the index. */
  async flush(): Promise<void> {
    const pending = [...this.transcripts.values()].map(async (c) => (await c.promise).queue);
    await Promise.allSettled(pending);
    if (this.indexTimer) this.writeIndexNow();
  }

  /** Runs `fn` on the (loaded) transcript, marked busy meanwhile and as the most recently used. */
  private async using<T>(key: string, sessionId: string, fn: (loaded: LoadedTranscript) => Promise<T>): Promise<T> {
    let cached = this.transcripts.get(sessionId);
    if (cached) this.transcripts.delete(sessionId);
    else {
      const created: CachedTranscript = { promise: this.loadTranscript(key, sessionId), busy: 0 };
      created.promise.then(
        (loaded) => (created.loaded = loaded),
        () => {
          if (this.transcripts.get(sessionId) === created) this.transcripts.delete(sessionId);
        },
      );
      cached = created;
    }
    this.transcripts.set(sessionId, cached);
    cached.busy += 1;
    try {
      return await fn(await cached.promise);
    } finally {
      cached.busy -= 1;
      this.evict();
    }
  }

  /** Drops idle transcripts, least recently used first, until the cache is within its limits. */
  private evict(): void {
    const { maxSessions, maxLines } = this.cacheLimits;
    let { lines } = this.cacheStats();
    for (const [sessionId, c] of this.transcripts) {
      if (this.transcripts.size <= maxSessions && lines <= maxLines) return;
      if (!c.loaded || c.busy > 0) continue;
      this.transcripts.delete(sessionId);
      lines -= c.loaded.lines.length;
    }
  }

  private async loadTranscript(key: string, sessionId: string): Promise<LoadedTranscript> {
    const path = transcriptPath(this.dir, sessionId);
    const contents = await readTranscriptTail(path, TRANSCRIPT_TAIL_MESSAGES);
    if (contents.tornBytes > 0) {
      this.log.warn('transcript: skipped a torn last line (the gateway stopped mid-write)', { sessionKey: key, file: path, bytes: contents.tornBytes });
    }
    if (contents.skipped > 0) this.log.warn('transcript: skipped lines that do not parse', { sessionKey: key, file: path, lines: contents.skipped });
    await repairTail(path, contents);
    if (!contents.header) {
      const header = { type: 'session' as const, version: 1 as const, id: sessionId, key, timestamp: new Date().toISOString() };
      // A header after earlier lines (a damaged file) still lets a rebuild find the key.
      await appendDurably(path, serializeLine(header));
    }
    return { lines: contents.lines, queue: Promise.resolve() };
  }

  private loadIndex(): void {
    let parsed: unknown;
    const exists = existsSync(this.indexPath);
    if (exists) {
      let problem = '';
      try {
        parsed = JSON.parse(readFileSync(this.indexPath, 'utf8'));
        if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) problem = 'not a JSON object';
      } catch (err) {
        problem = String(err);
      }
      if (problem) {
        parsed = undefined;
        const aside = `${this.indexPath}.damaged.${Date.now()}`;
        renameSync(this.indexPath, aside);
        this.log.warn('sessions.json is damaged; rebuilding it from the transcripts', { file: this.indexPath, movedTo: aside, error: problem });
      }
    }
    const unusable: string[] = [];
    if (parsed !== undefined) {
      for (const [key, value] of Object.entries(parsed as Record<string, unknown>)) {
        const entry = normalizeEntry(value);
        if (entry) this.entries.set(key, entry);
        else unusable.push(key);
      }
    }
    if (unusable.length > 0) {
      // The next index write would drop these entries for good: keep the file as it was, and bring
      // the sessions back from their transcripts where they have one.
      const aside = `${this.indexPath}.damaged.${Date.now()}`;
      copyFileSync(this.indexPath, aside);
      this.log.warn('sessions.json has entries without a usable sessionId; restoring them from the transcripts', { file: this.indexPath, keys: unusable, copiedTo: aside });
    }
    // The index is written synchronously whenever a session is created, so an intact index is
    // complete; only a missing or damaged one is rebuilt (a kept transcript of a deleted session
    // must not come back).
    if (parsed === undefined || unusable.length > 0) {
      this.reconcileWithTranscripts();
      if (exists || this.entries.size > 0) this.writeIndexNow();
    }
  }

  /** Adds sessions whose transcripts exist but whose keys the index lacks (newest transcript wins). */
  private reconcileWithTranscripts(): void {
    const known = new Set([...this.entries.values()].map((e) => e.sessionId));
    const found = new Map<string, { sessionId: string; mtime: number }>();
    for (const name of readdirSync(this.dir)) {
      if (!name.endsWith('.jsonl')) continue;
      const sessionId = name.slice(0, -'.jsonl'.length);
      if (known.has(sessionId)) continue;
      const path = join(this.dir, name);
      const header = readHeaderSync(path);
      if (!header || this.entries.has(header.key)) continue;
      const mtime = statSync(path).mtimeMs;
      const prev = found.get(header.key);
      if (!prev || prev.mtime < mtime) found.set(header.key, { sessionId, mtime });
    }
    for (const [key, { sessionId, mtime }] of found) this.entries.set(key, { ...freshEntry(), sessionId, updatedAt: Math.round(mtime) });
    if (found.size > 0) this.log.info('sessions.json: restored sessions from their transcripts', { count: found.size });
  }

  private scheduleIndexWrite(): void {
    if (this.indexTimer) return;
    this.indexTimer = setTimeout(() => this.writeIndexNow(), INDEX_WRITE_DELAY_MS);
    this.indexTimer.unref();
  }

  private writeIndexNow(): void {
    if (this.indexTimer) clearTimeout(this.indexTimer);
    this.indexTimer = undefined;
    try {
      writeFileAtomic(this.indexPath, `${JSON.stringify(Object.fromEntries(this.entries), null, 2)}\n`);
    } catch (err) {
      this.log.error('sessions.json: write failed', { file: this.indexPath, error: String(err) });
    }
  }
}

function freshEntry(): SessionEntry {
  return { sessionId: randomUUID(), updatedAt: Date.now(), systemSent: false, abortedLastRun: false, inputTokens: 0, outputTokens: 0, totalTokens: 0 };
}

function normalizeEntry(value: unknown): SessionEntry | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const v = value as Record<string, unknown>;
  if (typeof v.sessionId !== 'string' || !/^[A-Za-z0-9_-]+$/.test(v.sessionId)) return undefined;
  const num = (x: unknown): number => (typeof x === 'number' && Number.isFinite(x) ? x : 0);
  return { ...(v as unknown as SessionEntry), updatedAt: num(v.updatedAt), inputTokens: num(v.inputTokens), outputTokens: num(v.outputTokens), totalTokens: num(v.totalTokens), systemSent: v.systemSent === true, abortedLastRun: v.abortedLastRun === true };
}
