import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import JSON5 from 'json5';
import { afterEach, describe, expect, it } from 'vitest';
import { ensureLocalGatewayAuth, readConfigView, writeLocalMode, writeRemoteMode } from '../../src/desktop/config-sync';
import { tempEnv, testCore, type TempEnv } from './helpers';

let t: TempEnv;
afterEach(() => t?.cleanup());

describe('config file sync', () => {
  it('generates the local gateway token once and writes it where the CLI finds it', () => {
    t = tempEnv();
    const first = ensureLocalGatewayAuth(t.configPath, t.env);
    expect(first.token).toMatch(/^[0-9a-f]{48}$/);
    expect(ensureLocalGatewayAuth(t.configPath, t.env)).toEqual(first);
    writeLocalMode(t.configPath, 19123);
    const config = JSON5.parse(readFileSync(t.configPath, 'utf8'));
    expect(config.gateway).toMatchObject({ mode: 'local', port: 19123, auth: { token: first.token } });
    expect(ensureLocalGatewayAuth(t.configPath, { ...t.env, CLAWDBOT_GATEWAY_TOKEN: 'from-env' })).toEqual({ token: 'from-env' });
  });

  it('writes remote mode (url, token, ssh target) and keeps unrelated keys', () => {
    t = tempEnv();
    mkdirSync(dirname(t.configPath), { recursive: true });
    writeFileSync(t.configPath, '// mine\n{ agents: { defaults: { model: "m" } }, gateway: { auth: { token: "local-tok" } } }\n');
    writeRemoteMode(t.configPath, { url: 'ws://127.0.0.1:28000', token: 'remote-tok', password: null, sshTarget: 'alice@box', sshIdentity: '' });
    const config = JSON5.parse(readFileSync(t.configPath, 'utf8'));
    expect(config.agents).toEqual({ defaults: { model: 'm' } });
    expect(config.gateway).toEqual({ auth: { token: 'local-tok' }, mode: 'remote', remote: { url: 'ws://127.0.0.1:28000', token: 'remote-tok', sshTarget: 'alice@box' } });
    expect(readConfigView(t.configPath)).toMatchObject({ mode: 'remote', remoteToken: 'remote-tok', remoteSshTarget: 'alice@box' });
  });

  it('never overwrites a config file that does not parse', () => {
    t = tempEnv();
    mkdirSync(dirname(t.configPath), { recursive: true });
    const broken = '{ gateway: { mode: "local", }, oops';
    writeFileSync(t.configPath, broken);
    expect(() => writeLocalMode(t.configPath, 19000)).toThrow(/not valid JSON5/);
    expect(() => ensureLocalGatewayAuth(t.configPath, t.env)).toThrow(/left unchanged/);
    expect(readFileSync(t.configPath, 'utf8')).toBe(broken);
  });

  it('a switch to local mode with a broken config fails with a Config error and leaves the file alone', async () => {
    t = tempEnv();
    mkdirSync(dirname(t.configPath), { recursive: true });
    writeFileSync(t.configPath, '{ broken');
    const core = testCore(t);
    const state = await core.call('setMode', { mode: 'local' });
    expect(state.phase).toBe('failed');
    expect(state.statusText).toMatch(/^Failed/);
    expect(state.lastError?.errorClass).toBe('Config');
    expect(readFileSync(t.configPath, 'utf8')).toBe('{ broken');
    await core.shutdown();
  });

  it('on first run takes the mode, SSH target and remote token the CLI configured', async () => {
    t = tempEnv();
    mkdirSync(dirname(t.configPath), { recursive: true });
    writeFileSync(t.configPath, JSON.stringify({ gateway: { mode: 'remote', remote: { url: 'ws://127.0.0.1:1', token: 'cli-remote-token', sshTarget: 'bob@host' } } }));
    const core = testCore(t);
    const settings = await core.call('getSettings', undefined);
    expect(settings).toMatchObject({ mode: 'remote', hasGatewayToken: true, remote: { target: 'bob@host' } });
    await core.shutdown();
  });
});
