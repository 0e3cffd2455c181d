// Replays the captured frames of the reference gateway (test/fixtures/protocol) against ours and
// compares what comes back structurally. Where the spec says we deliberately differ, the rules below
// assert OUR behaviour. Fixtures not replayed here are listed in SKIPPED with the reason and the test
// that covers them instead.

import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDeviceAuthPayload } from '../../src/shared/protocol/device-auth';
import { REPO_ROOT, startGateway, type RunningGateway } from '../support/gateway';
import { connectClient, connectParams, WsTestClient, type AnyFrame } from '../support/ws-client';
import { deviceBlock, makeDevice, signPayload, type TestDevice } from './helpers/device';
import { compareFrame, FIXTURE_DIR, loadFixture, type Bindings, type CompareOptions } from './helpers/fixtures';

const VERSION = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

/** Chat, agent and sessions fixtures need a model server and a state of their own. */
const CHAT_REPLAY = 'replayed against gateways with and without a model server: test/gateway/chat/conformance.test.ts';

/** Fixtures not replayed here, and why. */
const SKIPPED: Record<string, string> = {
  'agent-no-model': CHAT_REPLAY,
  'agent-two-phase-ok': CHAT_REPLAY,
  'agent-wait-error': CHAT_REPLAY,
  'agent-wait-ok': CHAT_REPLAY,
  'agent-wait-unknown': CHAT_REPLAY,
  'chat-abort-inflight': CHAT_REPLAY,
  'chat-abort-midstream': CHAT_REPLAY,
  'chat-abort-nothing': CHAT_REPLAY,
  'chat-history-empty': CHAT_REPLAY,
  'chat-history-with-messages': CHAT_REPLAY,
  'chat-send-duplicate': CHAT_REPLAY,
  'chat-send-no-model': CHAT_REPLAY,
  'chat-send-stop-command': CHAT_REPLAY,
  'chat-send-stream-final': CHAT_REPLAY,
  'invalid-params': CHAT_REPLAY,
  'send-no-channel': CHAT_REPLAY,
  'sessions-delete': CHAT_REPLAY,
  'sessions-list': CHAT_REPLAY,
  'sessions-list-empty': CHAT_REPLAY,
  'sessions-preview-missing': CHAT_REPLAY,
  'sessions-reset': CHAT_REPLAY,
  'sessions-reset-then-history': CHAT_REPLAY,
  'cli-call-status': CHAT_REPLAY,
  'event-shutdown': 'stops the gateway: replayed on a gateway of its own (the last describe below)',
  'models-list': 'the reference\'s built-in catalog of several hundred models; we ship none (models.list lists configured providers): models-list-custom-provider below',
  'events-watcher-timeline': 'the whole 72 s capture run (chat, pairing, ticks) on one connection: covered piecewise by events.test.ts',
  'event-presence': 'we also broadcast presence on connect (spec: safe): events.test.ts',
};

/** Interleaved broadcasts that the capture kept but that are not what a fixture is about. */
const INTERLEAVED = new Set(['health', 'tick', 'presence']);

const snapshotRule = (a: unknown): string | null => {
  const s = a as Record<string, unknown>;
  if (!Array.isArray(s.presence)) return 'presence must be an array';
  if (typeof s.health !== 'object' || s.health === null) return 'health must be an object';
  const sv = s.stateVersion as Record<string, unknown>;
  if (typeof sv?.presence !== 'number' || typeof sv?.health !== 'number') return 'stateVersion must be {presence, health}';
  if (typeof s.uptimeMs !== 'number') return 'uptimeMs must be a number';
  if (JSON.stringify(s.sessionDefaults) !== JSON.stringify({ defaultAgentId: 'main', mainKey: 'main', mainSessionKey: 'agent:main:main', scope: 'per-sender' })) {
    return `sessionDefaults differ: ${JSON.stringify(s.sessionDefaults)}`;
  }
  return null;
};

function compareOptions(methods: string[]): CompareOptions {
  return {
    rules: {
      // Ours: our real version instead of "dev" (§11), our own method list (§2.4).
      'payload.server.version': (a) => (a === VERSION ? null : `expected our version ${VERSION}, got ${JSON.stringify(a)}`),
      'payload.features.methods': (a) => (JSON.stringify(a) === JSON.stringify(methods) ? null : 'features.methods is not our registered list'),
      'payload.snapshot': snapshotRule,
      // Tests run with fast timers; the value is our real tick interval.
      'payload.policy.tickIntervalMs': (a) => (typeof a === 'number' && a > 0 ? null : 'tickIntervalMs must be a positive number'),
    },
    shapeOnly: [
      // Session stores differ between the capture run and a fresh gateway.
      'payload.sessions', 'payload.agents[*].sessions',
      // config.get: ours redacts secrets and has its own defaults (covered in config.test.ts).
      'payload.raw', 'payload.parsed', 'payload.config',
      // logs.tail: our file and our lines.
      'payload.file', 'payload.lines',
    ],
  };
}

/** A presence list depends on every client that connected before; the gateway's own entry comes first. */
function presenceListRule(a: unknown): string | null {
  if (!Array.isArray(a) || a.length === 0) return 'expected a non-empty array';
  const self = a[0] as Record<string, unknown>;
  if (self.mode !== 'gateway' || self.reason !== 'self' || typeof self.text !== 'string' || typeof self.ts !== 'number') return `bad self entry ${JSON.stringify(self)}`;
  const bad = a.find((e: Record<string, unknown>) => typeof e.ts !== 'number' || typeof e.text !== 'string' || typeof e.host !== 'string');
  return bad ? `bad entry ${JSON.stringify(bad)}` : null;
}

const counterRule = (a: unknown): string | null => (Number.isInteger(a) && (a as number) >= 0 ? null : `expected a counter, got ${JSON.stringify(a)}`);

/** The paired list holds every device the fixtures before paired; each entry has the captured shape, never a token secret. */
function pairedListRule(a: unknown): string | null {
  if (!Array.isArray(a) || a.length === 0) return 'expected a non-empty array';
  for (const e of a as Array<Record<string, unknown>>) {
    const missing = ['deviceId', 'publicKey', 'platform', 'clientId', 'clientMode', 'role', 'roles', 'scopes', 'createdAtMs', 'approvedAtMs', 'tokens'].filter((k) => !(k in e));
    if (missing.length > 0) return `entry ${String(e.deviceId)} lacks ${missing.join(', ')}`;
    if (JSON.stringify(e.tokens).includes('"token"')) return `entry ${String(e.deviceId)} shows a token secret`;
  }
  return null;
}

/** Per-fixture comparison rules, for responses where ours deliberately or legitimately differs. */
const FIXTURE_OPTIONS: Record<string, { rules?: CompareOptions['rules']; shapeOnly?: string[]; frames?: Record<number, CompareOptions> }> = {
  // We ship no built-in catalog: only the configured provider's model is listed, exactly as the reference lists it.
  'models-list-custom-provider': {
    rules: {
      'payload.models': (a) =>
        JSON.stringify(a) === JSON.stringify([{ id: 'mock-1', name: 'Mock One', provider: 'mock', contextWindow: 16000, reasoning: false, input: ['text'] }])
          ? null
          : `models differ: ${JSON.stringify(a)}`,
    },
  },
  // Counters depend on everything the gateway broadcast before; what matters is that they are there.
  'event-tick': { rules: { seq: counterRule } },
  'event-shutdown': { rules: { seq: counterRule } },
  'device-pair-approve': { rules: { seq: counterRule, 'payload.paired': pairedListRule } },
  'device-pair-reject': { rules: { seq: counterRule, 'payload.paired': pairedListRule } },
  'event-health': { rules: { seq: counterRule, 'stateVersion.presence': counterRule, 'stateVersion.health': counterRule } },
  'system-presence': { rules: { payload: presenceListRule } },
  'cli-probe-connection': { frames: { 11: { rules: { payload: presenceListRule } } } },
  // Frame 5 is the chat engineer's chat.history; only the scope decision is ours.
  'scope-write-only': { frames: { 5: { shapeOnly: ['payload'] } } },
};

interface ReplayContext {
  gw: RunningGateway;
  bindings: Bindings;
  devices: Map<string, TestDevice>;
  methods: string[];
  headers?: Record<string, string>;
  /** How the capture spoiled its device signature, for the fixtures about a bad one. */
  badSignature?: BadSignature;
  /** Called before waiting for an event the fixture shows next (e.g. to send SIGTERM before `shutdown`). */
  beforeEvent?: (event: string) => void;
}

type BadSignature = 'expired' | 'other-payload';

/** Fixtures whose device block was deliberately wrong in the capture, and how. */
const BAD_SIGNATURES: Record<string, BadSignature> = {
  // signedAt 11 minutes in the past (the limit is 10).
  'device-signature-expired': 'expired',
  // A signature made over a different payload.
  'device-signature-invalid': 'other-payload',
};

/** The events a fixture is about; elsewhere they are interleaved noise. */
const OWN_EVENTS: Record<string, string> = { 'event-tick': 'tick', 'event-health': 'health' };

/** One device per replayed fixture (the capture numbered `<device-id:2>` with `<device-public-key>` for the same device). */
function deviceFor(ctx: ReplayContext, _placeholder: string): TestDevice {
  const key = '<device>';
  let d = ctx.devices.get(key);
  if (!d) {
    d = makeDevice();
    ctx.devices.set(key, d);
  }
  return d;
}

/** Replaces placeholders in a client frame with live values; signs a device block last. */
function materialize(value: unknown, ctx: ReplayContext, nonce: string | undefined): unknown {
  if (typeof value === 'string') {
    if (value === '<gateway-token>') return ctx.gw.token;
    if (value === '<nonce>') return nonce;
    if (value === '<ts>') return Date.now();
    if (value.startsWith('<device-id') ) return deviceFor(ctx, value).id;
    if (value.startsWith('<device-public-key')) return deviceFor(ctx, value).publicKey;
    if (value === '<device-token>') return ctx.bindings.get('<device-token>');
    if (value.startsWith('<uuid')) {
      if (!ctx.bindings.has(value)) ctx.bindings.set(value, randomUUID());
      return ctx.bindings.get(value);
    }
    return value;
  }
  if (Array.isArray(value)) return value.map((v) => materialize(v, ctx, nonce));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = materialize(v, ctx, nonce);
    const params = out.params as Record<string, unknown> | undefined;
    const device = params?.device as Record<string, unknown> | undefined;
    const rawDevice = ((value as Record<string, unknown>).params as Record<string, unknown> | undefined)?.device as Record<string, unknown> | undefined;
    if (params && device && rawDevice && typeof rawDevice.signature === 'string' && rawDevice.signature.startsWith('<device-signature')) {
      const d = deviceFor(ctx, String(rawDevice.id).startsWith('<') ? String(rawDevice.id) : '<device-id>');
      if (ctx.badSignature === 'expired') device.signedAt = Date.now() - 11 * 60_000;
      const client = params.client as Record<string, string>;
      const payload = buildDeviceAuthPayload({
        deviceId: String(device.id),
        clientId: client.id as string,
        clientMode: client.mode as string,
        role: (params.role as string | undefined) ?? 'operator',
        scopes: (params.scopes as string[] | undefined) ?? [],
        signedAtMs: device.signedAt as number,
        token: (params.auth as { token?: string } | undefined)?.token ?? null,
        nonce: (device.nonce as string | undefined) ?? null,
      });
      device.signature = signPayload(d, ctx.badSignature === 'other-payload' ? `${payload}|tampered` : payload);
    }
    return out;
  }
  return value;
}

async function replay(name: string, ctx: ReplayContext): Promise<string[]> {
  const fixture = loadFixture(name);
  // Placeholders are numbered per file; only a chained fixture keeps the devices and tokens of the one before.
  if (CHAINED.has(name)) {
    for (const k of [...ctx.bindings.keys()]) if (k.startsWith('<uuid') || k === '<nonce>') ctx.bindings.delete(k);
  } else {
    ctx.bindings.clear();
    ctx.devices.clear();
  }
  const base = compareOptions(ctx.methods);
  const extra = FIXTURE_OPTIONS[name] ?? {};
  const optsFor = (i: number): CompareOptions => {
    const frame = extra.frames?.[i] ?? {};
    return {
      rules: { ...base.rules, ...extra.rules, ...frame.rules },
      shapeOnly: [...(base.shapeOnly ?? []), ...(extra.shapeOnly ?? []), ...(frame.shapeOnly ?? [])],
    };
  };
  const first = fixture.frames[0]?.frame;
  const fresh = first?.type === 'event' && first.event === 'connect.challenge';
  const client = fresh ? await WsTestClient.open(ctx.gw.url, { headers: ctx.headers }) : await connectClient(ctx.gw.url, { token: ctx.gw.token });
  const diffs: string[] = [];
  try {
    for (const [i, f] of fixture.frames.entries()) {
      if (f.dir === 'client->server') {
        const text = f.frame === null ? (f.raw ?? '') : JSON.stringify(materialize(f.frame, ctx, client.nonce));
        // The capture kept only the start of the 614 KB frame; send one of that size.
        const oversize = name === 'oversize-frame' && f.frame === null;
        client.send(oversize ? `{"type":"req","id":"x","method":"health","params":{"pad":"${'x'.repeat(614_400)}"}}` : text, { binary: f.binary });
        continue;
      }
      const expected = f.frame as AnyFrame;
      let actual: AnyFrame;
      if (expected.type === 'res') {
        actual = await client.response(String(materialize(expected.id, ctx, client.nonce)));
      } else if (expected.type === 'event') {
        if (INTERLEAVED.has(String(expected.event)) && OWN_EVENTS[name] !== expected.event) continue;
        ctx.beforeEvent?.(String(expected.event));
        actual = await client.event(String(expected.event));
      } else throw new Error(`frame ${i}: unexpected fixture frame ${JSON.stringify(expected)}`);
      diffs.push(...compareFrame(expected, actual, ctx.bindings, optsFor(i)).map((d) => `frame ${i} (${expected.type} ${expected.event ?? expected.id}): ${d}`));
    }
    if (fixture.close?.by === 'server') {
      const closed = await client.waitClosed();
      if (closed.code !== fixture.close.code || closed.reason !== fixture.close.reason) {
        diffs.push(`close: expected ${fixture.close.code} ${JSON.stringify(fixture.close.reason)}, got ${closed.code} ${JSON.stringify(closed.reason)}`);
      }
    }
  } finally {
    await client.close();
  }
  return diffs;
}

/** The other side of a fixture that needs two connections: it acts when the replay waits for an event. */
interface Partner {
  beforeEvent?: (event: string) => void;
  close(): Promise<unknown>;
}

/** The node of node-session.json, as it connected in the capture. */
function connectCaptureNode(gw: RunningGateway): Promise<WsTestClient> {
  return connectClient(gw.url, {
    token: gw.token,
    role: 'node',
    scopes: [],
    client: { id: 'node-host', displayName: 'fixture-node', version: '0.0.0-capture', platform: 'linux', mode: 'node' },
    params: { caps: ['system'], commands: ['system.which', 'system.run', 'camera.snap'], permissions: { screenRecording: false }, pathEnv: '/usr/bin:/bin' },
  });
}

/** A device of the capture's remote client asks to be paired (and is refused until an operator decides). */
async function requestRemotePairing(ctx: ReplayContext, displayName: string): Promise<void> {
  const d = makeDevice();
  // The replay's own device: device-paired-remote-hello-ok (chained) connects with it after the approval.
  ctx.devices.set('<device>', d);
  const c = await WsTestClient.open(ctx.gw.url, { headers: { 'X-Forwarded-For': '203.0.113.9' } });
  await c.event('connect.challenge');
  const client = { id: 'gateway-client', displayName, version: '0.0.0-capture', platform: 'linux', mode: 'ui' };
  const device = deviceBlock(d, { clientId: client.id, clientMode: client.mode, scopes: ['operator.admin'], token: ctx.gw.token, nonce: c.nonce });
  const res = await c.request('connect', connectParams({ token: ctx.gw.token, scopes: ['operator.admin'], client, params: { caps: [], device } }));
  if (res.error?.message !== 'pairing required') throw new Error(`expected "pairing required", got ${JSON.stringify(res)}`);
  await c.waitClosed();
}

/** Pairing fixtures: an operator connection that was already past hello-ok sees a remote device ask. */
const pairingPartner = (displayName: string) => async (_gw: RunningGateway, ctx: ReplayContext): Promise<Partner> => {
  let asked: Promise<void> | undefined;
  return {
    beforeEvent: (event) => {
      if (event === 'device.pair.requested') asked ??= requestRemotePairing(ctx, displayName);
    },
    close: async () => asked,
  };
};

const PARTNERS: Record<string, (gw: RunningGateway, ctx: ReplayContext) => Promise<Partner>> = {
  'device-pair-approve': pairingPartner('remote-device'),
  'device-pair-reject': pairingPartner('rejected-device'),
  // The node side: an operator asks for the invoke the node then answers.
  'node-session': async (gw) => {
    const operator = await connectClient(gw.url, { token: gw.token });
    return {
      beforeEvent: (event) => {
        if (event === 'node.invoke.request') operator.send({ type: 'req', id: randomUUID(), method: 'node.invoke', params: { nodeId: 'node-host', command: 'system.which', params: { bins: ['ls'] }, idempotencyKey: randomUUID() } });
      },
      close: () => operator.close(),
    };
  },
  // The operator side: the capture's node is connected and answers the one invoke it gets.
  'node-operator-side': async (gw) => {
    const node = await connectCaptureNode(gw);
    void node
      .next((f) => f.event === 'node.invoke.request', 10_000)
      .then((req) => node.send({ type: 'req', id: randomUUID(), method: 'node.invoke.result', params: { id: req.payload.id, nodeId: 'node-host', ok: true, payloadJSON: '{"bins":{"ls":"/usr/bin/ls"}}' } }))
      .catch(() => undefined);
    return { close: () => node.close() };
  },
};

const ALL = readdirSync(FIXTURE_DIR)
  .filter((f) => f.endsWith('.json'))
  .map((f) => f.slice(0, -5));

/** Fixtures whose connection must look remote: an X-Forwarded-For header from an untrusted (loopback) proxy. */
const REMOTE = new Set(['device-nonce-required-remote', 'device-pairing-required', 'device-paired-remote-hello-ok']);

/** Replayed first, in this order: empty lists need a fresh state; each chained fixture uses the device token issued in the one before. */
const ORDER = [
  'device-pair-list-empty', 'node-list-empty', 'device-v2-hello-ok', 'device-token-auth',
  'cli-connect-first-run', 'cli-connect-device-token', 'cli-health-verbose', 'cli-status-deep-channels-status', 'cli-probe-connection',
  // A device whose stored token the gateway never issued: refused once; the next run with the shared token pairs it.
  'cli-stale-device-token-run1', 'cli-stale-device-token-run2',
  // An operator approves a remote device, which then gets in; another one is rejected.
  'device-pair-approve', 'device-paired-remote-hello-ok', 'device-pair-reject',
];
const CHAINED = new Set(['device-token-auth', 'cli-connect-device-token', 'cli-health-verbose', 'cli-status-deep-channels-status', 'cli-probe-connection', 'cli-stale-device-token-run2', 'device-paired-remote-hello-ok']);

describe('conformance with the reference gateway fixtures', () => {
  let gw: RunningGateway;
  let methods: string[];
  const bindings: Bindings = new Map();
  const devices = new Map<string, TestDevice>();

  beforeAll(async () => {
    gw = await startGateway({ config: { models: { providers: { mock: { baseUrl: 'http://127.0.0.1:9/v1', api: 'openai-completions', models: [{ id: 'mock-1', name: 'Mock One', contextWindow: 16000 }] } } } } });
    const c = await WsTestClient.open(gw.url);
    const hello = await c.connect({ token: gw.token });
    methods = hello.payload.features.methods as string[];
    await c.close();
  });
  afterAll(async () => {
    await gw?.stop();
  });

  it('every fixture is either replayed or skipped with a reason', () => {
    for (const name of Object.keys(SKIPPED)) expect(ALL).toContain(name);
    expect(ALL.length).toBeGreaterThan(70);
  });

  const replayed = [...ORDER, ...ALL.filter((n) => !SKIPPED[n] && !ORDER.includes(n))];
  for (const name of replayed) {
    it(`replays ${name}`, async () => {
      const ctx: ReplayContext = { gw, bindings, devices, methods, headers: REMOTE.has(name) ? { 'X-Forwarded-For': '203.0.113.9' } : undefined, badSignature: BAD_SIGNATURES[name] };
      const partner = await PARTNERS[name]?.(gw, ctx);
      ctx.beforeEvent = partner?.beforeEvent;
      try {
        expect(await replay(name, ctx)).toEqual([]);
      } finally {
        await partner?.close();
      }
    });
  }
});

describe('conformance: the shutdown fixture', () => {
  it('replays event-shutdown (SIGTERM: shutdown event, then close 1012)', async () => {
    const gw = await startGateway();
    try {
      let stopping: Promise<void> | undefined;
      const ctx: ReplayContext = {
        gw, bindings: new Map(), devices: new Map(), methods: [], beforeEvent: (event) => {
          if (event === 'shutdown') stopping ??= gw.stop('SIGTERM');
        },
      };
      const c = await WsTestClient.open(gw.url);
      const hello = await c.connect({ token: gw.token });
      ctx.methods = hello.payload.features.methods as string[];
      await c.close();
      expect(await replay('event-shutdown', ctx)).toEqual([]);
      await stopping;
      expect(await gw.exited).toBe(0);
    } finally {
      await gw.stop();
    }
  });
});
