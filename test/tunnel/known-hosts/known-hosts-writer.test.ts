// addHostKey and replaceHostKey write what OpenSSH reads (`ssh-keygen -F` finds it), create the file
// 0600 in a 0700 folder, and a replacement leaves every other line byte for byte.
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addHostKey, checkHostKey, replaceHostKey } from '../../../src/tunnel/known-hosts';
import { hasSshKeygen, makeKey, sshKeygen, tempDir, type TestKey } from './test-keys';

let tmp: ReturnType<typeof tempDir>;
let oldKey: TestKey;
let newKey: TestKey;
let rsa: TestKey;

beforeAll(() => {
  tmp = tempDir();
  if (!hasSshKeygen) return;
  oldKey = makeKey(tmp.dir, 'old');
  newKey = makeKey(tmp.dir, 'new');
  rsa = makeKey(tmp.dir, 'rsa', 'rsa');
});
afterAll(() => tmp.remove());

let counter = 0;
/** A known_hosts path in a folder that does not exist yet. */
const fresh = (): string => path.join(tmp.dir, `case${counter++}`, '.ssh', 'known_hosts');
const existing = (): string => {
  const f = fresh();
  mkdirSync(path.dirname(f), { recursive: true });
  return f;
};
const line = (hosts: string, key: TestKey) => `${hosts} ${key.type} ${key.base64}`;

describe.skipIf(!hasSshKeygen)('addHostKey', () => {
  it('creates the folder 0700 and the file 0600 with one plain OpenSSH line', async () => {
    const f = fresh();
    await addHostKey(f, { host: 'Box.Example.com', port: 22 }, newKey.blob);
    expect(statSync(path.dirname(f)).mode & 0o777).toBe(0o700);
    expect(statSync(f).mode & 0o777).toBe(0o600);
    expect(readFileSync(f, 'utf8')).toBe(`${line('box.example.com', newKey)}\n`);
    expect(sshKeygen(['-F', 'box.example.com', '-f', f]).code).toBe(0);
  });

  it('writes hashed lines that ssh-keygen -F finds, with and without a port', async () => {
    const f = fresh();
    await addHostKey(f, { host: 'box.example.com', port: 22 }, newKey.blob, { hash: true });
    await addHostKey(f, { host: 'box.example.com', port: 2222 }, rsa.blob, { hash: true });
    const text = readFileSync(f, 'utf8');
    expect(text).not.toContain('box.example.com');
    expect(text.split('\n').filter(Boolean).every((l) => l.startsWith('|1|'))).toBe(true);
    expect(sshKeygen(['-F', 'box.example.com', '-f', f]).stdout).toContain(newKey.base64);
    expect(sshKeygen(['-F', '[box.example.com]:2222', '-f', f]).stdout).toContain(rsa.base64);
    expect(sshKeygen(['-F', 'other', '-f', f]).code).not.toBe(0);
    expect(checkHostKey([f], { host: 'box.example.com', port: 2222 }, rsa.blob).status).toBe('known');
  });

  it('starts a new line when the file does not end with one', async () => {
    const f = fresh();
    await addHostKey(f, { host: 'a', port: 22 }, oldKey.blob);
    writeFileSync(f, readFileSync(f, 'utf8').trimEnd());
    await addHostKey(f, { host: 'b', port: 22 }, newKey.blob);
    expect(readFileSync(f, 'utf8')).toBe(`${line('a', oldKey)}\n${line('b', newKey)}\n`);
  });
});

describe.skipIf(!hasSshKeygen)('replaceHostKey', () => {
  it('rewrites only the host\'s lines of that key type and keeps every other byte', async () => {
    const f = existing();
    const before = [
      '# my hosts, caf\u00e9 \u00ff',
      line('other.example.com', oldKey),
      `${line('box.example.com', oldKey)} old comment`,
      line('box.example.com', rsa),
      'not a valid line at all',
      `${line('[box.example.com]:2222', oldKey)}\r`,
      `@revoked * ${rsa.type} ${rsa.base64}`,
      '',
    ].join('\n');
    writeFileSync(f, Buffer.from(before, 'latin1'));
    await replaceHostKey(f, { host: 'box.example.com', port: 22 }, newKey.blob);
    const after = readFileSync(f).toString('latin1').split('\n');
    const original = before.split('\n');
    expect(after).toEqual([...original.slice(0, 2), line('box.example.com', newKey), ...original.slice(3)]);
    expect(checkHostKey([f], { host: 'box.example.com', port: 22 }, newKey.blob).status).toBe('known');
    expect(checkHostKey([f], { host: 'box.example.com', port: 2222 }, oldKey.blob).status).toBe('known');
    expect(readdirSync(path.dirname(f)).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('keeps a hashed entry hashed, [host]:port included, and drops duplicate old lines', async () => {
    const f = existing();
    writeFileSync(f, `${line('[box]:2222', oldKey)}\n${line('keep', oldKey)}\n${line('[box]:2222', oldKey)}\n`);
    expect(sshKeygen(['-q', '-H', '-f', f]).code).toBe(0);
    const keepLine = readFileSync(f, 'utf8').split('\n')[1];
    await replaceHostKey(f, { host: 'box', port: 2222 }, newKey.blob);
    const lines = readFileSync(f, 'utf8').split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^\|1\|/);
    expect(lines[1]).toBe(keepLine);
    expect(sshKeygen(['-F', '[box]:2222', '-f', f]).stdout).toContain(newKey.base64);
    expect(sshKeygen(['-F', '[box]:2222', '-f', f]).stdout).not.toContain(oldKey.base64);
  });

  it('takes the host out of a shared line and leaves wildcard lines alone, appending the new key', async () => {
    const f = existing();
    writeFileSync(f, `${line('box,10.0.0.1', oldKey)}\n${line('*.lan', oldKey)}\n`);
    await replaceHostKey(f, { host: 'box', port: 22 }, newKey.blob);
    await replaceHostKey(f, { host: 'x.lan', port: 22 }, newKey.blob, { hash: true });
    const lines = readFileSync(f, 'utf8').split('\n');
    expect(lines.slice(0, 3)).toEqual([line('10.0.0.1', oldKey), line('*.lan', oldKey), line('box', newKey)]);
    expect(lines[3]).toMatch(/^\|1\|/);
    expect(checkHostKey([f], { host: 'x.lan', port: 22 }, newKey.blob).status).toBe('known');
    expect(checkHostKey([f], { host: '10.0.0.1', port: 22 }, oldKey.blob).status).toBe('known');
  });

  it('keeps the file mode and creates the file when missing', async () => {
    const f = fresh();
    await replaceHostKey(f, { host: 'box', port: 22 }, newKey.blob);
    expect(readFileSync(f, 'utf8')).toBe(`${line('box', newKey)}\n`);
    expect(statSync(f).mode & 0o777).toBe(0o600);
  });
});
