// Whether the identity file named in Settings can be used: the preview says so at once, instead of the
// tunnel failing later with a refused login.

import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';

/** Null when `path` is a file this process can read; else the reason, naming the path. */
export async function identityFileProblem(path: string): Promise<string | null> {
  try {
    if (!(await stat(path)).isFile()) return `No such identity file: ${path}`;
  } catch {
    return `No such identity file: ${path}`;
  }
  try {
    await access(path, constants.R_OK);
    return null;
  } catch {
    return `The identity file is not readable: ${path}`;
  }
}
