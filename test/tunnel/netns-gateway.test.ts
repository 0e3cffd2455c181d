// Root tier: a real gateway (`clawdbot gateway run`) inside a network namespace, on the namespace's own
// loopback, reached only through the tunnel; the tunnel's health probe is a real gateway `health` call.
// Run `node scripts/build.mjs` first.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeGatewayClient } from '../../src/client/node';
import { Tunnel } from '../../src/tunnel/supervisor';
import { CLI, FAST_TIMERS, REPO_ROOT, gatewayEnv, spawnCli, waitForOutput } from '../support/gateway';
import { clientKey, remoteHostUp, rootSuiteUnavailable, until, type KeyFiles, type RemoteHost, type TrackedProcess } from '../support/sshd';
import { isState, scratchFile, waitForState } from './helpers/engine';

const unavailable = rootSuiteUnavailable();
const TOKEN = 'netns-gateway-test-token';

async function gatewayHealth(url: string): Promise<unknown> {
  const client = createNodeGatewayClient({ url, token: TOKEN, connectTimeoutMs: 5000, requestTimeoutMs: 5000 });
  try {
    await client.connect();
    return await client.request('health');
  } finally {
    await client.close();
  }
}

describe.skipIf(unavailable !== null)(`a real gateway behind the tunnel${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
  let dir: string;
  let key: KeyFiles;
  let host: RemoteHost;
  let gateway: TrackedProcess;
  let port: number;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cbt-netns-gw-'));
    key = clientKey(dir);
    host = await remoteHostUp({ authorizedKeys: [key.publicKey] });
    const home = join(dir, 'home');
    const stateDir = join(dir, 'state');
    mkdirSync(home, { recursive: true });
    mkdirSync(stateDir, { recursive: true });
    const configPath = join(stateDir, 'clawdbot.json');
    writeFileSync(configPath, JSON.stringify({ gateway: { mode: 'local', auth: { mode: 'token', token: TOKEN } } }), { mode: 0o600 });
    gateway = host.spawn(process.execPath, [CLI, 'gateway', 'run', '--port', '0'], {
      cwd: REPO_ROOT,
      env: gatewayEnv(home, stateDir, configPath, { CLAWDBOT_TEST_TIMERS: FAST_TIMERS }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    await until(() => /listening on ws:\/\/127\.0\.0\.1:\d+/.test(gateway.output()) || gateway.child.exitCode !== null, 'the gateway in the namespace', 20_000);
    const m = gateway.output().match(/listening on ws:\/\/127\.0\.0\.1:(\d+)/);
    if (!m) throw new Error(`gateway did not start: ${gateway.output()}`);
    port = Number(m[1]);
  });
  afterAll(async () => {
    await host?.down();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('`clawdbot tunnel --token` is ready only once a health call through it succeeds', async () => {
    const home = mkdtempSync(join(tmpdir(), 'cbt-netns-cli-'));
    const knownHosts = scratchFile('known_hosts', `${host.sshd.knownHostsLine()}\n`);
    const args = ['tunnel', `root@${host.ip}`, '--identity', key.path, '--known-hosts', knownHosts, '--remote-port', String(port), '--local-port', '0'];
    const cliEnv: NodeJS.ProcessEnv = { ...process.env, HOME: home, CLAWDBOT_STATE_DIR: home };
    delete cliEnv.SSH_AUTH_SOCK;
    try {
      const wrong = spawnCli([...args, '--token', 'wrong-token'], cliEnv);
      await waitForOutput(wrong, /Tunnel gateway down: .*unauthorized/, 15_000);
      wrong.child.kill('SIGINT');
      expect(await wrong.exited).toBe(0);

      const right = spawnCli([...args, '--token', TOKEN], cliEnv);
      await waitForOutput(right, /Tunnel ready: ws:\/\/127\.0\.0\.1:\d+/, 15_000);
      right.child.kill('SIGINT');
      expect(await right.exited).toBe(0);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  it('answers a health call through the tunnel, and the health probe makes the tunnel ready', async () => {
    const probes: string[] = [];
    const tunnel = new Tunnel({
      target: {
        alias: host.name, hostName: host.ip, port: 22, user: 'root', identityFiles: [key.path], identitiesOnly: true, identityAgent: null,
        userKnownHostsFiles: [scratchFile('known_hosts', `${host.sshd.knownHostsLine()}\n`)], globalKnownHostsFiles: [],
        strictHostKeyChecking: 'yes', serverAliveIntervalMs: 500, serverAliveCountMax: 2, jumps: [], source: 'literal',
      },
      remotePort: port,
      localPort: 0,
      healthProbe: async (url) => {
        probes.push(url);
        await gatewayHealth(url);
      },
    });
    try {
      await tunnel.start();
      await waitForState(tunnel, isState('ready'), 15_000);
      expect(probes).toEqual([tunnel.url]);
      expect(await gatewayHealth(tunnel.url as string)).toMatchObject({ sessions: expect.anything() });
    } finally {
      await tunnel.stop();
    }
  });
});
