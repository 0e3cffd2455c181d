// Two-way config-file sync with the real core: what the CLI writes to clawdbot.json (gateway.mode,
// gateway.remote.*) is adopted while the app runs; a file that does not parse is not, and says so in
// DesktopState.warnings. Polling is shortened; every wait is for a state, never for time.

import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import JSON5 from 'json5';
import { afterEach, describe, expect, it } from 'vitest';
import { readConfigFile } from '../../src/config/file';
import { createFileSecretStore } from '../../src/desktop/node-secret-store';
import type { DesktopCore } from '../../src/desktop/ports';
import { createNodeKeyValueStore } from '../../src/desktop/node-settings-store';
import { SECRET_NAMES, STORE_KEYS } from '../../src/desktop/settings-schema';
import { freePort, isHealthy, tempEnv, testCore, waitForState, waitUntil, type TempEnv } from './helpers';

let t: TempEnv | undefined;
let core: DesktopCore | undefined;

afterEach(async () => {
  await core?.shutdown();
  t?.cleanup();
  core = t = undefined;
});

/** What `clawdbot config set` does: the whole file, written to a temp file and renamed over it. */
function cliWrites(path: string, config: unknown): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(`${path}.cli.tmp`, typeof config === 'string' ? config : JSON.stringify(config, null, 2));
  renameSync(`${path}.cli.tmp`, path);
}

interface Config {
  gateway: { mode?: string; remote?: Record<string, unknown> };
}

function readConfig(path: string): Config {
  return JSON5.parse(readFileSync(path, 'utf8'));
}

/** A CLI edit of one setting: read, change, write back whole. */
function cliEdits(path: string, edit: (config: Config) => void): void {
  const config = readConfig(path);
  edit(config);
  cliWrites(path, config);
}

const storedToken = (env: TempEnv): string | null => createFileSecretStore(env.stateDir).get(SECRET_NAMES.gatewayToken);

describe('config file sync, two-way', () => {
  it('follows the mode, token and SSH target the CLI writes, and does not chase its own writes', async () => {
    const closedSshPort = await freePort();
    const tunnelPort = await freePort();
    t = tempEnv({ CLAWDBOT_GATEWAY_PORT: String(await freePort()) });
    const env = t;
    // No config file yet: the watcher waits for one.
    core = testCore(t, { timing: { configPollMs: 25 } });
    await core.call('saveSettings', { remote: { localPort: tunnelPort, remotePort: closedSshPort } });

    cliWrites(t.configPath, { gateway: { mode: 'remote', remote: { url: 'ws://127.0.0.1:1', token: 'cli-token-1', sshTarget: `nobody@127.0.0.1:${closedSshPort}` } } });
    const remote = await waitForState(core, (s) => s.mode === 'remote', 'remote mode from the CLI');
    expect(remote.transitions.some((tr) => tr.mode === 'remote' && tr.reason === 'the config file was changed outside the app')).toBe(true);
    expect(await core.call('getSettings', undefined)).toMatchObject({ mode: 'remote', hasGatewayToken: true, remote: { target: `nobody@127.0.0.1:${closedSshPort}` } });
    expect(storedToken(env)).toBe('cli-token-1');
    // The app writes its own side (the tunnel's URL) back, and stays where it is.
    await waitUntil(() => readConfig(env.configPath).gateway.remote?.url === `ws://127.0.0.1:${tunnelPort}`, 'the app to write its tunnel URL');

    cliEdits(t.configPath, (config) => void ((config.gateway.remote as Record<string, unknown>).token = 'cli-token-2'));
    await waitUntil(() => storedToken(env) === 'cli-token-2', 'the new token adopted');
    expect(core.getState().mode).toBe('remote');

    cliEdits(t.configPath, (config) => void (config.gateway.mode = 'local'));
    const local = await waitForState(core, (s) => s.mode === 'local' && isHealthy(s), 'local mode from the CLI, healthy');
    expect(local.remote).toBeNull();
    expect(readConfig(t.configPath).gateway.mode).toBe('local');
    expect(JSON.stringify(await core.call('getLogs', { limit: 2000 }))).toContain('the config file was changed outside the app; adopting mode local');
    expect(JSON.stringify(await core.call('getLogs', { limit: 2000 }))).not.toContain('cli-token-2');
  });

  it('never adopts a file that does not parse: a warning names the file and the error until it is fixed', async () => {
    t = tempEnv();
    const env = t;
    core = testCore(t, { timing: { configPollMs: 25 } });
    const c = core;

    cliWrites(t.configPath, '{ gateway: { mode: "local", remote: { token: "from-broken-file" } ');
    const broken = await waitForState(c, (s) => s.warnings.some((w) => w.includes('was not adopted')), 'the parse warning');
    const warning = broken.warnings.find((w) => w.includes('was not adopted')) as string;
    expect(warning).toContain(t.configPath);
    expect(warning).toMatch(/not valid JSON5/);
    expect(broken.mode).toBe('unconfigured');
    expect((await c.call('getSettings', undefined)).hasGatewayToken).toBe(false);

    cliWrites(t.configPath, { gateway: { remote: { token: 'from-fixed-file' } } });
    const fixed = await waitForState(c, (s) => !s.warnings.some((w) => w.includes('was not adopted')), 'the warning gone');
    await waitUntil(() => storedToken(env) === 'from-fixed-file', 'the fixed file adopted');
    expect(fixed.mode).toBe('unconfigured');

    // It parses, but holds a value the app could not use: the same warning, and nothing adopted.
    cliWrites(t.configPath, { gateway: { remote: { token: 'from-fixed-file', sshTarget: 'alice@box -p 22' } } });
    const unusable = await waitForState(c, (s) => s.warnings.some((w) => w.includes('was not adopted')), 'the unusable value warning');
    expect(unusable.warnings.find((w) => w.includes('was not adopted'))).toContain(`${t.configPath}: remote.target must be an SSH alias`);
    expect((await c.call('getSettings', undefined)).remote.target).toBe('');
  });
});

describe('config file changes made while the app was not running', () => {
  it('are adopted at the next start, measured against what the app last saw', async () => {
    const closedSshPort = await freePort();
    t = tempEnv({ CLAWDBOT_GATEWAY_PORT: String(await freePort()) });
    const env = t;
    core = testCore(t, { autoStart: false, timing: { configPollMs: 25 } });
    await core.call('saveSettings', { remote: { localPort: await freePort(), remotePort: closedSshPort }, gatewayToken: 'app-token' });
    cliWrites(t.configPath, { gateway: {}, agents: { defaults: {} } });
    const file = t.configPath;
    const seenHash = (): unknown => (createNodeKeyValueStore(env.stateDir).get(STORE_KEYS.configFileSeen) as { hash?: string } | undefined)?.hash;
    await waitUntil(() => seenHash() === readConfigFile(file).hash, 'the app saw the file');
    await core.shutdown();

    // While the app is closed, the CLI switches to remote mode over SSH with its own token.
    cliEdits(t.configPath, (c) => {
      c.gateway.mode = 'remote';
      c.gateway.remote = { url: 'ws://127.0.0.1:1', token: 'cli-token-away', sshTarget: `nobody@127.0.0.1:${closedSshPort}` };
    });
    core = testCore(t, { autoStart: false });
    expect(await core.call('getSettings', undefined)).toMatchObject({ mode: 'remote', remote: { target: `nobody@127.0.0.1:${closedSshPort}` } });
    expect(storedToken(t)).toBe('cli-token-away');
    expect(JSON.stringify(await core.call('getLogs', { limit: 200 }))).toContain('changed while the app was not running');
    await core.shutdown();

    // An unrelated edit while away (the file still says remote): nothing to adopt, the app's own choice stays.
    core = testCore(t, { autoStart: false });
    await core.call('saveSettings', { mode: 'unconfigured' });
    await core.shutdown();
    cliEdits(t.configPath, (c) => Object.assign(c, { agents: { defaults: { model: { primary: 'a/b' } } } }));
    core = testCore(t, { autoStart: false });
    expect((await core.call('getSettings', undefined)).mode).toBe('unconfigured');
  });

  it('are not replayed without a memory of the file (an app from before this feature): the saved mode wins', async () => {
    t = tempEnv();
    core = testCore(t, { autoStart: false });
    await core.call('saveSettings', { mode: 'unconfigured' });
    await core.shutdown();
    createNodeKeyValueStore(t.stateDir).delete(STORE_KEYS.configFileSeen);
    cliWrites(t.configPath, { gateway: { mode: 'local' } });
    core = testCore(t, { autoStart: false });
    expect((await core.call('getSettings', undefined)).mode).toBe('unconfigured');
  });
});
