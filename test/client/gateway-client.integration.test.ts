// GatewayClient against a real gateway process (test/support/gateway.ts, fast timers).

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { GatewayError } from '../../src/client/errors';
import type { GatewayClient } from '../../src/client/gateway-client';
import { createNodeGatewayClient, type NodeGatewayClientOptions } from '../../src/client/node';
import type { EventFrame } from '../../src/shared/protocol/frames';
import { startGateway, type RunningGateway } from '../support/gateway';

const clients: GatewayClient[] = [];
const dirs: string[] = [];

function identityDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'clawdbot-client-id-'));
  dirs.push(d);
  return d;
}

function client(options: NodeGatewayClientOptions): GatewayClient {
  const c = createNodeGatewayClient({ clientId: 'cli', clientMode: 'cli', ...options });
  clients.push(c);
  return c;
}

function nextEvent(c: GatewayClient, name: string): Promise<EventFrame> {
  return new Promise((resolve) => {
    const off = c.on('event', (f) => {
      if (f.event === name) {
        off();
        resolve(f);
      }
    });
  });
}

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as { port: number };
  await new Promise((r) => srv.close(r));
  return port;
}

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

afterAll(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('GatewayClient with a token gateway', () => {
  let gw: RunningGateway;
  beforeAll(async () => {
    gw = await startGateway();
  });
  afterAll(async () => {
    await gw?.stop();
  });

  it('connects, calls health and receives broadcast events with seq', async () => {
    const c = client({ url: gw.url, token: gw.token, clientId: 'gateway-client', clientMode: 'backend' });
    const health = nextEvent(c, 'health');
    const tick = nextEvent(c, 'tick');
    const hello = await c.connect();
    expect(hello).toMatchObject({ type: 'hello-ok', protocol: 3 });
    expect(hello.auth).toBeUndefined(); // no device, no device token
    expect(c.state).toBe('connected');
    expect(await c.request('health')).toMatchObject({ ok: true });
    expect(typeof (await health).seq).toBe('number');
    expect((await tick).payload).toMatchObject({ ts: expect.any(Number) });
  });

  it('fails with the gateway\'s words on a wrong token, and keeps the close code', async () => {
    const c = client({ url: gw.url, token: 'wrong' });
    const reported: GatewayError[] = [];
    c.on('connectError', (e) => reported.push(e));
    const err = (await c.connect().catch((e: unknown) => e)) as GatewayError;
    const reason = 'unauthorized: gateway token mismatch (set gateway.remote.token to match gateway.auth.token)';
    expect(err).toBeInstanceOf(GatewayError);
    expect(err).toMatchObject({ errorClass: 'AuthFailed', closeCode: 1008, closeReason: reason, message: `gateway closed (1008): ${reason}` });
    expect(err.retryable).toBe(false);
    expect(reported.map((e) => e.serverError?.message)).toEqual([reason]);
  });

  it('pairs its device silently on loopback, stores the device token and reuses it', async () => {
    const dir = identityDir();
    const first = client({ url: gw.url, token: gw.token, identityDir: dir });
    const hello = await first.connect();
    expect(hello.auth).toMatchObject({ role: 'operator', deviceToken: expect.stringMatching(/^[0-9a-f]{32}$/) });
    const stored = JSON.parse(readFileSync(join(dir, 'device-auth.json'), 'utf8'));
    expect(stored.tokens.operator.token).toBe(hello.auth?.deviceToken);
    // No shared secret at all: the stored device token alone gets in.
    const second = client({ url: gw.url, identityDir: dir });
    expect((await second.connect()).auth?.deviceToken).toBe(hello.auth?.deviceToken);
  });

  it('drops a stale device token and retries with the shared token in the same connect (REF-BUG 8)', async () => {
    const dir = identityDir();
    await client({ url: gw.url, token: gw.token, identityDir: dir }).connect();
    const path = join(dir, 'device-auth.json');
    const file = JSON.parse(readFileSync(path, 'utf8'));
    const good = file.tokens.operator.token;
    file.tokens.operator.token = 'deadbeefdeadbeefdeadbeefdeadbeef';
    writeFileSync(path, JSON.stringify(file));
    const c = client({ url: gw.url, token: gw.token, identityDir: dir });
    const errors: unknown[] = [];
    c.on('connectError', (e) => errors.push(e));
    expect((await c.connect()).auth?.deviceToken).toBe(good);
    expect(errors).toEqual([]);
    expect(JSON.parse(readFileSync(path, 'utf8')).tokens.operator.token).toBe(good);
  });

  it('closes with 4000 "tick timeout" when the gateway stops ticking', async () => {
    const c = client({ url: gw.url, token: gw.token });
    const hello = await c.connect();
    expect(hello.policy.tickIntervalMs).toBeLessThan(5000); // the fast test timers
    const closed = new Promise<{ code: number; reason: string; error: GatewayError }>((r) => c.on('close', r));
    process.kill(gw.pid, 'SIGSTOP');
    try {
      const ev = await closed;
      expect(ev).toMatchObject({ code: 4000, reason: 'tick timeout' });
      expect(ev.error.errorClass).toBe('GatewayTimeout');
    } finally {
      process.kill(gw.pid, 'SIGCONT');
    }
  });
});

describe('GatewayClient with a password gateway', () => {
  let gw: RunningGateway;
  beforeAll(async () => {
    gw = await startGateway({ password: 'pw-1' });
  });
  afterAll(async () => {
    await gw?.stop();
  });

  it('signs in with the password (with a device identity, as the gateway requires)', async () => {
    const c = client({ url: gw.url, password: 'pw-1', identityDir: identityDir() });
    expect((await c.connect()).type).toBe('hello-ok');
  });

  it('reports a wrong password as AuthFailed', async () => {
    const c = client({ url: gw.url, password: 'nope', identityDir: identityDir() });
    await expect(c.connect()).rejects.toMatchObject({ errorClass: 'AuthFailed', closeReason: expect.stringContaining('gateway password mismatch') });
  });
});

describe('GatewayClient reconnect', () => {
  it('comes back after the gateway restarts on the same port', async () => {
    const port = await freePort();
    const stateDir = mkdtempSync(join(tmpdir(), 'clawdbot-gw-restart-'));
    dirs.push(stateDir);
    let gw = await startGateway({ token: 'restart-token', stateDir, args: ['--port', String(port)] });
    try {
      const c = client({ url: gw.url, token: 'restart-token', reconnect: { initialMs: 100, maxMs: 400 } });
      await c.connect();
      const reconnecting = new Promise<{ error: GatewayError }>((r) => c.on('reconnecting', r));
      const helloAgain = new Promise((r) => c.on('hello', r));
      await gw.stop();
      const { error } = await reconnecting;
      expect(error).toMatchObject({ closeCode: 1012, closeReason: 'service restart', errorClass: 'GatewayUnreachable' });
      gw = await startGateway({ token: 'restart-token', stateDir, args: ['--port', String(port)] });
      await helloAgain;
      expect(c.state).toBe('connected');
      expect(await c.request('health')).toMatchObject({ ok: true });
    } finally {
      await gw.stop();
    }
  });
});
