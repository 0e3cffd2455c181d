// Settings the running gateway cannot change in place: the sockets it listens on, the Control UI it
// serves, its log file, and the reload watcher itself are set up once at start. A new config (an
// edited file, or config.set/patch) keeps their running values and names them, so the user knows that
// only a restart applies them; everything else is read per use and takes effect at once.

import { isDeepStrictEqual } from 'node:util';

type Obj = Record<string, unknown>;

export const RESTART_ONLY_SETTINGS = [
  'gateway.port',
  'gateway.bind',
  'gateway.customBindHost',
  'gateway.tls',
  'gateway.controlUi',
  'gateway.tailscale',
  'gateway.reload',
  'logging',
] as const;

function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function valueAt(config: Obj, path: string): unknown {
  let node: unknown = config;
  for (const key of path.split('.')) node = isObj(node) ? node[key] : undefined;
  return node;
}

/** Sets (or, for undefined, removes) the value at a dotted path, creating parent objects as needed. */
function setAt(config: Obj, path: string, value: unknown): void {
  const keys = path.split('.');
  const last = keys.pop() as string;
  let node = config;
  for (const key of keys) {
    if (!isObj(node[key])) {
      if (value === undefined) return;
      node[key] = {};
    }
    node = node[key] as Obj;
  }
  if (value === undefined) delete node[last];
  else node[last] = value;
}

/** `next` with the running values of the restart-only settings, and the settings that differed. */
export function keepRunningSettings(next: Obj, running: Obj): { config: Obj; needsRestart: string[] } {
  const config = structuredClone(next);
  const needsRestart: string[] = [];
  for (const path of RESTART_ONLY_SETTINGS) {
    const runningValue = valueAt(running, path);
    if (isDeepStrictEqual(valueAt(next, path), runningValue)) continue;
    needsRestart.push(path);
    setAt(config, path, structuredClone(runningValue));
  }
  return { config, needsRestart };
}
