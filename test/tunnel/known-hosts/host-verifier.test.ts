// createHostVerifier: the policy for known, unknown, changed and revoked keys, what it writes, what it
// reports, and that ssh2 really hands it the raw key blob.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import ssh2 from 'ssh2';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createHostVerifier, fingerprint, replaceHostKey, type HostKeyReport } from '../../../src/tunnel/known-hosts';
import type { HostKeyPromptFn, HostKeyVerdict, SshHop, StrictHostKeyChecking } from '../../../src/tunnel/types';
import { startSshServer } from '../../support/ssh-server';
import { hasSshKeygen, makeKey, sshKeygen, tempDir, type TestKey } from './test-keys';

let tmp: ReturnType<typeof tempDir>;
let serverKey: TestKey;
let oldKey: TestKey;

beforeAll(() => {
  tmp = tempDir();
  if (!hasSshKeygen) return;
  serverKey = makeKey(tmp.dir, 'server');
  oldKey = makeKey(tmp.dir, 'old');
});
afterAll(() => tmp.remove());

let counter = 0;
function hopWith(lines: string[], extra: Partial<SshHop> = {}): SshHop {
  const file = path.join(tmp.dir, `kh${counter++}`);
  if (lines.length > 0) writeFileSync(file, `${lines.join('\n')}\n`);
  return {
    alias: 'box', hostName: 'box.example.com', port: 22, user: 'alice', identityFiles: [], identitiesOnly: false,
    userKnownHostsFiles: [file], globalKnownHostsFiles: [path.join(tmp.dir, 'no-global')], strictHostKeyChecking: 'yes',
    serverAliveIntervalMs: 5000, serverAliveCountMax: 3, ...extra,
  };
}
const line = (hosts: string, key: TestKey) => `${hosts} ${key.type} ${key.base64}`;

async function run(hop: SshHop, key: Buffer, policy?: StrictHostKeyChecking, prompt?: HostKeyPromptFn): Promise<{ ok: boolean; verdict: HostKeyVerdict; report: HostKeyReport; calls: number }> {
  let verdict: HostKeyVerdict | undefined;
  let report: HostKeyReport | undefined;
  let calls = 0;
  const verifier = createHostVerifier({
    resolvedHop: hop, ...(policy ? { policy } : {}), ...(prompt ? { prompt } : {}),
    onVerdict: (v, r) => {
      verdict = v;
      report = r;
    },
  });
  const ok = await new Promise<boolean>((resolve) => verifier(key, (valid) => {
    calls++;
    resolve(valid);
  }));
  return { ok, verdict: verdict as HostKeyVerdict, report: report as HostKeyReport, calls };
}

describe.skipIf(!hasSshKeygen)('createHostVerifier', () => {
  it('accepts a known key and reports it', async () => {
    const r = await run(hopWith([line('box.example.com', serverKey)]), serverKey.blob);
    expect(r).toMatchObject({ ok: true, calls: 1, verdict: { status: 'known', fingerprint: fingerprint(serverKey.blob) } });
  });

  it('refuses an unknown key under "yes" and writes nothing', async () => {
    const hop = hopWith([]);
    const r = await run(hop, serverKey.blob, 'yes');
    expect(r).toMatchObject({ ok: false, verdict: { status: 'unknown' } });
    expect(() => readFileSync(hop.userKnownHostsFiles[0] as string)).toThrow();
  });

  it('adds and accepts under "accept-new", hashed when HashKnownHosts is on', async () => {
    const hop = hopWith([], { port: 2222, hashKnownHosts: true });
    const r = await run(hop, serverKey.blob, 'accept-new');
    expect(r.ok).toBe(true);
    expect(r.report.savedTo).toBe(hop.userKnownHostsFiles[0]);
    expect(readFileSync(hop.userKnownHostsFiles[0] as string, 'utf8')).toMatch(/^\|1\|/);
    expect(sshKeygen(['-F', '[box.example.com]:2222', '-f', hop.userKnownHostsFiles[0] as string]).code).toBe(0);
    expect((await run(hop, serverKey.blob, 'yes')).verdict.status).toBe('known');
  });

  it('asks under "ask" with the SHA256 fingerprint; yes saves, no, a failure or no prompt refuses', async () => {
    const hop = hopWith([]);
    const prompt = vi.fn<HostKeyPromptFn>(async () => false);
    expect((await run(hop, serverKey.blob, 'ask', prompt)).ok).toBe(false);
    expect(prompt).toHaveBeenCalledWith({ host: 'box.example.com', port: 22, keyType: 'ssh-ed25519', fingerprint: fingerprint(serverKey.blob), kind: 'unknown' });
    expect((await run(hop, serverKey.blob, 'ask', () => Promise.reject(new Error('window closed')))).ok).toBe(false);
    expect((await run(hop, serverKey.blob, 'ask')).ok).toBe(false);
    expect((await run(hop, serverKey.blob, 'ask', async () => true)).ok).toBe(true);
    expect((await run(hop, serverKey.blob, 'yes')).verdict.status).toBe('known');
  });

  it('accepts without writing under "no"', async () => {
    const hop = hopWith([]);
    const r = await run(hop, serverKey.blob, 'no');
    expect(r.ok).toBe(true);
    expect(r.report.savedTo).toBeUndefined();
    expect(() => readFileSync(hop.userKnownHostsFiles[0] as string)).toThrow();
  });

  it.each(['yes', 'no', 'accept-new', 'ask'] as const)('never accepts a changed key (policy %s), even if the prompt says yes', async (policy) => {
    const hop = hopWith([line('box.example.com', oldKey)]);
    const prompt = vi.fn<HostKeyPromptFn>(async () => true);
    const r = await run(hop, serverKey.blob, policy, prompt);
    expect(r.ok).toBe(false);
    expect(r.verdict).toMatchObject({ status: 'changed', knownFingerprints: [fingerprint(oldKey.blob)], file: hop.userKnownHostsFiles[0], line: 1 });
    expect(prompt).toHaveBeenCalledWith(expect.objectContaining({ kind: 'changed', previousFingerprints: [fingerprint(oldKey.blob)] }));
  });

  it('accepts a changed key only after the caller replaced it', async () => {
    const hop = hopWith([line('box.example.com', oldKey)]);
    await replaceHostKey(hop.userKnownHostsFiles[0] as string, { host: 'box.example.com', port: 22 }, serverKey.blob);
    expect((await run(hop, serverKey.blob, 'yes')).ok).toBe(true);
  });

  it('refuses a revoked key under every policy', async () => {
    const hop = hopWith([`@revoked * ${serverKey.type} ${serverKey.base64}`]);
    for (const policy of ['no', 'accept-new'] as const) {
      expect(await run(hop, serverKey.blob, policy)).toMatchObject({ ok: false, verdict: { status: 'revoked', line: 1 } });
    }
  });

  it('looks keys up under HostKeyAlias (without the port), else under the hop\'s own name', async () => {
    const aliased = hopWith([line('boxalias', serverKey)], { port: 2222, hostKeyAlias: 'boxalias' });
    expect((await run(aliased, serverKey.blob)).report.query).toEqual({ host: 'boxalias', port: 22 });
    expect((await run(aliased, serverKey.blob)).ok).toBe(true);
    const jump = hopWith([line('box.example.com', oldKey), line('[jump.example.com]:2022', serverKey)], { alias: 'jump', hostName: 'jump.example.com', port: 2022 });
    expect((await run(jump, serverKey.blob)).ok).toBe(true);
  });

  it('answers ssh2 exactly once even when the listener throws', async () => {
    const verifier = createHostVerifier({ resolvedHop: hopWith([line('box.example.com', serverKey)]), onVerdict: () => { throw new Error('boom'); } });
    const verify = vi.fn();
    verifier(serverKey.blob, verify);
    await vi.waitFor(() => expect(verify).toHaveBeenCalledTimes(1));
    expect(verify).toHaveBeenCalledWith(true);
  });
});

describe.skipIf(!hasSshKeygen)('with a real ssh2 client and server', () => {
  it('gets the raw key blob from ssh2: a known key connects, a changed one is denied', async () => {
    const server = await startSshServer();
    try {
      const connect = (hop: SshHop) => new Promise<{ ok: boolean; verdict?: HostKeyVerdict; error?: string }>((resolve) => {
        let verdict: HostKeyVerdict | undefined;
        const client = new ssh2.Client();
        client.on('ready', () => {
          client.end();
          resolve({ ok: true, ...(verdict ? { verdict } : {}) });
        });
        client.on('error', (err) => resolve({ ok: false, error: err.message, ...(verdict ? { verdict } : {}) }));
        client.connect({
          host: server.host, port: server.port, username: 'alice', privateKey: readFileSync(server.clientKeyPath),
          hostVerifier: createHostVerifier({ resolvedHop: hop, onVerdict: (v) => { verdict = v; } }),
        });
      });
      const base = { hostName: server.host, port: server.port };
      const good = await connect(hopWith([server.knownHostsLine()], base));
      expect(good).toMatchObject({ ok: true, verdict: { status: 'known', fingerprint: server.hostKey.fingerprint } });
      const changed = await connect(hopWith([line(`[${server.host}]:${server.port}`, oldKey)], base));
      expect(changed).toMatchObject({ ok: false, verdict: { status: 'changed', fingerprint: server.hostKey.fingerprint } });
      expect(changed.error).toMatch(/verification failed/);
    } finally {
      await server.stop();
    }
  });
});
