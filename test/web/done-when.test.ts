// Issue 5's "Done when", through the real CLI: `clawdbot ui` prints one URL; through its API a client
// switches to local mode and sees a healthy gateway, to remote mode against an SSH server and sees the
// remote gateway healthy, and back, without leaving a process or a port behind; Ctrl-C stops the rest.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CLI, REPO_ROOT, startGateway, type RunningGateway } from '../support/gateway';
import { startSshServer, type TestSshServer } from '../support/ssh-server';
import { canConnect, freePort, isHealthy, processAlive, tempEnv, waitUntil, type TempEnv } from '../desktop/helpers';
import { apiUrl, TwinClient } from './twin-client';

let t: TempEnv | undefined;
let ui: ChildProcess | undefined;
let client: TwinClient | undefined;
let remoteGateway: RunningGateway | undefined;
let ssh: TestSshServer | undefined;

afterEach(async () => {
  client?.close();
  if (ui && ui.exitCode === null && ui.signalCode === null) {
    ui.kill('SIGINT');
    await new Promise((r) => ui?.once('exit', r));
  }
  await remoteGateway?.stop();
  await ssh?.stop();
  t?.cleanup();
  t = ui = client = remoteGateway = ssh = undefined;
});

function startUi(env: Record<string, string | undefined>, globalArgs: string[] = []): Promise<{ url: string; stdout: () => string; exited: Promise<number | null> }> {
  const child = spawn(process.execPath, [CLI, ...globalArgs, 'ui', '--port', '0'], { env: env as NodeJS.ProcessEnv, cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  ui = child;
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL; stdout: ${out} stderr: ${err}`)), 15_000);
    child.stdout?.on('data', () => {
      const m = out.match(/^UI ready: (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)\n/);
      if (m) {
        clearTimeout(timer);
        resolve({ url: m[1] as string, stdout: () => out, exited });
      }
    });
    void exited.then((code) => reject(new Error(`clawdbot ui exited (${code}): ${err}`)));
  });
}

describe('clawdbot ui (the browser twin), end to end', () => {
  it('switches local → remote → local without leftovers, and Ctrl-C stops what it started', async () => {
    remoteGateway = await startGateway();
    ssh = await startSshServer();
    const localPort = await freePort();
    t = tempEnv({ CLAWDBOT_GATEWAY_PORT: String(localPort) });
    const knownHosts = join(t.root, 'known_hosts');
    mkdirSync(t.home, { recursive: true });
    writeFileSync(knownHosts, `${ssh.knownHostsLine()}\n`);

    const twin = await startUi(t.env);
    client = await TwinClient.open(apiUrl(twin.url));
    expect(twin.stdout().trim().split('\n')).toHaveLength(1);

    // Local: a gateway of our own, healthy.
    await client.call('setMode', { mode: 'local' });
    const local = await client.waitForState((s) => s.mode === 'local' && isHealthy(s), 'local mode healthy');
    const localPid = local.local?.pid as number;
    expect(local.local?.port).toBe(localPort);
    expect(processAlive(localPid)).toBe(true);

    // Remote: through the SSH server to the remote gateway.
    const tunnelPort = await freePort();
    await client.call('saveSettings', {
      remote: { target: `tester@127.0.0.1:${ssh.port}`, identityFile: ssh.clientKeyPath, knownHostsFile: knownHosts, hostKeyPolicy: 'yes', remotePort: remoteGateway.port, localPort: tunnelPort },
      gatewayToken: remoteGateway.token,
    });
    await client.call('setMode', { mode: 'remote' });
    const remote = await client.waitForState((s) => s.mode === 'remote' && isHealthy(s), 'remote mode healthy');
    expect(remote.endpointUrl).toBe(`ws://127.0.0.1:${tunnelPort}`);
    expect(processAlive(localPid)).toBe(false);
    expect(await canConnect(localPort)).toBe(false);

    // Back to local: the tunnel and its port are gone, the SSH server has no session left.
    await client.call('setMode', { mode: 'local' });
    const again = await client.waitForState((s) => s.mode === 'local' && isHealthy(s), 'local mode healthy again');
    expect(await canConnect(tunnelPort)).toBe(false);
    await waitUntil(() => ssh?.connectionCount === 0, 'the SSH connection closed');
    const secondPid = again.local?.pid as number;

    // Ctrl-C: the twin stops its gateway and frees every port; the remote gateway was never ours.
    ui?.kill('SIGINT');
    expect(await twin.exited).toBe(0);
    expect(processAlive(secondPid)).toBe(false);
    expect(await canConnect(localPort)).toBe(false);
    expect(processAlive(remoteGateway.pid)).toBe(true);
  });
});

describe('clawdbot --profile NAME ui', () => {
  it('keeps its settings under the profile state dir', async () => {
    t = tempEnv();
    const env = { ...t.env };
    delete env.CLAWDBOT_STATE_DIR;
    delete env.CLAWDBOT_CONFIG_PATH;
    const twin = await startUi(env, ['--profile', 'work']);
    client = await TwinClient.open(apiUrl(twin.url));
    await client.call('saveSettings', { theme: 'dark' });
    const file = join(t.home, '.clawdbot-work', 'desktop', 'desktop-settings.json');
    expect(existsSync(file)).toBe(true);
    expect(JSON.parse(readFileSync(file, 'utf8')).settings.theme).toBe('dark');
    expect(existsSync(join(t.home, '.clawdbot'))).toBe(false);
    ui?.kill('SIGINT');
    expect(await twin.exited).toBe(0);
  });
});
