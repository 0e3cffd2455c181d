// The Node SecretStore (for the browser twin, where no OS keyring is reachable): a JSON file under the
// state dir with mode 0600. It is NOT encrypted, and says so (isEncrypted() is false), so the core
// shows a warning. Electron's shell uses safeStorage instead.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../config/file';
import type { SecretStore } from './ports';
import { desktopDir } from './settings-schema';

export function createFileSecretStore(stateDir: string): SecretStore & { readonly path: string } {
  const path = join(desktopDir(stateDir), 'secrets.json');

  function readAll(): Record<string, string> {
    if (!existsSync(path)) return {};
    try {
      const v: unknown = JSON.parse(readFileSync(path, 'utf8'));
      if (v === null || typeof v !== 'object' || Array.isArray(v)) return {};
      return Object.fromEntries(Object.entries(v).filter((e): e is [string, string] => typeof e[1] === 'string'));
    } catch {
      return {};
    }
  }

  return {
    path,
    get: (name) => readAll()[name] ?? null,
    set(name, value) {
      const all = readAll();
      if (value === null) delete all[name];
      else all[name] = value;
      writeFileAtomic(path, `${JSON.stringify(all, null, 2)}\n`);
    },
    isEncrypted: () => false,
  };
}
