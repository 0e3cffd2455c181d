import { describe, expect, it } from 'vitest';
import { describeTarget, resolveClientTarget, type LoadedClientConfig } from '../../src/config/client-target';

const PATH = '/home/u/.clawdbot/clawdbot.json';
const loaded = (config: Record<string, unknown>): LoadedClientConfig => ({ config, configPath: PATH, exists: true });
const REMOTE = { gateway: { mode: 'remote', remote: { url: 'ws://10.0.0.5:18789', token: 'remote-tok', password: 'remote-pw' }, auth: { token: 'local-tok', password: 'local-pw' } } };
const LOCAL = { gateway: { mode: 'local', port: 19000, auth: { token: 'local-tok', password: 'local-pw' } } };

describe('resolveClientTarget (spec §14.3)', () => {
  it('local mode: loopback URL on the configured port, env token over config token', () => {
    const t = resolveClientTarget({}, loaded(LOCAL), { CLAWDBOT_GATEWAY_TOKEN: 'env-tok' });
    expect(t).toMatchObject({ url: 'ws://127.0.0.1:19000', urlSource: 'local loopback', mode: 'local', token: 'env-tok', tokenSource: 'env CLAWDBOT_GATEWAY_TOKEN', password: 'local-pw', passwordSource: 'config gateway.auth.password', port: 19000, portSource: 'config', isLocalUrl: true });
    expect(resolveClientTarget({}, loaded(LOCAL), {})).toMatchObject({ token: 'local-tok', tokenSource: 'config gateway.auth.token' });
  });

  it('CLAWDBOT_GATEWAY_PORT wins over gateway.port; tls gives wss', () => {
    const t = resolveClientTarget({}, loaded({ gateway: { port: 1, tls: { enabled: true } } }), { CLAWDBOT_GATEWAY_PORT: '19001' });
    expect(t).toMatchObject({ url: 'wss://127.0.0.1:19001', portSource: 'env' });
    expect(() => resolveClientTarget({}, loaded({}), { CLAWDBOT_GATEWAY_PORT: 'abc' })).toThrow(/CLAWDBOT_GATEWAY_PORT/);
    expect(resolveClientTarget({}, loaded({}), {}).url).toBe('ws://127.0.0.1:18789');
  });

  it('remote mode: remote url and token; the env token is ignored, the env password is not', () => {
    const t = resolveClientTarget({}, loaded(REMOTE), { CLAWDBOT_GATEWAY_TOKEN: 'env-tok', CLAWDBOT_GATEWAY_PASSWORD: 'env-pw' });
    expect(t).toMatchObject({ url: 'ws://10.0.0.5:18789', urlSource: 'config gateway.remote.url', mode: 'remote', token: 'remote-tok', tokenSource: 'config gateway.remote.token', password: 'env-pw', isLocalUrl: false });
    expect(resolveClientTarget({}, loaded(REMOTE), {}).passwordSource).toBe('config gateway.remote.password');
  });

  it('flags win over everything', () => {
    const t = resolveClientTarget({ url: 'ws://127.0.0.1:5', token: 'cli-tok', password: 'cli-pw' }, loaded(REMOTE), { CLAWDBOT_GATEWAY_PASSWORD: 'env-pw' });
    expect(t).toMatchObject({ url: 'ws://127.0.0.1:5', urlSource: 'cli --url', token: 'cli-tok', tokenSource: 'cli --token', password: 'cli-pw', passwordSource: 'cli --password' });
  });

  it('substitutes ${ENV} in remote settings', () => {
    const cfg = { gateway: { mode: 'remote', remote: { url: 'ws://${GW_HOST}:1', token: '${GW_TOKEN}' } } };
    expect(resolveClientTarget({}, loaded(cfg), { GW_HOST: 'box', GW_TOKEN: 'sekrit' })).toMatchObject({ url: 'ws://box:1', token: 'sekrit' });
  });

  it('remote mode without a URL fails with the reference text', () => {
    expect(() => resolveClientTarget({}, loaded({ gateway: { mode: 'remote' } }), {})).toThrow(
      `gateway remote mode misconfigured: gateway.remote.url missing\nConfig: ${PATH}\nFix: set gateway.remote.url, or set gateway.mode=local.`,
    );
    expect(resolveClientTarget({ url: 'ws://127.0.0.1:9' }, loaded({ gateway: { mode: 'remote' } }), {}).url).toBe('ws://127.0.0.1:9');
  });

  it('rejects URLs that are not ws:// or wss:// and says what one looks like', () => {
    for (const url of ['http://127.0.0.1:1', 'localhost:18789', 'ws://']) {
      expect(() => resolveClientTarget({ url }, loaded({}), {})).toThrow(/ws:\/\/HOST:PORT/);
    }
  });

  it('describes the target as the reference prints it', () => {
    expect(describeTarget(resolveClientTarget({ url: 'ws://127.0.0.1:28912' }, loaded({}), {}))).toEqual(['Gateway target: ws://127.0.0.1:28912', 'Source: cli --url', `Config: ${PATH}`]);
    expect(describeTarget(resolveClientTarget({}, loaded({}), {}))).toEqual(['Gateway target: ws://127.0.0.1:18789', 'Source: local loopback', `Config: ${PATH}`, 'Bind: loopback']);
  });
});
