// Real OpenSSH keys and tools for the known_hosts tests, in temp folders only.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface TestKey {
  type: string;
  base64: string;
  blob: Buffer;
  pubPath: string;
}

export const hasSshKeygen: boolean = spawnSync('ssh-keygen', ['-?'], { stdio: 'ignore' }).error === undefined;

export function tempDir(): { dir: string; remove(): void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cbt-kh-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** `ssh-keygen -t TYPE -N ''`; returns the public key as known_hosts stores it. */
export function makeKey(dir: string, name: string, type: 'ed25519' | 'ecdsa' | 'rsa' = 'ed25519'): TestKey {
  const file = path.join(dir, name);
  execFileSync('ssh-keygen', ['-q', '-t', type, ...(type === 'rsa' ? ['-b', '1024'] : []), '-N', '', '-C', name, '-f', file]);
  const pubPath = `${file}.pub`;
  const [keyType = '', base64 = ''] = readFileSync(pubPath, 'utf8').trim().split(/\s+/);
  return { type: keyType, base64, blob: Buffer.from(base64, 'base64'), pubPath };
}

export function sshKeygen(args: string[]): { code: number; stdout: string } {
  const r = spawnSync('ssh-keygen', args, { encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout };
}
