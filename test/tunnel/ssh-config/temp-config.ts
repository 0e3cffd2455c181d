// Temp folders holding ssh configs for the resolver tests; the real ~/.ssh is never read.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface TempConfigDir {
  dir: string;
  write(relative: string, text: string): string;
  remove(): void;
}

export function tempConfigDir(prefix = 'cbt-sshcfg-'): TempConfigDir {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  return {
    dir,
    write(relative, text) {
      const file = path.join(dir, relative);
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, text);
      return file;
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Whether this machine has an OpenSSH client with -G (the parity tests need it). */
export const hasOpenSsh: boolean = (() => {
  try {
    execFileSync('ssh', ['-G', '-F', '/dev/null', 'probe'], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
})();

/** ssh expands `~` and %d with the password database, not $HOME: use the same for parity. */
export const passwdEnv: NodeJS.ProcessEnv = { ...process.env, HOME: os.userInfo().homedir, USER: os.userInfo().username };
