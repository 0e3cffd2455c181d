// The gateway's own methods against a real process: config.get (redacted), config.set/patch with
// baseHash, logs.tail with a cursor, health and status shapes, models.list, and features.methods.

import { readFileSync, statSync, writeFileSync } from 'node:fs';
import JSON5 from 'json5';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REDACTED } from '../../src/config/redact';
import { startGateway, type RunningGateway } from '../support/gateway';
import { connectClient, type WsTestClient } from '../support/ws-client';

describe('gateway methods', () => {
  let gw: RunningGateway;
  let c: WsTestClient;
  beforeAll(async () => {
    gw = await startGateway({
      config: { models: { providers: { mock: { apiKey: 'sk-provider-secret', baseUrl: 'http://127.0.0.1:9/v1', models: [{ id: 'm1' }] } } }, agents: { defaults: { heartbeat: { every: '45m' } } } },
    });
    c = await connectClient(gw.url, { token: gw.token });
  });
  afterAll(async () => {
    await c?.close();
    await gw?.stop();
  });

  it('health has every field the Swift app requires', async () => {
    const res = await c.request('health', { timeout: 15000 });
    expect(res.payload).toMatchObject({
      ok: true,
      ts: expect.any(Number),
      durationMs: expect.any(Number),
      channels: {},
      channelOrder: [],
      channelLabels: {},
      heartbeatSeconds: 2700,
      defaultAgentId: 'main',
      sessions: { path: expect.stringContaining('sessions.json'), count: expect.any(Number), recent: expect.any(Array) },
    });
    expect(res.payload.agents[0].heartbeat).toMatchObject({ enabled: true, every: '45m', everyMs: 2_700_000 });
    const probe = await c.request('health', { probe: true });
    expect(probe.payload.ts).toBeGreaterThanOrEqual(res.payload.ts);
  });

  it('status, last-heartbeat and channels.status answer their shapes', async () => {
    const status = await c.request('status');
    expect(status.payload).toMatchObject({ heartbeat: { defaultAgentId: 'main', agents: [{ agentId: 'main', enabled: true, every: '45m' }] }, channelSummary: [], queuedSystemEvents: [] });
    expect((await c.request('last-heartbeat', {})).payload).toBeNull();
    expect(Object.keys((await c.request('channels.status', { probe: false, timeoutMs: 8000 })).payload).sort()).toEqual(
      ['channelAccounts', 'channelDefaultAccountId', 'channelDetailLabels', 'channelLabels', 'channelMeta', 'channelOrder', 'channelSystemImages', 'channels', 'ts'],
    );
  });

  it('models.list lists the configured providers\' models', async () => {
    expect((await c.request('models.list', {})).payload).toEqual({ models: [{ id: 'm1', name: 'm1', provider: 'mock', reasoning: false, input: ['text'] }] });
  });

  it('features.methods lists exactly the callable methods', async () => {
    const probe = await connectClient(gw.url, { token: gw.token });
    const hello = probe.frames.find((f) => f.type === 'res')?.payload;
    const methods = hello.features.methods as string[];
    expect(new Set(methods).size).toBe(methods.length);
    for (const m of ['health', 'status', 'system-presence', 'last-heartbeat', 'logs.tail', 'config.get', 'config.set', 'config.patch', 'models.list', 'channels.status', 'node.list', 'node.describe', 'node.invoke', 'node.invoke.result', 'node.event', 'device.pair.list', 'device.pair.approve', 'device.pair.reject', 'device.token.rotate', 'device.token.revoke']) {
      expect(methods).toContain(m);
    }
    for (const m of methods) {
      const res = await probe.request(m, {});
      expect(res.error?.message ?? '', m).not.toMatch(/^unknown method/);
    }
    // Handled but not advertised, as the reference (spec §9.3).
    expect(methods).not.toContain('chat.inject');
    expect((await probe.request('chat.inject', {})).error.message).toMatch(/^invalid chat.inject params: /);
    expect((await probe.request('no.such.method', {})).error).toEqual({ code: 'INVALID_REQUEST', message: 'unknown method: no.such.method' });
    expect((await probe.request('toString', {})).error.message).toBe('unknown method: toString');
    await probe.close();
  }, 60_000);

  it('config.get redacts every secret in raw, parsed and config', async () => {
    const res = await c.request('config.get', {});
    const text = JSON.stringify(res.payload);
    expect(text).not.toContain(gw.token as string);
    expect(text).not.toContain('sk-provider-secret');
    expect(res.payload.parsed.gateway.auth.token).toBe(REDACTED);
    expect(res.payload.config.gateway.auth.token).toBe(REDACTED);
    expect(res.payload.raw).toContain(REDACTED);
    expect(res.payload).toMatchObject({ path: gw.configPath, exists: true, valid: true, issues: [], warnings: [], legacyIssues: [], hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(res.payload.config.gateway.port).toBe(18789);
  });

  it('config.set needs the current baseHash, keeps redacted secrets, validates, and writes atomically (0600)', async () => {
    const got = await c.request('config.get', {});
    const noHash = await c.request('config.set', { raw: '{}' });
    expect(noHash.error).toEqual({ code: 'INVALID_REQUEST', message: 'config base hash required; re-run config.get and retry' });

    const invalid = await c.request('config.set', { raw: JSON.stringify({ ...got.payload.parsed, gateway: { ...got.payload.parsed.gateway, bind: 'moon' } }), baseHash: got.payload.hash });
    expect(invalid.error.message).toBe('invalid config: gateway.bind: must be one of "loopback", "lan", "tailnet", "auto", "custom"');
    expect(readFileSync(gw.configPath, 'utf8')).toContain(gw.token as string);

    const next = { ...got.payload.parsed, logging: { maxFileBytes: 1048576 } };
    const set = await c.request('config.set', { raw: JSON.stringify(next), baseHash: got.payload.hash });
    expect(set.ok).toBe(true);
    expect(JSON.stringify(set.payload)).not.toContain(gw.token as string);
    const onDisk = JSON5.parse(readFileSync(gw.configPath, 'utf8'));
    expect(onDisk.gateway.auth.token).toBe(gw.token);
    expect(onDisk.models.providers.mock.apiKey).toBe('sk-provider-secret');
    expect(onDisk.logging).toEqual({ maxFileBytes: 1048576 });
    expect(statSync(gw.configPath).mode & 0o777).toBe(0o600);

    const stale = await c.request('config.set', { raw: '{}', baseHash: got.payload.hash });
    expect(stale.error.message).toBe('config base hash required; re-run config.get and retry');
  });

  it('config.patch merges (null deletes) and the gateway keeps serving with the new config', async () => {
    const got = await c.request('config.get', {});
    const res = await c.request('config.patch', { raw: '{ logging: null, agents: { defaults: { heartbeat: { every: "15m" } } } }', baseHash: got.payload.hash });
    expect(res.ok).toBe(true);
    const onDisk = JSON5.parse(readFileSync(gw.configPath, 'utf8'));
    expect(onDisk.logging).toBeUndefined();
    expect(onDisk.gateway.auth.token).toBe(gw.token);
    expect((await c.request('status', {})).payload.heartbeat.agents[0].every).toBe('15m');
    expect((await c.request('config.patch', { raw: 'not json5 {' , baseHash: res.payload.hash })).error.message).toMatch(/^raw is not valid JSON5/);
  });

  it('config.patch over a hand-edited JSON5 file keeps the file as it was in clawdbot.json.bak', async () => {
    const handEdited = `// edited by hand\n${readFileSync(gw.configPath, 'utf8')}`;
    writeFileSync(gw.configPath, handEdited, { mode: 0o600 });
    const got = await c.request('config.get', {});
    expect((await c.request('config.patch', { raw: '{ agents: { defaults: { heartbeat: { every: "20m" } } } }', baseHash: got.payload.hash })).ok).toBe(true);
    expect(readFileSync(`${gw.configPath}.bak`, 'utf8')).toBe(handEdited);
    expect(JSON.parse(readFileSync(gw.configPath, 'utf8')).agents.defaults.heartbeat.every).toBe('20m');
  });

  it('logs.tail returns the tail, then only what was appended after the cursor', async () => {
    const first = await c.request('logs.tail', { limit: 3 });
    expect(first.payload).toMatchObject({ file: gw.logFile, cursor: expect.any(Number), size: expect.any(Number), truncated: false, reset: false });
    expect(first.payload.lines.length).toBeLessThanOrEqual(3);
    for (const line of first.payload.lines) expect(() => JSON.parse(line)).not.toThrow();
    const other = await connectClient(gw.url, { token: gw.token });
    await other.close();
    const next = await c.request('logs.tail', { cursor: first.payload.cursor });
    expect(next.payload.lines.some((l: string) => l.includes('client connected'))).toBe(true);
    const past = await c.request('logs.tail', { cursor: next.payload.size + 1000 });
    expect(past.payload.reset).toBe(true);
    expect((await c.request('logs.tail', { limit: 0 })).error.message).toBe('invalid logs.tail params: at /limit: must be >= 1');
  });

  it('system-presence lists the gateway itself first', async () => {
    const res = await c.request('system-presence', {});
    expect(res.payload[0]).toMatchObject({ mode: 'gateway', reason: 'self', text: expect.stringMatching(/^Gateway: /) });
  });

  // Last: it changes the gateway's token.
  it('a config write that changes gateway.auth.token applies to the next connect', async () => {
    const got = await c.request('config.get', {});
    const res = await c.request('config.patch', { raw: '{ gateway: { auth: { token: "rotated-token-123" } } }', baseHash: got.payload.hash });
    expect(res.ok).toBe(true);
    expect(gw.output()).not.toContain('rotated-token-123');
    const fresh = await connectClient(gw.url, { token: 'rotated-token-123' });
    await fresh.close();
    await expect(connectClient(gw.url, { token: gw.token })).rejects.toThrow(/token mismatch/);
  });
});
