// checkHostKey against known_hosts files as OpenSSH writes them: plain, [host]:port, hashed
// (`ssh-keygen -H`), wildcards, negation, @revoked, @cert-authority, junk lines, several files.
import { copyFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkHostKey, fingerprint, knownHostKeyAlgorithms } from '../../../src/tunnel/known-hosts';
import { hasSshKeygen, makeKey, sshKeygen, tempDir, type TestKey } from './test-keys';

let tmp: ReturnType<typeof tempDir>;
let server: TestKey;
let other: TestKey;
let ecdsa: TestKey;

beforeAll(() => {
  tmp = tempDir();
  if (!hasSshKeygen) return;
  server = makeKey(tmp.dir, 'server');
  other = makeKey(tmp.dir, 'other');
  ecdsa = makeKey(tmp.dir, 'ecdsa', 'ecdsa');
});
afterAll(() => tmp.remove());

let counter = 0;
function file(lines: string[]): string {
  const f = path.join(tmp.dir, `known_hosts_${counter++}`);
  writeFileSync(f, `${lines.join('\n')}\n`);
  return f;
}
const line = (hosts: string, key: TestKey) => `${hosts} ${key.type} ${key.base64}`;
const box = { host: 'box.example.com', port: 22 };

describe.skipIf(!hasSshKeygen)('checkHostKey', () => {
  it('knows a plain entry, in a comma list, case-insensitively', () => {
    expect(checkHostKey([file([line('box.example.com', server)])], box, server.blob).status).toBe('known');
    expect(checkHostKey([file([line('a,Box.Example.com,10.0.0.1', server)])], box, server.blob)).toEqual({
      status: 'known', fingerprint: fingerprint(server.blob), keyType: 'ssh-ed25519',
    });
  });

  it('uses [host]:port for other ports and the bare name for 22', () => {
    const f = file([line('[box.example.com]:2222', server)]);
    expect(checkHostKey([f], { host: 'box.example.com', port: 2222 }, server.blob).status).toBe('known');
    expect(checkHostKey([f], box, server.blob).status).toBe('unknown');
    expect(checkHostKey([file([line('box.example.com', server)])], { host: 'box.example.com', port: 2222 }, server.blob).status).toBe('unknown');
  });

  it('reads lines hashed by ssh-keygen -H, with and without a port', () => {
    const f = file([line('box.example.com', server), line('[box.example.com]:2222', other), line('unrelated', other)]);
    expect(sshKeygen(['-q', '-H', '-f', f]).code).toBe(0);
    expect(checkHostKey([f], box, server.blob).status).toBe('known');
    expect(checkHostKey([f], { host: 'box.example.com', port: 2222 }, other.blob).status).toBe('known');
    expect(checkHostKey([f], { host: 'box.example.com', port: 2222 }, server.blob).status).toBe('changed');
    expect(checkHostKey([f], { host: 'nothere', port: 22 }, server.blob).status).toBe('unknown');
  });

  it('matches wildcards and honours negation', () => {
    const f = file([line('*.example.com,!secret.example.com', server), line('10.0.0.?', server)]);
    expect(checkHostKey([f], box, server.blob).status).toBe('known');
    expect(checkHostKey([f], { host: 'secret.example.com', port: 22 }, server.blob).status).toBe('unknown');
    expect(checkHostKey([f], { host: '10.0.0.7', port: 22 }, server.blob).status).toBe('known');
    expect(checkHostKey([f], { host: '10.0.0.17', port: 22 }, server.blob).status).toBe('unknown');
  });

  it('reports a changed key with every known fingerprint, the file and the line', () => {
    const third = makeKey(tmp.dir, 'third');
    const f = file(['# comment', '', line('box.example.com', other), line('box.example.com', third), line('box.example.com', ecdsa)]);
    expect(checkHostKey([f], box, server.blob)).toEqual({
      status: 'changed', fingerprint: fingerprint(server.blob), keyType: 'ssh-ed25519',
      knownFingerprints: [fingerprint(other.blob), fingerprint(third.blob)], file: f, line: 3,
    });
  });

  it('treats a host with only another key type as unknown and lists its known algorithms', () => {
    const f = file([line('box.example.com', ecdsa)]);
    expect(checkHostKey([f], box, server.blob).status).toBe('unknown');
    expect(knownHostKeyAlgorithms([f], box)).toEqual(['ecdsa-sha2-nistp256']);
  });

  it('refuses @revoked keys even when also listed as known', () => {
    const f = file([line('box.example.com', server), `@revoked * ${server.type} ${server.base64}`]);
    expect(checkHostKey([f], box, server.blob)).toMatchObject({ status: 'revoked', file: f, line: 2 });
  });

  it('ignores @cert-authority lines and never crashes on junk', () => {
    const f = file([
      `@cert-authority *.example.com ${server.type} ${server.base64}`,
      '@bogus box.example.com ssh-ed25519 AAAA',
      'box.example.com',
      'box.example.com ssh-ed25519',
      'box.example.com ssh-ed25519 !!notbase64!!',
      `box.example.com ssh-rsa ${server.base64}`,
      'box.example.com 2048 65537 12345678901234567890',
      '|1|bad|hash ssh-ed25519 AAAA',
      '\u0000\u00ff garbage',
      '   ',
    ]);
    expect(checkHostKey([f], box, server.blob).status).toBe('unknown');
  });

  it('reads several files in order and skips missing ones', () => {
    const first = file([line('box.example.com', other)]);
    const second = file([line('box.example.com', server)]);
    const missing = path.join(tmp.dir, 'missing');
    expect(checkHostKey([missing, first, second], box, server.blob).status).toBe('known');
    expect(checkHostKey([missing, first], box, server.blob)).toMatchObject({ status: 'changed', file: first, line: 1 });
  });

  it('reads ssh-keyscan style lines with CRLF endings and comments', () => {
    const f = path.join(tmp.dir, 'crlf');
    writeFileSync(f, `# box.example.com:22 SSH-2.0-OpenSSH_9.2\r\n${line('box.example.com', server)} comment here\r\n`);
    expect(checkHostKey([f], box, server.blob).status).toBe('known');
    copyFileSync(f, `${f}.copy`);
    expect(sshKeygen(['-q', '-H', '-f', `${f}.copy`]).code).toBe(0);
    expect(checkHostKey([`${f}.copy`], box, server.blob).status).toBe('known');
  });
});
