// Hot reload of the config file (spec §14.2 gateway.reload). The file is checked every
// timers.configPollMs by content hash: that sees editors that save by rename and filesystems without
// change events alike, and costs one small read. A new version that stays put for
// gateway.reload.debounceMs (an editor may save in steps) is validated, then adopted by the store.
// A file that does not parse or validate, or is gone, is never adopted: the running config stays and
// one warning per version names the file and the problem.

import type { GatewayConfig } from '../config/effective';
import { readConfigFile, type ConfigFileSnapshot } from '../config/file';
import { validateConfig } from '../config/schema';
import type { ConfigStore } from './config-store';
import type { Logger } from './methods/types';

export interface ConfigReloadOptions {
  store: ConfigStore;
  reload: GatewayConfig['reload'];
  pollMs: number;
  log: Logger;
}

const GONE = 'gone';

/** The file now, as a version to compare: its hash, or what stands in for a file that is gone or unreadable. */
function readVersion(path: string): { version: string; snapshot?: ConfigFileSnapshot; problem?: string } {
  try {
    const snapshot = readConfigFile(path);
    return snapshot.exists ? { version: snapshot.hash, snapshot } : { version: GONE, problem: 'the file is gone' };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    return { version: `unreadable:${code}`, problem: `it cannot be read (${code})` };
  }
}

/** Why a version of the file cannot be adopted, or undefined when it can. */
function problemOf(snapshot: ConfigFileSnapshot): string | undefined {
  if (!snapshot.parsed) return (snapshot.parseError ?? 'it does not parse').replace(`${snapshot.path}: `, '');
  const issues = validateConfig(snapshot.parsed);
  return issues.length > 0 ? issues.map((i) => `${i.path}: ${i.message}`).join('; ') : undefined;
}

/** Starts watching; returns the function that stops it. Mode "off" watches nothing. */
export function watchConfigFile({ store, reload, pollMs, log }: ConfigReloadOptions): () => void {
  if (reload.mode === 'off') return () => {};
  const path = store.path;
  /** A new version waiting out the debounce, and since when it has been on disk. */
  let settling: { version: string; since: number } | undefined;
  /** The last version that was not adopted, so it is reported once; a gateway started without a file has nothing to report. */
  let reported: string | undefined = readVersion(path).version === GONE ? GONE : undefined;
  let settleTimer: ReturnType<typeof setTimeout> | undefined;

  const check = (): void => {
    const { version, snapshot, problem: readProblem } = readVersion(path);
    if (version === store.hash || version === reported) {
      settling = undefined;
      return;
    }
    if (version !== settling?.version) {
      settling = { version, since: performance.now() };
      clearTimeout(settleTimer);
      settleTimer = setTimeout(check, reload.debounceMs);
      settleTimer.unref();
      return;
    }
    if (performance.now() - settling.since < reload.debounceMs) return;
    settling = undefined;
    reported = version;
    const problem = readProblem ?? (snapshot ? problemOf(snapshot) : undefined);
    if (problem || !snapshot?.parsed) {
      log.warn(`ignored the edited config file ${path}: ${problem}; the gateway keeps the config it is running with`);
    } else if (reload.mode === 'restart') {
      log.warn(`the config file ${path} changed; restart the gateway to apply it (gateway.reload.mode is "restart")`);
    } else {
      reported = undefined;
      store.adopt(snapshot.parsed, snapshot.hash);
      log.info(`config reloaded from ${path}`);
    }
  };

  const poll = setInterval(check, pollMs);
  poll.unref();
  return () => {
    clearInterval(poll);
    clearTimeout(settleTimer);
  };
}
