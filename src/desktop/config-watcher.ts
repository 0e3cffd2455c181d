// The reading half of the config-file sync: notices when another program (the CLI, an editor, a
// gateway) changed gateway.mode or gateway.remote.* and reports what changed.
//
// It polls the file's content hash rather than watching the file: a poll sees an atomic rename-write
// (a new inode, which fs.watch on the old one misses), a file that did not exist yet, and a rewrite
// within the same mtime tick, and it has no start-up window in which a write goes unseen (the
// baseline is read when the watcher is made). The file is small; reading it every couple of seconds
// costs nothing. The app's own writes become the baseline as they happen (ownWrite), so they are
// never reported, and a poll can never see them as news.
//
// The baseline outlives the app (`memory`: the file's hash and its non-secret values, never a token or
// password), so a change made while the app was not running is reported once at the next start
// (changedWhileAway), measured against what the app last saw rather than against its own settings.

import { readConfigFile, type ConfigFileSnapshot } from '../config/file';
import { configViewOf, type ConfigView } from './config-sync';

/** The fields another program set to a new value; a field that disappeared is not a change to follow. */
export type ConfigChange = Partial<Omit<ConfigView, 'port'>>;

const FOLLOWED = ['mode', 'remoteToken', 'remotePassword', 'remoteSshTarget', 'remoteSshIdentity'] as const;
const SECRET_KEYS = new Set<string>(['remoteToken', 'remotePassword']);

/** What the app last saw of the file, kept across runs: its hash and its followed non-secret values. */
export interface SeenConfig {
  hash: string;
  values: Partial<Pick<ConfigView, 'mode' | 'remoteSshTarget' | 'remoteSshIdentity'>>;
}

export interface SeenConfigMemory {
  load(): unknown;
  save(seen: SeenConfig): void;
}

/**
 * The followed values of `now` that differ from what the app last saw. Secrets are never remembered, so
 * a token or password in a changed file always counts; the follower adopts it only where it differs
 * from the app's own.
 */
function changedSince(before: SeenConfig, now: ConfigView): ConfigChange {
  const change: ConfigChange = {};
  for (const key of FOLLOWED) {
    const value = now[key];
    const changed = SECRET_KEYS.has(key) || value !== before.values[key as keyof SeenConfig['values']];
    if (value !== undefined && changed) Object.assign(change, { [key]: value });
  }
  return change;
}

function asSeenConfig(value: unknown): SeenConfig | undefined {
  const v = value as Partial<SeenConfig> | null | undefined;
  return v && typeof v.hash === 'string' && typeof v.values === 'object' && v.values !== null ? (v as SeenConfig) : undefined;
}

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
  private awayChange: ConfigChange = {};

  constructor(
    private readonly path: string,
    private readonly pollMs: number,
    private readonly events: ConfigWatcherEvents,
    private readonly memory?: SeenConfigMemory,
  ) {
    const snapshot = readConfigFile(path);
    this.seenHash = snapshot.hash;
    this.seen = configViewOf(snapshot.parsed ?? {});
    this.parseError = snapshot.parseError ?? null;
    const before = asSeenConfig(memory?.load());
    if (before && before.hash !== snapshot.hash && snapshot.parsed && snapshot.raw.trim() !== '') this.awayChange = changedSince(before, this.seen);
    if (snapshot.parsed) this.remember();
  }

  /** What another program changed in the file while the app was not running (empty on a first run). */
  changedWhileAway(): ConfigChange {
    return { ...this.awayChange };
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
    this.remember();
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
    this.remember();
    const change: ConfigChange = {};
    for (const key of FOLLOWED) {
      const value = this.seen[key];
      if (value !== undefined && value !== previous[key]) Object.assign(change, { [key]: value });
    }
    if (Object.keys(change).length > 0) this.events.onChange(change);
  }

  private remember(): void {
    const { mode, remoteSshTarget, remoteSshIdentity } = this.seen;
    this.memory?.save({ hash: this.seenHash, values: { ...(mode ? { mode } : {}), ...(remoteSshTarget ? { remoteSshTarget } : {}), ...(remoteSshIdentity ? { remoteSshIdentity } : {}) } });
  }

  private setParseError(error: string | null): void {
    if (error === this.parseError) return;
    this.parseError = error;
    this.events.onParseError(error);
  }
}
