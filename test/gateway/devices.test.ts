// Device identity, pairing and device tokens (spec §7, §9.8), against a real gateway. Remote peers are
// simulated with an X-Forwarded-For header from an untrusted (loopback) proxy, as in the capture.

import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDeviceAuthPayload } from '../../src/shared/protocol/device-auth';
import { startGateway, type RunningGateway } from '../support/gateway';
import { connectClient, connectParams, WsTestClient } from '../support/ws-client';
import { deviceBlock, makeDevice, signPayload, type TestDevice } from './helpers/device';

const REMOTE = { 'X-Forwarded-For': '203.0.113.7' };
const CLIENT = { id: 'gateway-client', mode: 'ui', displayName: 'remote-device' };

async function connectWithDevice(
  gw: RunningGateway,
  device: TestDevice,
  opts: { token?: string; headers?: Record<string, string>; scopes?: string[]; signedAt?: number; nonce?: string | null; payloadOverride?: string } = {},
) {
  const c = await WsTestClient.open(gw.url, { headers: opts.headers });
  await c.event('connect.challenge');
  const scopes = opts.scopes ?? ['operator.admin'];
  const token = 'token' in opts ? opts.token : gw.token;
  const nonce = opts.nonce === null ? undefined : (opts.nonce ?? c.nonce);
  const block = deviceBlock(device, { clientId: CLIENT.id, clientMode: CLIENT.mode, scopes, token, nonce, signedAt: opts.signedAt });
  if (opts.payloadOverride !== undefined) block.signature = signPayload(device, opts.payloadOverride);
  const res = await c.request('connect', connectParams({ token, scopes, client: CLIENT, params: { device: block } }));
  return { c, res };
}

describe('device identity', () => {
  let gw: RunningGateway;
  beforeAll(async () => {
    gw = await startGateway();
  });
  afterAll(async () => {
    await gw?.stop();
  });

  it('refuses a signature over another payload', async () => {
    const d = makeDevice();
    const { c, res } = await connectWithDevice(gw, d, { payloadOverride: 'v2|something|else' });
    expect(res.error).toEqual({ code: 'INVALID_REQUEST', message: 'device signature invalid' });
    expect(await c.waitClosed()).toEqual({ code: 1008, reason: 'device signature invalid' });
  });

  it('refuses a signature 11 minutes old', async () => {
    const { c, res } = await connectWithDevice(gw, makeDevice(), { signedAt: Date.now() - 11 * 60_000 });
    expect(res.error.message).toBe('device signature expired');
    expect((await c.waitClosed()).code).toBe(1008);
  });

  it('refuses a replayed signature: it was made for another connection\'s nonce', async () => {
    const d = makeDevice();
    const first = await connectWithDevice(gw, d);
    expect(first.res.ok).toBe(true);
    const oldNonce = first.c.nonce as string;
    await first.c.close();
    const { res } = await connectWithDevice(gw, d, { nonce: oldNonce });
    expect(res.error.message).toBe('device nonce mismatch');
  });

  it('accepts a v1 signature (no nonce) only from a local peer', async () => {
    const d = makeDevice();
    const local = await connectWithDevice(gw, d, { nonce: null });
    expect(local.res.ok).toBe(true);
    await local.c.close();
    const remote = await connectWithDevice(gw, d, { nonce: null, headers: REMOTE });
    expect(remote.res.error.message).toBe('device nonce required');
  });

  it('refuses a key that does not hash to the device id', async () => {
    const d = makeDevice();
    const other = makeDevice();
    const { res } = await connectWithDevice(gw, { ...d, publicKey: other.publicKey });
    expect(res.error.message).toBe('device identity mismatch');
  });

  it('issues a device token, accepts it instead of the shared token, and keeps it until rotated', async () => {
    const d = makeDevice();
    const first = await connectWithDevice(gw, d);
    const deviceToken = first.res.payload.auth.deviceToken as string;
    expect(deviceToken).toMatch(/^[0-9a-f]{32}$/);
    expect(first.res.payload.auth).toMatchObject({ role: 'operator', scopes: ['operator.admin'] });
    await first.c.close();
    const second = await connectWithDevice(gw, d, { token: deviceToken });
    expect(second.res.ok).toBe(true);
    expect(second.res.payload.auth.deviceToken).toBe(deviceToken);
    await second.c.close();
  });

  it('a stale stored device token fails once with "token mismatch"; the shared token then works and returns the existing token (cli-stale-device-token-run1/2)', async () => {
    const d = makeDevice();
    const first = await connectWithDevice(gw, d);
    const issued = first.res.payload.auth.deviceToken as string;
    await first.c.close();
    const stale = await connectWithDevice(gw, d, { token: 'deadbeefdeadbeefdeadbeefdeadbeef' });
    expect(stale.res.error.message).toBe('unauthorized: gateway token mismatch (provide gateway auth token)');
    const again = await connectWithDevice(gw, d);
    expect(again.res.payload.auth.deviceToken).toBe(issued);
    await again.c.close();
  });

  it('signs exactly the documented v2 payload', () => {
    expect(
      buildDeviceAuthPayload({ deviceId: 'D', clientId: 'cli', clientMode: 'cli', role: 'operator', scopes: ['a', 'b'], signedAtMs: 5, token: 'T', nonce: 'N' }),
    ).toBe('v2|D|cli|cli|operator|a,b|5|T|N');
    expect(buildDeviceAuthPayload({ deviceId: 'D', clientId: 'cli', clientMode: 'cli', role: 'operator', scopes: [], signedAtMs: 5 })).toBe('v1|D|cli|cli|operator||5|');
  });
});

describe('device pairing of remote peers', () => {
  let gw: RunningGateway;
  let operator: WsTestClient;
  beforeAll(async () => {
    gw = await startGateway();
    operator = await connectClient(gw.url, { token: gw.token });
  });
  afterAll(async () => {
    await operator?.close();
    await gw?.stop();
  });

  it('asks for pairing, lists the request without secrets, approves it, and then lets the device in', async () => {
    const d = makeDevice();
    const { c, res } = await connectWithDevice(gw, d, { headers: REMOTE });
    expect(res.error.code).toBe('NOT_PAIRED');
    expect(res.error.message).toBe('pairing required');
    const requestId = res.error.details.requestId as string;
    expect(await c.waitClosed()).toEqual({ code: 1008, reason: 'pairing required' });

    const requested = await operator.event('device.pair.requested');
    expect(requested.payload).toMatchObject({ requestId, deviceId: d.id, publicKey: d.publicKey, role: 'operator', roles: ['operator'], scopes: ['operator.admin'], silent: false, isRepair: false });
    expect(requested.payload.remoteIp).toBeUndefined();
    expect(typeof requested.seq).toBe('number');

    const list = await operator.request('device.pair.list', {});
    expect(list.payload.pending.map((p: { requestId: string }) => p.requestId)).toContain(requestId);
    expect(JSON.stringify(list.payload)).not.toMatch(/"token":/);

    const approve = await operator.request('device.pair.approve', { requestId });
    expect(approve.ok).toBe(true);
    expect(approve.payload.device).toMatchObject({ deviceId: d.id, role: 'operator', roles: ['operator'], scopes: ['operator.admin'] });
    expect(approve.payload.device.tokens[0]).not.toHaveProperty('token');
    const resolved = await operator.event('device.pair.resolved');
    expect(resolved.payload).toMatchObject({ requestId, deviceId: d.id, decision: 'approved' });

    const after = await connectWithDevice(gw, d, { headers: REMOTE });
    expect(after.res.ok).toBe(true);
    expect(after.res.payload.auth.deviceToken).toMatch(/^[0-9a-f]{32}$/);
    await after.c.close();

    const unknown = await operator.request('device.pair.approve', { requestId: 'no-such-request' });
    expect(unknown.error).toEqual({ code: 'INVALID_REQUEST', message: 'unknown requestId' });
  });

  it('rejects a request and keeps the device out', async () => {
    const d = makeDevice();
    const { res } = await connectWithDevice(gw, d, { headers: REMOTE });
    const requestId = res.error.details.requestId as string;
    const reject = await operator.request('device.pair.reject', { requestId });
    expect(reject.payload).toEqual({ requestId, deviceId: d.id });
    const resolved = await operator.next((f) => f.event === 'device.pair.resolved' && f.payload.requestId === requestId);
    expect(resolved.payload.decision).toBe('rejected');
    const again = await connectWithDevice(gw, d, { headers: REMOTE });
    expect(again.res.error.message).toBe('pairing required');
  });

  it('rotates and revokes device tokens', async () => {
    const d = makeDevice();
    const first = await connectWithDevice(gw, d);
    const old = first.res.payload.auth.deviceToken as string;
    await first.c.close();
    const rotated = await operator.request('device.token.rotate', { deviceId: d.id, role: 'operator' });
    expect(rotated.payload.token).toMatch(/^[0-9a-f]{32}$/);
    expect(rotated.payload.token).not.toBe(old);
    expect((await connectWithDevice(gw, d, { token: old })).res.error.message).toMatch(/token mismatch/);
    const revoked = await operator.request('device.token.revoke', { deviceId: d.id, role: 'operator' });
    expect(typeof revoked.payload.revokedAtMs).toBe('number');
    expect((await connectWithDevice(gw, d, { token: rotated.payload.token })).res.error.message).toMatch(/token mismatch/);
    const unknown = await operator.request('device.token.revoke', { deviceId: 'nope', role: 'operator' });
    expect(unknown.error.message).toBe('unknown deviceId/role');
  });

  it('persists paired devices in <stateDir>/devices/paired.json (0600, valid JSON)', () => {
    const file = join(gw.stateDir, 'devices', 'paired.json');
    expect(existsSync(file)).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(() => JSON.parse(readFileSync(file, 'utf8'))).not.toThrow();
  });

  it('a paired device survives a gateway restart', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'clawdbot-devices-'));
    try {
      const d = makeDevice();
      let second: RunningGateway | undefined;
      const first = await startGateway({ stateDir });
      try {
        const conn = await connectWithDevice(first, d);
        const token = conn.res.payload.auth.deviceToken as string;
        await conn.c.close();
        await first.stop();
        second = await startGateway({ stateDir, token: first.token });
        const again = await connectWithDevice(second, d, { token });
        expect(again.res.ok).toBe(true);
        expect(again.res.payload.auth.deviceToken).toBe(token);
        await again.c.close();
      } finally {
        await first.stop();
        await second?.stop();
      }
    } finally {
      rmSync(stateDir, { recursive: true, force: true });
    }
  });
});
