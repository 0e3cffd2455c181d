// The reading half of the config-file sync: notices when another program (the CLI, an editor, a
// gateway) changed gateway.mode or gateway.remote.* and reports what changed.
//
// It polls the file's content hash rather than watching the file: a poll sees an atomic rename-write
// (a new inode, which fs.watch on the old one misses), a file that did not exist yet, and a rewrite
// within the same mtime tick, and it has no start-up window in which a write goes unseen (the
// baseline is read when the watcher is made). The file is small; reading it every couple of seconds
// costs nothing. The app's own writes become the baseline as they happen (ownWrite), so they are
// never reported, and a poll can never see them as news.

import { readConfigFile, type ConfigFileSnapshot } from '../config/file';
import { configViewOf, type ConfigView } from './config-sync';

/** The fields another program set to a new value; a field that disappeared is not a change to follow. */
export type ConfigChange = Partial<Omit<ConfigView, 'port'>>;

const FOLLOWED = ['mode', 'remoteToken', 'remotePassword', 'remoteSshTarget', 'remoteSshIdentity'] as const;

export interface ConfigWatcherEvents {
  onChange(change: ConfigChange): void;
  /** The file stopped parsing or cannot be read (the error names the file), or parses again (null). */
  onParseError(error: string | null): void;
}

export class ConfigWatcher {
  private seenHash: string;
  /** The last content that said something: changes are measured against it, also across a broken spell. */
  private seen: ConfigView;
  private parseError: string | null;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly path: string,
    private readonly pollMs: number,
    private readonly events: ConfigWatcherEvents,
  ) {
    const snapshot = readConfigFile(path);
    this.seenHash = snapshot.hash;
    this.seen = configViewOf(snapshot.parsed ?? {});
    this.parseError = snapshot.parseError ?? null;
  }

  start(): void {
    if (this.parseError) this.events.onParseError(this.parseError);
    this.timer = setInterval(() => this.check(), this.pollMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** The app just wrote the file: what it wrote is the new baseline. */
  ownWrite(written: ConfigFileSnapshot): void {
    this.seenHash = written.hash;
    if (!written.parsed) return;
    this.seen = configViewOf(written.parsed);
    this.setParseError(null);
  }

  /** Reads the file now and reports what another program changed since the last look. */
  check(): void {
    let snapshot: ConfigFileSnapshot;
    try {
      snapshot = readConfigFile(this.path);
    } catch (err) {
      // Gone between the existence check and the read: the next poll sees what replaced it.
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      this.seenHash = '';
      return this.setParseError(`${this.path} cannot be read: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (snapshot.hash === this.seenHash) return;
    this.seenHash = snapshot.hash;
    if (!snapshot.parsed) return this.setParseError(snapshot.parseError ?? `${this.path} does not parse`);
    this.setParseError(null);
    // A missing or empty file says nothing (deleted, or an editor halfway through writing in place):
    // keep measuring against the last content that said something.
    if (snapshot.raw.trim() === '') return;
    const previous = this.seen;
    this.seen = configViewOf(snapshot.parsed);
    const change: ConfigChange = {};
    for (const key of FOLLOWED) {
      const value = this.seen[key];
      if (value !== undefined && value !== previous[key]) Object.assign(change, { [key]: value });
    }
    if (Object.keys(change).length > 0) this.events.onChange(change);
  }

  private setParseError(error: string | null): void {
    if (error === this.parseError) return;
    this.parseError = error;
    this.events.onParseError(error);
  }
}
