import { appendFileSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Logger } from '../../../src/gateway/methods/types';
import { canonicalizeSessionKey } from '../../../src/gateway/sessions/keys';
import { SessionStore, TRANSCRIPT_TAIL_MESSAGES } from '../../../src/gateway/sessions/store';
import { parseTranscript, readTranscript, readTranscriptHead, readTranscriptTail, transcriptPath, type TranscriptMessage } from '../../../src/gateway/sessions/transcript';

let dir: string;
let warnings: string[];
const log: Logger = { debug: () => {}, info: () => {}, warn: (msg) => warnings.push(msg), error: (msg) => warnings.push(msg) };
const user = (text: string): TranscriptMessage => ({ role: 'user', content: [{ type: 'text', text }], timestamp: Date.now() });

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'clawdbot-store-'));
  warnings = [];
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('session keys', () => {
  it('canonicalizes main and bare keys to the main agent', () => {
    expect(canonicalizeSessionKey('main').key).toBe('agent:main:main');
    expect(canonicalizeSessionKey('agent:main:main').key).toBe('agent:main:main');
    expect(canonicalizeSessionKey('work').key).toBe('agent:main:work');
    expect(canonicalizeSessionKey('agent:Other:x')).toEqual({ key: 'agent:other:x', agentId: 'other' });
  });
});

describe('SessionStore', () => {
  it('records the run on each stored message, also for transcripts written before it did', async () => {
    const a = new SessionStore(dir, log);
    await a.append('agent:main:main', user('one'), 'r1');
    await a.append('agent:main:main', user('no run'));
    await a.flush();
    expect((await a.lines('agent:main:main')).map((l) => l.message.runId)).toEqual(['r1', undefined]);
    const old = parseTranscript(`${JSON.stringify({ type: 'message', id: 'x', runId: 'r0', timestamp: new Date(0).toISOString(), message: user('old') })}\n`);
    expect(old.lines[0]?.message.runId).toBe('r0');
  });

  it('keeps messages across a reopen, in order', async () => {
    const a = new SessionStore(dir, log);
    await a.append('agent:main:main', user('one'), 'r1');
    await a.append('agent:main:main', user('two'), 'r2');
    await a.flush();
    const b = new SessionStore(dir, log);
    const lines = await b.lines('agent:main:main');
    expect(lines.map((l) => l.message.content[0]!.text)).toEqual(['one', 'two']);
    expect(lines.map((l) => l.runId)).toEqual(['r1', 'r2']);
    expect(b.get('agent:main:main')?.sessionId).toBe(a.get('agent:main:main')?.sessionId);
  });

  it('skips a torn last line, reports it, and appends cleanly after it', async () => {
    const a = new SessionStore(dir, log);
    await a.append('agent:main:main', user('kept'));
    const file = transcriptPath(a.dir, a.get('agent:main:main')!.sessionId);
    appendFileSync(file, '{"type":"message","id":"x","message":{"role":"assis');
    const b = new SessionStore(dir, log);
    expect((await b.lines('agent:main:main')).map((l) => l.message.content[0]!.text)).toEqual(['kept']);
    expect(warnings.some((w) => /torn last line/.test(w))).toBe(true);
    await b.append('agent:main:main', user('after'));
    const parsed = parseTranscript(readFileSync(file, 'utf8'));
    expect(parsed.tornBytes).toBe(0);
    expect(parsed.skipped).toBe(0);
    expect(parsed.lines.map((l) => l.message.content[0]!.text)).toEqual(['kept', 'after']);
  });

  it('rebuilds a damaged index from the transcripts', async () => {
    const a = new SessionStore(dir, log);
    await a.append('agent:main:main', user('hello'));
    await a.append('agent:main:work', user('work'));
    await a.flush();
    writeFileSync(a.indexPath, '{"agent:main:main": {"sessionId": "tru');
    const b = new SessionStore(dir, log);
    expect(b.keys().sort()).toEqual(['agent:main:main', 'agent:main:work']);
    expect((await b.lines('agent:main:work'))[0]?.message.content[0]?.text).toBe('work');
    expect(warnings.some((w) => /damaged/.test(w))).toBe(true);
    expect(readdirSync(a.dir).some((f) => f.startsWith('sessions.json.damaged.'))).toBe(true);
    expect(JSON.parse(readFileSync(b.indexPath, 'utf8'))['agent:main:main'].sessionId).toBe(a.get('agent:main:main')?.sessionId);
  });

  it('restores an index entry without a usable sessionId from its transcript, keeping the file it found', async () => {
    const a = new SessionStore(dir, log);
    await a.append('agent:main:main', user('hello'));
    await a.append('agent:main:work', user('work'));
    await a.flush();
    const index = JSON.parse(readFileSync(a.indexPath, 'utf8')) as Record<string, Record<string, unknown>>;
    index['agent:main:work']!.sessionId = '../not an id';
    writeFileSync(a.indexPath, JSON.stringify(index));
    const b = new SessionStore(dir, log);
    expect(b.get('agent:main:work')?.sessionId).toBe(a.get('agent:main:work')?.sessionId);
    expect((await b.lines('agent:main:work'))[0]?.message.content[0]?.text).toBe('work');
    expect(b.get('agent:main:main')?.sessionId).toBe(a.get('agent:main:main')?.sessionId);
    expect(warnings.some((w) => /without a usable sessionId/.test(w))).toBe(true);
    const aside = readdirSync(a.dir).find((f) => f.startsWith('sessions.json.damaged.'));
    expect(JSON.parse(readFileSync(join(a.dir, aside!), 'utf8'))['agent:main:work'].sessionId).toBe('../not an id');
  });

  it('rebuilds a missing index from the transcripts', async () => {
    const a = new SessionStore(dir, log);
    await a.append('agent:main:main', user('hello'));
    rmSync(a.indexPath);
    const b = new SessionStore(dir, log);
    expect(b.get('agent:main:main')?.sessionId).toBe(a.get('agent:main:main')?.sessionId);
  });

  it('reset starts a new transcript; delete archives it', async () => {
    const a = new SessionStore(dir, log);
    await a.append('agent:main:x', user('old'));
    const oldId = a.get('agent:main:x')!.sessionId;
    a.patch('agent:main:x', { label: 'mine' });
    const fresh = a.reset('agent:main:x');
    expect(fresh.sessionId).not.toBe(oldId);
    expect(fresh.label).toBe('mine');
    expect(await a.lines('agent:main:x')).toEqual([]);
    // A rebuild must pick the newest transcript of a key, not the one a reset left behind.
    await a.append('agent:main:x', user('new'));
    const result = await a.delete('agent:main:x', true);
    expect(result.deleted).toBe(true);
    expect(result.archived[0]).toMatch(/\.jsonl\.deleted\.\d+$/);
    expect(a.get('agent:main:x')).toBeUndefined();
  });
});

describe('SessionStore transcript cache', () => {
  it('keeps at most maxSessions transcripts in memory (LRU) and re-reads evicted ones from disk', async () => {
    const store = new SessionStore(dir, log, 'main', { maxSessions: 3, maxLines: 1000 });
    for (let i = 0; i < 10; i++) {
      await store.append(`agent:main:s${i}`, user(`first ${i}`));
      await store.append(`agent:main:s${i}`, user(`second ${i}`));
      expect(store.cacheStats().sessions).toBeLessThanOrEqual(3);
    }
    expect(store.cacheStats()).toEqual({ sessions: 3, lines: 6 });
    // s0 was evicted long ago: read again from disk, complete, and cached again (evicting another).
    expect((await store.lines('agent:main:s0')).map((l) => l.message.content[0]!.text)).toEqual(['first 0', 'second 0']);
    expect(store.cacheStats().sessions).toBe(3);
    await store.append('agent:main:s0', user('third 0'));
    expect((await store.lines('agent:main:s0')).map((l) => l.message.content[0]!.text)).toEqual(['first 0', 'second 0', 'third 0']);
  });

  it('evicts the least recently used transcript, not the one just read', async () => {
    const store = new SessionStore(dir, log, 'main', { maxSessions: 2, maxLines: 1000 });
    await store.append('agent:main:a', user('a'));
    await store.append('agent:main:b', user('b'));
    await store.lines('agent:main:a'); // a is now the most recent
    await store.append('agent:main:c', user('c')); // evicts b
    const stats = store.cacheStats();
    expect(stats.sessions).toBe(2);
    // b is re-read (its count of lines comes back), a was still cached: appending to a keeps it exact.
    await store.append('agent:main:a', user('a2'));
    expect((await store.lines('agent:main:a')).map((l) => l.message.content[0]!.text)).toEqual(['a', 'a2']);
    expect((await store.lines('agent:main:b')).map((l) => l.message.content[0]!.text)).toEqual(['b']);
    expect(store.cacheStats().sessions).toBe(2);
  });

  it('bounds the message lines held over all transcripts', async () => {
    const store = new SessionStore(dir, log, 'main', { maxSessions: 100, maxLines: 10 });
    for (let i = 0; i < 8; i++) for (let j = 0; j < 3; j++) await store.append(`agent:main:s${i}`, user(`m${i}.${j}`));
    expect(store.cacheStats().lines).toBeLessThanOrEqual(10);
    for (let i = 0; i < 8; i++) expect((await store.lines(`agent:main:s${i}`)).length).toBe(3);
    expect(store.cacheStats().lines).toBeLessThanOrEqual(10);
  });

  it('never evicts a transcript with appends in flight: concurrent appends over many sessions lose nothing', async () => {
    const store = new SessionStore(dir, log, 'main', { maxSessions: 1, maxLines: 2 });
    const writes: Array<Promise<void>> = [];
    for (let j = 0; j < 5; j++) for (let i = 0; i < 4; i++) writes.push(store.append(`agent:main:s${i}`, user(`m${i}.${j}`)));
    await Promise.all(writes);
    expect(store.cacheStats().sessions).toBeLessThanOrEqual(1);
    for (let i = 0; i < 4; i++) {
      expect((await store.lines(`agent:main:s${i}`)).map((l) => l.message.content[0]!.text)).toEqual([0, 1, 2, 3, 4].map((j) => `m${i}.${j}`));
      const file = transcriptPath(store.dir, store.get(`agent:main:s${i}`)!.sessionId);
      expect(parseTranscript(readFileSync(file, 'utf8')).lines).toHaveLength(5);
    }
  });
});

describe('long transcripts', () => {
  const KEY = 'agent:main:long';

  /** A session whose transcript holds `count` messages (some with multi-byte text), written as the store writes them. */
  async function longSession(count: number): Promise<string> {
    const seed = new SessionStore(dir, log);
    await seed.append(KEY, user('seed'));
    await seed.flush();
    const sessionId = seed.get(KEY)!.sessionId;
    const lines = [JSON.stringify({ type: 'session', version: 1, id: sessionId, key: KEY, timestamp: new Date(0).toISOString() })];
    for (let i = 0; i < count; i++) {
      const message = { ...user(`message ${i} ${'ü€'.repeat(i % 7)}${i === 0 ? ' the first question' : ''}`), role: i % 2 === 0 ? 'user' : 'assistant' };
      lines.push(JSON.stringify({ type: 'message', id: `m${i}`, runId: `r${i}`, timestamp: new Date(i).toISOString(), message }));
    }
    const path = transcriptPath(seed.dir, sessionId);
    writeFileSync(path, `${lines.join('\n')}\n`);
    return path;
  }

  it('reads only the tail of a long transcript, exactly as the whole file would give it', async () => {
    const path = await longSession(4000);
    const whole = await readTranscript(path);
    for (const max of [1, 200, 1000]) {
      const tail = await readTranscriptTail(path, max);
      expect(tail.lines).toEqual(whole.lines.slice(-max));
      expect(tail.header?.key).toBe(KEY);
      expect(tail.cleanLength).toBe(whole.cleanLength);
      expect(tail.tornBytes).toBe(0);
    }
    expect((await readTranscriptTail(path, 10_000)).lines).toEqual(whole.lines);
    expect((await readTranscriptHead(path, 3)).lines.map((l) => l.id)).toEqual(['m0', 'm1', 'm2']);
  });

  it('finds a torn last line of a long transcript and cuts it before the next append', async () => {
    const path = await longSession(3000);
    appendFileSync(path, '{"type":"message","id":"torn","mess');
    const tail = await readTranscriptTail(path, 1000);
    expect(tail.tornBytes).toBe(Buffer.byteLength('{"type":"message","id":"torn","mess'));
    expect(tail.cleanLength).toBe(readFileSync(path).length - tail.tornBytes);
    const store = new SessionStore(dir, log);
    await store.append(KEY, user('after the tear'));
    await store.flush();
    const whole = await readTranscript(path);
    expect(whole.tornBytes).toBe(0);
    expect(whole.lines).toHaveLength(3001);
    expect(whole.lines.at(-1)?.message.content[0]?.text).toBe('after the tear');
    expect(warnings.some((w) => /torn last line/.test(w))).toBe(true);
  });

  it('keeps the last 1,000 messages of a session; its title still comes from its first question', async () => {
    await longSession(2500);
    const store = new SessionStore(dir, log);
    for (let i = 0; i < 300; i++) await store.append(KEY, user(`new ${i}`));
    const lines = await store.lines(KEY);
    expect(lines).toHaveLength(TRANSCRIPT_TAIL_MESSAGES);
    expect(lines.at(-1)?.message.content[0]?.text).toBe('new 299');
    expect((await store.firstLines(KEY, 1))[0]?.message.content[0]?.text).toContain('the first question');
    expect(await store.allLines(KEY)).toHaveLength(2800);
  });
});
