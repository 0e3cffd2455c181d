// The last DesktopState on disk (<state dir>/desktop/last-state.json), so `clawdbot diagnostics` can
// show the mode, the last error and the recent transitions even when the app's window will not open or
// the app is gone. Writes are coalesced (at most one a second) and flushed on quit. The state carries
// no secrets by design; the text still passes the core's redactor, as everything written to disk does.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../config/file';
import type { DesktopState } from '../shared/desktop-api';
import { desktopDir } from './settings-schema';

export interface SavedState {
  savedAt: number;
  state: DesktopState;
}

export function stateSnapshotPath(stateDir: string): string {
  return join(desktopDir(stateDir), 'last-state.json');
}

export class StateSnapshotFile {
  private pending: DesktopState | null = null;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    readonly path: string,
    private readonly now: () => number,
    private readonly redact: (text: string) => string,
    private readonly delayMs = 1000,
  ) {}

  save(state: DesktopState): void {
    this.pending = state;
    if (this.timer) return;
    this.timer = setTimeout(() => this.flush(), this.delayMs);
    this.timer.unref();
  }

  /** Writes what is pending now (on quit). */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const state = this.pending;
    this.pending = null;
    if (!state) return;
    try {
      writeFileAtomic(this.path, `${this.redact(JSON.stringify({ savedAt: this.now(), state } satisfies SavedState))}\n`);
    } catch {
      // A full disk or a read-only state dir must not take the app down; diagnostics just has less.
    }
  }
}

/** The saved state, or null when the app never saved one (or the file is unreadable). */
export function readStateSnapshot(path: string): SavedState | null {
  if (!existsSync(path)) return null;
  try {
    const saved = JSON.parse(readFileSync(path, 'utf8')) as Partial<SavedState>;
    if (typeof saved.savedAt !== 'number' || saved.state === null || typeof saved.state !== 'object' || !Array.isArray(saved.state.transitions)) return null;
    return saved as SavedState;
  } catch {
    return null;
  }
}
