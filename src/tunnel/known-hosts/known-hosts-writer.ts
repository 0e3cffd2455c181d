// Writing known_hosts like OpenSSH: append a line for a newly trusted key; after the user explicitly
// trusted a changed key, rewrite only that host's lines of that key type, atomically.
import { randomBytes } from 'node:crypto';
import { appendFile, chmod, mkdir, readFile, realpath, rename, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { HostKeyQuery } from '../types';
import { hashHostName, hostFieldMatches, hostKeyName, isHashedField } from './host-names';
import { keyTypeOf } from './key-blob';
import { formatKnownHostsLine, parseKnownHostsLine } from './known-hosts-line';

export interface WriteOptions {
  /** HashKnownHosts: store `|1|salt|hash` instead of the name. */
  hash?: boolean;
}

export async function addHostKey(file: string, query: HostKeyQuery, keyBlob: Buffer, options: WriteOptions = {}): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const existing = await readFile(file, 'latin1').catch(ignoreMissing);
  const separator = existing && !existing.endsWith('\n') ? '\n' : '';
  await appendFile(file, `${separator}${newLine(query, keyBlob, options.hash ?? false)}\n`, { encoding: 'latin1', mode: 0o600 });
}

/**
 * Replaces the host's keys of this key type. A line naming only this host gets the new key; a line
 * shared with other names loses this name (the others keep their key); wildcard lines are left alone.
 * When no line could be rewritten in place the new key is appended.
 */
export async function replaceHostKey(file: string, query: HostKeyQuery, keyBlob: Buffer, options: WriteOptions = {}): Promise<void> {
  const name = hostKeyName(query);
  const keyType = keyTypeOf(keyBlob);
  if (keyType === undefined) throw new Error('replaceHostKey: not an SSH public key blob');
  const target = await realpath(file).catch(() => file);
  const text = (await readFile(target, 'latin1').catch(ignoreMissing)) ?? '';
  let written = false;
  const lines: string[] = [];
  for (const raw of text.split('\n')) {
    const cr = raw.endsWith('\r') ? '\r' : '';
    const body = cr ? raw.slice(0, -1) : raw;
    const entry = parseKnownHostsLine(body);
    if (!entry || entry.marker !== undefined || entry.keyType !== keyType || !hostFieldMatches(entry.hosts, name)) {
      lines.push(raw);
      continue;
    }
    if (isHashedField(entry.hosts) || entry.hosts.toLowerCase() === name) {
      if (!written) lines.push(`${newLine(query, keyBlob, isHashedField(entry.hosts))}${cr}`);
      written = true;
      continue;
    }
    lines.push(`${withoutName(body, entry.hosts, name)}${cr}`);
  }
  if (!written) {
    if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
    lines.push(newLine(query, keyBlob, options.hash ?? false), '');
  }
  await writeAtomically(target, lines.join('\n'));
}

function newLine(query: HostKeyQuery, keyBlob: Buffer, hash: boolean): string {
  const name = hostKeyName(query);
  return formatKnownHostsLine(hash ? hashHostName(name) : name, keyTypeOf(keyBlob) ?? 'unknown', keyBlob);
}

/** Drops our exact name from a shared host list; a wildcard-only match keeps the line as it is. */
function withoutName(body: string, hosts: string, name: string): string {
  const kept = hosts.split(',').filter((h) => h.toLowerCase() !== name);
  if (kept.length === hosts.split(',').length || kept.length === 0) return body;
  const at = body.indexOf(hosts);
  return `${body.slice(0, at)}${kept.join(',')}${body.slice(at + hosts.length)}`;
}

async function writeAtomically(file: string, content: string): Promise<void> {
  const mode = await stat(file).then((s) => s.mode & 0o777, () => 0o600);
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFile(temp, content, { encoding: 'latin1', mode, flag: 'wx' });
    await chmod(temp, mode);
    await rename(temp, file);
  } catch (err) {
    await unlink(temp).catch(() => undefined);
    throw err;
  }
}

function ignoreMissing(err: unknown): undefined {
  if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
  throw err;
}
