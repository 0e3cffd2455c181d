import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import JSON5 from 'json5';
import { afterEach, describe, expect, it } from 'vitest';
import { ensureLocalGatewayAuth, readConfigView, writeLocalMode, writeRemoteMode, type ConfigWriteListener } from '../../src/desktop/config-sync';
import { tempEnv, testCore, type TempEnv } from './helpers';

let t: TempEnv;
afterEach(() => t?.cleanup());

/** Records what writes reported: the text each left, and the backups of commented files. */
function recorder(): { listener: ConfigWriteListener; written: string[]; backups: string[] } {
  const written: string[] = [];
  const backups: string[] = [];
  return { written, backups, listener: { written: (snapshot) => void written.push(snapshot.raw), keptOriginal: (backup) => void backups.push(backup) } };
}

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

  it('leaves a commented JSON5 file alone, byte for byte, when it already says what the app would write', () => {
    t = tempEnv();
    mkdirSync(dirname(t.configPath), { recursive: true });
    const text = [
      '// my gateway, by hand',
      '{',
      '  gateway: {',
      '    mode: "local", // the app keeps this in step',
      '    port: 19123,',
      '    auth: { token: "local-tok" },',
      '    remote: { url: "ws://127.0.0.1:28000", token: "remote-tok", sshTarget: "alice@box" },',
      '  },',
      '}',
      '',
    ].join('\n');
    writeFileSync(t.configPath, text);
    const events = recorder();
    expect(ensureLocalGatewayAuth(t.configPath, t.env, events.listener)).toEqual({ token: 'local-tok' });
    writeLocalMode(t.configPath, 19123, events.listener);
    expect(readFileSync(t.configPath, 'utf8')).toBe(text);

    writeFileSync(t.configPath, text.replace('mode: "local"', 'mode: "remote"'));
    writeRemoteMode(t.configPath, { url: 'ws://127.0.0.1:28000', token: 'remote-tok', password: null, sshTarget: 'alice@box', sshIdentity: '' }, events.listener);
    expect(readFileSync(t.configPath, 'utf8')).toBe(text.replace('mode: "local"', 'mode: "remote"'));
    expect(events.written).toEqual([]);
    expect(events.backups).toEqual([]);
    expect(existsSync(`${t.configPath}.bak`)).toBe(false);
  });

  it('when a value changes, rewrites a commented file as JSON and reports where the original is kept', () => {
    t = tempEnv();
    mkdirSync(dirname(t.configPath), { recursive: true });
    const text = '// mine\n{ gateway: { mode: "local", auth: { token: "local-tok" } } }\n';
    writeFileSync(t.configPath, text);
    const events = recorder();
    writeRemoteMode(t.configPath, { url: 'ws://127.0.0.1:28000', token: 'remote-tok', password: null, sshTarget: 'alice@box', sshIdentity: '' }, events.listener);
    expect(events.backups).toEqual([`${t.configPath}.bak`]);
    expect(readFileSync(`${t.configPath}.bak`, 'utf8')).toBe(text);
    expect(events.written).toEqual([readFileSync(t.configPath, 'utf8')]);
    expect(readConfigView(t.configPath)).toMatchObject({ mode: 'remote', remoteToken: 'remote-tok' });
    // Now plain JSON: a later change has nothing to lose and keeps no backup.
    writeLocalMode(t.configPath, 19124, events.listener);
    expect(events.backups).toHaveLength(1);
    expect(events.written).toHaveLength(2);
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
