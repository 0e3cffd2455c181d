// Shared-secret auth, the failed-auth rate limit, browser Origins, the Control UI's secure-context
// rule and Tailscale identity failing closed (spec §2.3, §4.2, §8).

import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type RunningGateway } from '../support/gateway';
import { connectClient, WsTestClient } from '../support/ws-client';
import { deviceBlock, makeDevice } from './helpers/device';

async function tryConnect(gw: RunningGateway, opts: { token?: string; password?: string; headers?: Record<string, string>; client?: Record<string, unknown> }) {
  const c = await WsTestClient.open(gw.url, { headers: opts.headers });
  const res = await c.connect({ token: opts.token, password: opts.password, client: opts.client });
  await c.close();
  return res;
}

describe('failed-auth rate limit (trusted proxy forwarding a remote client)', () => {
  let gw: RunningGateway;
  beforeAll(async () => {
    gw = await startGateway({ config: { gateway: { trustedProxies: ['127.0.0.1'] } } });
  });
  afterAll(async () => {
    await gw?.stop();
  });

  it('locks an address out after 10 failures, even with the right token; other addresses and loopback are unaffected', async () => {
    const attacker = { 'X-Forwarded-For': '203.0.113.50' };
    for (let i = 0; i < 10; i++) {
      const res = await tryConnect(gw, { token: `guess-${i}`, headers: attacker });
      // A normal failure keeps its normal text.
      expect(res.error.message).toBe('unauthorized: gateway token mismatch (provide gateway auth token)');
    }
    const locked = await tryConnect(gw, { token: gw.token, headers: attacker });
    expect(locked.error.code).toBe('INVALID_REQUEST');
    expect(locked.error.message).toMatch(/^unauthorized: too many failed authentication attempts from 203\.0\.113\.50; try again in \d+s$/);
    expect(locked.error.retryable).toBe(true);
    expect(locked.error.retryAfterMs).toBeGreaterThan(0);

    expect((await tryConnect(gw, { token: gw.token, headers: { 'X-Forwarded-For': '203.0.113.51' } })).ok).toBe(true);
    for (let i = 0; i < 12; i++) await tryConnect(gw, { token: `loopback-guess-${i}` });
    expect((await tryConnect(gw, { token: gw.token })).ok).toBe(true);
  });
});

describe('auth', () => {
  let gw: RunningGateway;
  beforeAll(async () => {
    gw = await startGateway({ config: { gateway: { auth: { allowTailscale: true } } } });
  });
  afterAll(async () => {
    await gw?.stop();
  });

  it('refuses a browser Origin that is not loopback or the gateway\'s own host (403)', async () => {
    await expect(WsTestClient.open(gw.url, { headers: { Origin: 'https://evil.example' } })).rejects.toThrow(/403/);
    const local = await connectClient(gw.url, { token: gw.token, headers: { Origin: `http://127.0.0.1:${gw.port}` } });
    await local.close();
    const localhost = await connectClient(gw.url, { token: gw.token, headers: { Origin: 'http://localhost:5173' } });
    await localhost.close();
  });

  it('refuses a Control UI without a device unless allowInsecureAuth', async () => {
    const res = await tryConnect(gw, { token: gw.token, client: { id: 'clawdbot-control-ui', mode: 'ui' } });
    expect(res.error).toEqual({ code: 'INVALID_REQUEST', message: 'control ui requires HTTPS or localhost (secure context)' });
  });

  it('uses the webchat hint for webchat clients', async () => {
    const res = await tryConnect(gw, { token: 'wrong', client: { id: 'webchat-ui', mode: 'webchat' } });
    expect(res.error.message).toBe('unauthorized: gateway token mismatch (open a tokenized dashboard URL or paste token in Control UI settings)');
  });

  it('fails closed on Tailscale headers when `tailscale whois` cannot confirm them', async () => {
    const c = await WsTestClient.open(gw.url, {
      headers: { 'X-Forwarded-For': '100.100.1.2', 'X-Forwarded-Proto': 'https', 'X-Forwarded-Host': 'box.tail1234.ts.net', 'Tailscale-User-Login': 'mallory@example.com' },
    });
    await c.event('connect.challenge');
    const d = makeDevice();
    const res = await c.request('connect', {
      minProtocol: 3, maxProtocol: 3, client: { id: 'test', version: '1', platform: 'linux', mode: 'test' }, scopes: ['operator.admin'],
      device: deviceBlock(d, { clientId: 'test', clientMode: 'test', scopes: ['operator.admin'], nonce: c.nonce }),
    });
    expect(res.error.message).toBe('unauthorized: gateway token missing (provide gateway auth token)');
  });

  it('answers method authorization per spec §5', async () => {
    const reader = await connectClient(gw.url, { token: gw.token, scopes: ['operator.read'] });
    expect((await reader.request('logs.tail', { limit: 1 })).ok).toBe(true);
    expect((await reader.request('node.invoke', {})).error.message).toBe('missing scope: operator.write');
    expect((await reader.request('config.set', {})).error.message).toBe('missing scope: operator.admin');
    await reader.close();
    const pairer = await connectClient(gw.url, { token: gw.token, scopes: ['operator.pairing'] });
    expect((await pairer.request('device.pair.list', {})).ok).toBe(true);
    expect((await pairer.request('health', {})).error.message).toBe('missing scope: operator.read');
    await pairer.close();
  });
});

describe('password auth', () => {
  let gw: RunningGateway;
  beforeAll(async () => {
    gw = await startGateway({ password: 'correct horse' });
  });
  afterAll(async () => {
    await gw?.stop();
  });

  it('needs a device with a password, and answers the password messages', async () => {
    const noDevice = await tryConnect(gw, { password: 'correct horse' });
    expect(noDevice.error).toEqual({ code: 'NOT_PAIRED', message: 'device identity required' });
    for (const [password, message] of [
      ['nope', 'unauthorized: gateway password mismatch (provide gateway auth password)'],
      ['correct horse', null],
    ] as const) {
      const c = await WsTestClient.open(gw.url);
      await c.event('connect.challenge');
      const d = makeDevice();
      const res = await c.request('connect', {
        minProtocol: 3, maxProtocol: 3, client: { id: 'test', version: '1', platform: 'linux', mode: 'test' }, scopes: ['operator.admin'],
        auth: { password }, device: deviceBlock(d, { clientId: 'test', clientMode: 'test', scopes: ['operator.admin'], nonce: c.nonce }),
      });
      if (message) expect(res.error.message).toBe(message);
      else expect(res.ok).toBe(true);
      await c.close();
    }
  });
});

describe('tailscale identity confirmed by `tailscale whois`', () => {
  let gw: RunningGateway;
  let bin: string;
  beforeAll(async () => {
    // A stand-in tailscale binary on PATH: whois always answers alice.
    bin = mkdtempSync(join(tmpdir(), 'clawdbot-fake-tailscale-'));
    writeFileSync(join(bin, 'tailscale'), '#!/bin/sh\necho \'{"UserProfile":{"LoginName":"alice@example.com"}}\'\n');
    chmodSync(join(bin, 'tailscale'), 0o755);
    gw = await startGateway({ config: { gateway: { auth: { allowTailscale: true } } }, env: { PATH: `${bin}:${process.env.PATH ?? ''}` } });
  });
  afterAll(async () => {
    await gw?.stop();
    rmSync(bin, { recursive: true, force: true });
  });

  async function viaServe(login: string, ip: string) {
    const c = await WsTestClient.open(gw.url, {
      headers: { 'X-Forwarded-For': ip, 'X-Forwarded-Proto': 'https', 'X-Forwarded-Host': 'box.tail1234.ts.net', 'Tailscale-User-Login': login },
    });
    await c.event('connect.challenge');
    const d = makeDevice();
    const res = await c.request('connect', {
      minProtocol: 3, maxProtocol: 3, client: { id: 'test', version: '1', platform: 'linux', mode: 'test' }, scopes: ['operator.admin'],
      device: deviceBlock(d, { clientId: 'test', clientMode: 'test', scopes: ['operator.admin'], nonce: c.nonce }),
    });
    await c.close();
    return res;
  }

  it('accepts the login that whois confirms (the device then needs pairing, as any remote device)', async () => {
    expect((await viaServe('Alice@Example.com', '100.100.1.3')).error.message).toBe('pairing required');
  });

  it('falls back to token auth when whois names someone else', async () => {
    expect((await viaServe('mallory@example.com', '100.100.1.4')).error.message).toBe('unauthorized: gateway token missing (provide gateway auth token)');
  });
});

describe('transport', () => {
  let gw: RunningGateway;
  beforeAll(async () => {
    gw = await startGateway();
  });
  afterAll(async () => {
    await gw?.stop();
  });

  it('does not negotiate permessage-deflate even when offered', async () => {
    const ws = new WebSocket(gw.url, { perMessageDeflate: true });
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    expect(ws.extensions).toBe('');
    ws.close();
  });

  it('listens on ::1 as well when IPv6 loopback is available', async () => {
    const ws = new WebSocket(`ws://[::1]:${gw.port}`);
    const outcome = await new Promise<string>((resolve) => {
      ws.once('open', () => resolve('open'));
      ws.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'error'));
    });
    // EADDRNOTAVAIL/ENETUNREACH: no IPv6 loopback on this machine, which the gateway tolerates.
    expect(['open', 'EADDRNOTAVAIL', 'ENETUNREACH', 'EAFNOSUPPORT']).toContain(outcome);
    ws.terminate();
  });
});
