// Nodes (spec §9.7): a role:"node" connection registers a node; operators list, describe and invoke
// it; the node answers node.invoke.result. Mirrors node-session.json and node-operator-side.json.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type RunningGateway } from '../support/gateway';
import { connectClient, type WsTestClient } from '../support/ws-client';

describe('nodes', () => {
  let gw: RunningGateway;
  let node: WsTestClient;
  let operator: WsTestClient;

  beforeAll(async () => {
    gw = await startGateway();
    node = await connectClient(gw.url, {
      token: gw.token,
      role: 'node',
      scopes: [],
      client: { id: 'node-host', displayName: 'fixture-node', mode: 'node', platform: 'linux' },
      params: { caps: ['system'], commands: ['system.which', 'system.run', 'camera.snap'], permissions: { screenRecording: false }, pathEnv: '/usr/bin:/bin' },
    });
    operator = await connectClient(gw.url, { token: gw.token });
  });
  afterAll(async () => {
    await node?.close();
    await operator?.close();
    await gw?.stop();
  });

  it('sends voicewake.changed (no seq) to a node after hello-ok', async () => {
    const ev = await node.event('voicewake.changed');
    expect(ev.payload).toEqual({ triggers: ['clawd', 'claude', 'computer'] });
    expect(ev.seq).toBeUndefined();
  });

  it('lists and describes the node with its commands filtered by the platform allowlist', async () => {
    const list = await operator.request('node.list', {});
    expect(list.payload.nodes).toEqual([
      expect.objectContaining({
        nodeId: 'node-host',
        displayName: 'fixture-node',
        platform: 'linux',
        remoteIp: '127.0.0.1',
        caps: ['system'],
        commands: ['system.run', 'system.which'],
        pathEnv: '/usr/bin:/bin',
        permissions: { screenRecording: false },
        paired: false,
        connected: true,
      }),
    ]);
    const described = await operator.request('node.describe', { nodeId: 'node-host' });
    expect(described.payload).toMatchObject({ nodeId: 'node-host', connected: true });
    expect(typeof described.payload.ts).toBe('number');
    const unknown = await operator.request('node.describe', { nodeId: 'ghost' });
    expect(unknown.error).toEqual({ code: 'INVALID_REQUEST', message: 'unknown nodeId' });
  });

  it('round-trips node.invoke through node.invoke.request and node.invoke.result', async () => {
    const pending = operator.request('node.invoke', { nodeId: 'node-host', command: 'system.which', params: { bins: ['ls'] }, idempotencyKey: 'k1' });
    const req = await node.event('node.invoke.request');
    expect(req.seq).toBeUndefined();
    expect(req.payload).toMatchObject({ nodeId: 'node-host', command: 'system.which', paramsJSON: '{"bins":["ls"]}', idempotencyKey: 'k1' });
    // No timeoutMs given, none announced (node-session).
    expect(req.payload).not.toHaveProperty('timeoutMs');
    const ack = await node.request('node.invoke.result', { id: req.payload.id, nodeId: 'node-host', ok: true, payloadJSON: '{"bins":{"ls":"/usr/bin/ls"}}' });
    expect(ack.payload).toEqual({ ok: true });
    const res = await pending;
    expect(res.payload).toEqual({ ok: true, nodeId: 'node-host', command: 'system.which', payload: { bins: { ls: '/usr/bin/ls' } }, payloadJSON: '{"bins":{"ls":"/usr/bin/ls"}}' });
  });

  it('reports a node error as UNAVAILABLE with the node\'s message', async () => {
    const pending = operator.request('node.invoke', { nodeId: 'node-host', command: 'system.run', params: { argv: ['false'] }, timeoutMs: 5000, idempotencyKey: 'k2' });
    const req = await node.event('node.invoke.request');
    expect(req.payload.timeoutMs).toBe(5000);
    await node.request('node.invoke.result', { id: req.payload.id, nodeId: 'node-host', ok: false, error: { code: 'EXIT', message: 'exit 1' } });
    const res = await pending;
    expect(res.error).toEqual({ code: 'UNAVAILABLE', message: 'exit 1', details: { nodeError: { code: 'EXIT', message: 'exit 1' } } });
  });

  it('answers the operator-side errors exactly', async () => {
    const notAllowed = await operator.request('node.invoke', { nodeId: 'node-host', command: 'camera.snap', params: {}, idempotencyKey: 'k3' });
    expect(notAllowed.error).toEqual({ code: 'INVALID_REQUEST', message: 'node command not allowed', details: { reason: 'command not allowlisted', command: 'camera.snap' } });
    const ghost = await operator.request('node.invoke', { nodeId: 'ghost', command: 'system.which', params: {}, idempotencyKey: 'k4' });
    expect(ghost.error).toEqual({ code: 'UNAVAILABLE', message: 'node not connected', details: { code: 'NOT_CONNECTED' } });
    const asOperator = await operator.request('node.invoke.result', { id: 'x', nodeId: 'y', ok: true });
    expect(asOperator.error).toEqual({ code: 'INVALID_REQUEST', message: 'unauthorized role: operator' });
  });

  it('answers the node-side rules exactly', async () => {
    expect((await node.request('health', {})).error).toEqual({ code: 'INVALID_REQUEST', message: 'unauthorized role: node' });
    expect((await node.request('node.event', { event: 'fixture.test', payload: { hello: 1 } })).payload).toEqual({ ok: true });
    expect((await node.request('node.invoke.result', { id: 'late-id', nodeId: 'node-host', ok: true, payload: {} })).payload).toEqual({ ok: true, ignored: true });
    expect((await node.request('node.invoke.result', { id: 'late-id', nodeId: 'someone-else', ok: true })).error.message).toBe('nodeId mismatch');
  });

  it('fails a pending invoke at once when the node disconnects', async () => {
    const other = await connectClient(gw.url, { token: gw.token, role: 'node', scopes: [], client: { id: 'test', mode: 'node', platform: 'linux' }, params: { commands: ['system.which'] } });
    const pending = operator.request('node.invoke', { nodeId: 'test', command: 'system.which', params: {}, idempotencyKey: 'k5' });
    await other.event('node.invoke.request');
    await other.close();
    expect((await pending).error).toMatchObject({ code: 'UNAVAILABLE', message: 'node disconnected' });
  });
});
