// The config watcher on real files: rename-writes, a file that does not exist yet, the app's own writes
// (never reported), an emptied file, and a file that stops parsing. Each step looks at the file with
// check(), what every poll does, so the order of writes and looks is exact; the polling itself runs
// in config-follow.test.ts.

import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConfigFileSnapshot } from '../../src/config/file';
import { writeRemoteMode } from '../../src/desktop/config-sync';
import { ConfigWatcher, type ConfigChange } from '../../src/desktop/config-watcher';
import { tempEnv, type TempEnv } from './helpers';

let t: TempEnv | undefined;

afterEach(() => {
  t?.cleanup();
  t = undefined;
});

/** How another program writes: a temp file renamed over the config. */
function writeAtomically(path: string, config: unknown): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(`${path}.tmp`, typeof config === 'string' ? config : JSON.stringify(config));
  renameSync(`${path}.tmp`, path);
}

function watcherOn(path: string): { watcher: ConfigWatcher; changes: ConfigChange[]; parseErrors: (string | null)[] } {
  const changes: ConfigChange[] = [];
  const parseErrors: (string | null)[] = [];
  const watcher = new ConfigWatcher(path, 60_000, { onChange: (c) => changes.push(c), onParseError: (e) => parseErrors.push(e) });
  return { watcher, changes, parseErrors };
}

describe('config watcher', () => {
  it('reports what another program changed, from a file that did not exist, and never the app\'s own writes', () => {
    t = tempEnv();
    const path = t.configPath;
    const { watcher, changes, parseErrors } = watcherOn(path);

    watcher.check();
    expect(changes).toEqual([]);
    writeAtomically(path, { gateway: { mode: 'local', port: 28789 } });
    watcher.check();
    expect(changes).toEqual([{ mode: 'local' }]);

    // The app switches to remote and writes the file itself; the CLI then changes only the token.
    // Whether or not the app re-applied its mode in between, only the token is news.
    const ownWrites = { written: (snapshot: ConfigFileSnapshot) => watcher.ownWrite(snapshot), keptOriginal: () => undefined };
    writeRemoteMode(path, { url: 'ws://127.0.0.1:28000', token: 'app-token', password: null, sshTarget: 'alice@box', sshIdentity: '' }, ownWrites);
    watcher.check();
    expect(changes).toHaveLength(1);
    writeAtomically(path, { gateway: { mode: 'remote', remote: { url: 'ws://127.0.0.1:28000', token: 'cli-token', sshTarget: 'alice@box' } } });
    writeRemoteMode(path, { url: 'ws://127.0.0.1:28000', token: 'cli-token', password: null, sshTarget: 'alice@box', sshIdentity: '' }, ownWrites);
    watcher.check();
    expect(changes[1]).toEqual({ remoteToken: 'cli-token' }); // the file already said what the app would write: not rewritten

    writeAtomically(path, { gateway: { mode: 'local', remote: { token: 'cli-token-2', sshTarget: 'alice@box' } } });
    watcher.check();
    expect(changes[2]).toEqual({ mode: 'local', remoteToken: 'cli-token-2' });
    expect(parseErrors).toEqual([]);
  });

  it('an emptied or deleted file says nothing; a file that stops parsing is reported until it parses again', () => {
    t = tempEnv();
    const path = t.configPath;
    writeAtomically(path, { gateway: { mode: 'remote', remote: { token: 'tok-1' } } });
    const { watcher, changes, parseErrors } = watcherOn(path);

    writeAtomically(path, '');
    watcher.check();
    rmSync(path);
    watcher.check();
    writeAtomically(path, '{ gateway: { mode: "local", ');
    watcher.check();
    expect(parseErrors).toHaveLength(1);
    expect(parseErrors[0]).toContain(path);
    expect(parseErrors[0]).toMatch(/not valid JSON5/);
    expect(changes).toEqual([]);

    // Fixed with what it said before it was emptied: no change.
    writeAtomically(path, { gateway: { mode: 'remote', remote: { token: 'tok-1' } } });
    watcher.check();
    expect(parseErrors).toEqual([parseErrors[0], null]);
    expect(changes).toEqual([]);
    writeAtomically(path, { gateway: { mode: 'remote', remote: { token: 'tok-2' } } });
    watcher.check();
    expect(changes).toEqual([{ remoteToken: 'tok-2' }]);
  });
});
