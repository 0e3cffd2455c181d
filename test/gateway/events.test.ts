// Broadcast events (spec §3, §6): the global tick, health refreshes with stateVersion, presence on
// connect and disconnect of non-CLI clients, and one global seq. Runs with fast timers
// (CLAWDBOT_TEST_TIMERS=fast: tick 0.5 s, health 1 s).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type RunningGateway } from '../support/gateway';
import { connectClient, WsTestClient, type AnyFrame } from '../support/ws-client';
import { deviceBlock, makeDevice } from './helpers/device';

describe('events', () => {
  let gw: RunningGateway;
  let watcher: WsTestClient;
  beforeAll(async () => {
    gw = await startGateway();
    watcher = await connectClient(gw.url, { token: gw.token, client: { displayName: 'watcher' } });
  });
  afterAll(async () => {
    await watcher?.close();
    await gw?.stop();
  });

  it('ticks from the global timer with seq and {ts}', async () => {
    const a = await watcher.event('tick');
    const b = await watcher.event('tick');
    expect(a.payload).toEqual({ ts: expect.any(Number) });
    expect(Object.keys(a).sort()).toEqual(['event', 'payload', 'seq', 'type']);
    expect(b.seq as number).toBeGreaterThan(a.seq as number);
  });

  it('broadcasts health after another client connects, with stateVersion', async () => {
    const before = watcher.frames.length;
    const other = await connectClient(gw.url, { token: gw.token, client: { mode: 'cli', id: 'cli' } });
    const health = await watcher.next((f) => f.event === 'health' && watcher.frames.indexOf(f) >= before);
    expect(health.stateVersion).toEqual({ presence: expect.any(Number), health: expect.any(Number) });
    expect(health.payload).toMatchObject({ ok: true, channels: {}, defaultAgentId: 'main', sessions: { count: expect.any(Number) } });
    await other.close();
  });

  it('broadcasts presence on connect and disconnect of a ui client, not of a cli client', async () => {
    const mark = watcher.frames.length;
    const isNew = (f: AnyFrame): boolean => watcher.frames.indexOf(f) >= mark;
    const ui = await connectClient(gw.url, { token: gw.token, client: { id: 'clawdbot-macos', mode: 'ui', displayName: 'fixture-mac', deviceFamily: 'Mac', modelIdentifier: 'Mac14,2' } });
    const onConnect = await watcher.next((f) => f.event === 'presence' && isNew(f));
    const entry = (onConnect.payload.presence as AnyFrame[]).find((e) => e.host === 'fixture-mac');
    expect(entry).toMatchObject({ mode: 'ui', reason: 'connect', text: 'Node: fixture-mac · mode ui', deviceFamily: 'Mac', modelIdentifier: 'Mac14,2', roles: ['operator'] });
    await ui.close();
    const onDisconnect = await watcher.next((f) => f.event === 'presence' && isNew(f) && f !== onConnect);
    expect((onDisconnect.payload.presence as AnyFrame[]).find((e) => e.host === 'fixture-mac')?.reason).toBe('disconnect');
    expect(onDisconnect.stateVersion?.presence).toBeGreaterThan(onConnect.stateVersion?.presence as number);

    const cliMark = watcher.frames.length;
    const cli = await connectClient(gw.url, { token: gw.token, client: { id: 'cli', mode: 'cli', displayName: 'a-cli' } });
    await cli.close();
    await watcher.event('tick');
    await watcher.event('tick');
    expect(watcher.frames.slice(cliMark).filter((f) => f.event === 'presence')).toEqual([]);
  });

  it('uses one global seq: every broadcast a client sees has a larger seq than the one before', async () => {
    await watcher.event('health');
    const seqs = watcher.frames.filter((f) => f.type === 'event' && f.seq !== undefined).map((f) => f.seq as number);
    expect(seqs.length).toBeGreaterThan(3);
    for (let i = 1; i < seqs.length; i++) expect(seqs[i]).toBeGreaterThan(seqs[i - 1] as number);
  });

  it('sends the connect.challenge without seq', () => {
    const challenge = watcher.frames.find((f) => f.event === 'connect.challenge');
    expect(challenge?.seq).toBeUndefined();
    expect(challenge?.payload).toEqual({ nonce: expect.stringMatching(/^[0-9a-f-]{36}$/), ts: expect.any(Number) });
  });

  it('keeps guarded device.pair events from clients without the pairing scope', async () => {
    const reader = await connectClient(gw.url, { token: gw.token, scopes: ['operator.read'] });
    const c = await WsTestClient.open(gw.url, { headers: { 'X-Forwarded-For': '198.51.100.4' } });
    await c.event('connect.challenge');
    const d = makeDevice();
    await c.request('connect', {
      minProtocol: 3,
      maxProtocol: 3,
      client: { id: 'test', version: '1', platform: 'linux', mode: 'test' },
      scopes: ['operator.admin'],
      auth: { token: gw.token },
      device: deviceBlock(d, { clientId: 'test', clientMode: 'test', scopes: ['operator.admin'], token: gw.token, nonce: c.nonce }),
    });
    await watcher.event('device.pair.requested');
    await reader.event('tick');
    expect(reader.frames.filter((f) => f.event === 'device.pair.requested')).toEqual([]);
    await reader.close();
    await c.close();
  });
});
