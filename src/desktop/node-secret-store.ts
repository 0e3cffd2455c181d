// The Node SecretStore (for the browser twin, which uses no OS keyring by design): a JSON file under the
// state dir with mode 0600. It is NOT encrypted, and describes itself so (the file, readable only by
// this user), so the core's warning names the file instead of advising a keyring. Electron's shell
// uses safeStorage instead.

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
    describe: () => ({
      encrypted: false,
      where: `in ${path} (readable only by you)`,
      advice: 'The browser UI keeps them in this file by design; the desktop app keeps them in the OS keychain.',
    }),
  };
}
