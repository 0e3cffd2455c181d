// The Node KeyValueStore (for the browser twin): `conf` with its file under the state dir, so two
// twins with two state dirs share nothing. Electron's shell opens the same file with electron-store
// (cwd = desktopDir(stateDir), name = SETTINGS_FILE_NAME).

import Conf from 'conf';
import type { KeyValueStore } from './ports';
import { desktopDir, SETTINGS_FILE_NAME } from './settings-schema';

export function createNodeKeyValueStore(stateDir: string): KeyValueStore {
  const conf = new Conf<Record<string, unknown>>({
    cwd: desktopDir(stateDir),
    configName: SETTINGS_FILE_NAME,
    configFileMode: 0o600,
    // Our keys are flat names; dots inside them are not paths.
    accessPropertiesByDotNotation: false,
  });
  return {
    get: (key) => conf.get(key),
    set: (key, value) => conf.set(key, value),
    delete: (key) => conf.delete(key),
    path: conf.path,
  };
}
