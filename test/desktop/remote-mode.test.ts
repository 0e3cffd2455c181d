// The brain against a real SSH server (ssh2's Server, in process) and a real remote gateway process:
// remote mode, host-key prompts, the wake kick, mode switches without leftovers, Test remote.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import JSON5 from 'json5';
import { afterEach, describe, expect, it } from 'vitest';
import { createNodeGatewayClient } from '../../src/client/node';
import type { DesktopCore } from '../../src/desktop/ports';
import type { RemoteEngine } from '../../src/desktop/remote-link';
import { tunnelRemoteEngine } from '../../src/desktop/remote-tunnel';
import { DESKTOP_CALLS, type DesktopState } from '../../src/shared/desktop-api';
import { startGateway, type RunningGateway } from '../support/gateway';
import { generateKeyPair, startSshServer, type StartSshServerOptions, type TestSshServer } from '../support/ssh-server';
import { canConnect, freePort, isHealthy, processAlive, tempEnv, testCore, waitForState, type TempEnv } from './helpers';
import type { DesktopTiming } from '../../src/desktop/timing';

let t: TempEnv | undefined;
let core: DesktopCore | undefined;
let remoteGateway: RunningGateway | undefined;
let ssh: TestSshServer | undefined;

afterEach(async () => {
  await core?.shutdown();
  await remoteGateway?.stop();
  await ssh?.stop();
  t?.cleanup();
  core = t = remoteGateway = ssh = undefined;
});

async function remoteSetup(options: { trustHost?: boolean; knownHostsText?: (server: TestSshServer) => string; timing?: Partial<DesktopTiming>; ssh?: StartSshServerOptions; remote?: RemoteEngine } = {}): Promise<{ core: DesktopCore; tunnelPort: number; knownHosts: string }> {
  remoteGateway = await startGateway();
  ssh = await startSshServer(options.ssh);
  t = tempEnv({ CLAWDBOT_GATEWAY_PORT: String(await freePort()) });
  const knownHosts = join(t.root, 'known_hosts');
  mkdirSync(t.home, { recursive: true });
  writeFileSync(knownHosts, options.knownHostsText ? options.knownHostsText(ssh) : options.trustHost === false ? '' : `${ssh.knownHostsLine()}\n`);
  const tunnelPort = await freePort();
  core = testCore(t, { ...(options.timing ? { timing: options.timing } : {}), ...(options.remote ? { remote: options.remote } : {}) });
  await core.call('saveSettings', {
    remote: { target: `tester@127.0.0.1:${ssh.port}`, identityFile: ssh.clientKeyPath, knownHostsFile: knownHosts, hostKeyPolicy: options.trustHost === false ? 'ask' : 'yes', remotePort: remoteGateway.port, localPort: tunnelPort },
    gatewayToken: remoteGateway.token as string,
  });
  return { core, tunnelPort, knownHosts };
}

describe('remote mode', () => {
  it('reaches the remote gateway through the tunnel, syncs the config file, and switches back to local without leftovers', async () => {
    const { core: c, tunnelPort } = await remoteSetup();
    await c.call('setMode', { mode: 'remote' });
    const ready = await waitForState(c, isHealthy, 'the remote gateway healthy');
    expect(ready.statusText).toMatch(/^Connected/);
    expect(ready.endpointUrl).toBe(`ws://127.0.0.1:${tunnelPort}`);
    expect(ready.remote).toMatchObject({ tunnelState: 'ready', localPort: tunnelPort, remotePort: remoteGateway?.port });
    expect(ready.remote?.hostKeyFingerprint).toBe(ssh?.hostKey.fingerprint);
    const config = JSON5.parse(readFileSync((t as TempEnv).configPath, 'utf8'));
    expect(config.gateway).toMatchObject({ mode: 'remote', remote: { url: `ws://127.0.0.1:${tunnelPort}`, token: remoteGateway?.token } });

    const diagnostics = (await c.call('copyDiagnostics', undefined)).text;
    expect(diagnostics).toContain('mode: remote');
    expect(diagnostics).toContain(ssh?.hostKey.fingerprint as string);
    expect(diagnostics).toMatch(/Transitions \(last \d+\)/);
    expect(diagnostics).not.toContain(remoteGateway?.token as string);
    expect(JSON.stringify(c.getState())).not.toContain(remoteGateway?.token as string);
    expect(JSON.stringify(await c.call('getLogs', { limit: 2000 }))).not.toContain(remoteGateway?.token as string);

    await c.call('setMode', { mode: 'local' });
    const local = await waitForState(c, (s) => s.mode === 'local' && isHealthy(s), 'local mode healthy');
    expect(await canConnect(tunnelPort)).toBe(false);
    expect(ssh?.connectionCount).toBe(0);
    const localPid = local.local?.pid as number;

    await c.call('setMode', { mode: 'unconfigured' });
    expect(c.getState().statusText).toMatch(/^Not configured/);
    expect(processAlive(localPid)).toBe(false);
    expect(await canConnect(local.local?.port as number)).toBe(false);
    expect(processAlive(remoteGateway?.pid as number)).toBe(true); // not ours to stop
  });

  it("the app's own gateway connection rides an SSH channel; the local port stays for other programs", async () => {
    let streams = 0;
    const counting: RemoteEngine = {
      ...tunnelRemoteEngine,
      create: (options, events) => {
        const link = tunnelRemoteEngine.create(options, events);
        const openStream = link.openStream.bind(link);
        return Object.assign(link, { openStream: () => (streams++, openStream()) });
      },
    };
    const { core: c, tunnelPort } = await remoteSetup({ remote: counting });
    await c.call('setMode', { mode: 'remote' });
    await waitForState(c, isHealthy, 'the remote gateway healthy');
    expect(streams).toBeGreaterThanOrEqual(1);
    const other = createNodeGatewayClient({ url: `ws://127.0.0.1:${tunnelPort}`, token: remoteGateway?.token as string });
    try {
      await other.connect();
      expect(await other.request('health')).toMatchObject({ ok: true });
    } finally {
      await other.close();
    }
  });

  it('rewrites a commented config file only when a value changes, and says once where the original is kept', async () => {
    const { core: first } = await remoteSetup();
    const env = t as TempEnv;
    const backup = `${env.configPath}.bak`;
    const commented = '// notes on this machine\n{\n  agents: { defaults: { model: { primary: "ollama/llama3.2" } } }, // mine\n}\n';
    writeFileSync(env.configPath, commented);
    await first.call('setMode', { mode: 'remote' });
    const ready = await waitForState(first, isHealthy, 'the remote gateway healthy');
    expect(readFileSync(backup, 'utf8')).toBe(commented);
    expect(JSON5.parse(readFileSync(env.configPath, 'utf8'))).toMatchObject({ agents: { defaults: { model: { primary: 'ollama/llama3.2' } } }, gateway: { mode: 'remote' } });
    const told = ready.warnings.filter((w) => w.includes(backup));
    expect(told).toHaveLength(1);
    expect(told[0]).toContain(`The app rewrote ${env.configPath} as plain JSON`);

    // The user puts comments back into a file that already says what the app writes; the app starts
    // again in remote mode (the mode is re-applied) and leaves the file as it is.
    const handEdited = `// mine again\n${JSON5.stringify(JSON5.parse(readFileSync(env.configPath, 'utf8')), null, 2)}\n`;
    writeFileSync(env.configPath, handEdited);
    rmSync(backup);
    await first.shutdown();
    core = testCore(env, { autoStart: true });
    await waitForState(core, isHealthy, 'the remote gateway healthy after a restart');
    expect(readFileSync(env.configPath, 'utf8')).toBe(handEdited);
    expect(existsSync(backup)).toBe(false);
    expect(core.getState().warnings.filter((w) => w.includes(backup))).toEqual([]);
  });

  it('asks about an unknown host key and connects once the user accepts it', async () => {
    const { core: c, knownHosts } = await remoteSetup({ trustHost: false });
    await c.call('setMode', { mode: 'remote' });
    const asked = await waitForState(c, (s) => s.hostKeyPrompt !== null, 'a host key prompt');
    expect(asked.hostKeyPrompt).toMatchObject({ kind: 'unknown', fingerprint: ssh?.hostKey.fingerprint, port: ssh?.port });
    await c.call('answerHostKey', { id: asked.hostKeyPrompt?.id as string, accept: true });
    await waitForState(c, isHealthy, 'healthy after accepting the key');
    expect(c.getState().hostKeyPrompt).toBeNull();
    expect(readFileSync(knownHosts, 'utf8')).toContain(ssh?.hostKey.publicKey.split(' ')[1] as string);
  });

  it('a rejected host key stops in failed and says why', async () => {
    const { core: c } = await remoteSetup({ trustHost: false });
    await c.call('setMode', { mode: 'remote' });
    const asked = await waitForState(c, (s) => s.hostKeyPrompt !== null, 'a host key prompt');
    await c.call('answerHostKey', { id: asked.hostKeyPrompt?.id as string, accept: false });
    const failed = await waitForState(c, (s) => s.phase === 'failed', 'failed');
    expect(failed.lastError?.errorClass).toBe('HostKeyUnknown');
    expect(failed.statusText).toMatch(/^Failed/);
  });

  it('warns about a changed host key; trusting the new key rewrites only that host and connects', async () => {
    const old = generateKeyPair('old-host');
    const otherLine = `other.example ${old.publicKey.split(' ').slice(0, 2).join(' ')}`;
    const { core: c, knownHosts } = await remoteSetup({
      trustHost: false,
      knownHostsText: (server) => `${otherLine}\n[127.0.0.1]:${server.port} ${old.publicKey.split(' ').slice(0, 2).join(' ')}\n`,
    });
    await c.call('setMode', { mode: 'remote' });
    const asked = await waitForState(c, (s) => s.hostKeyPrompt !== null, 'the changed-key warning');
    expect(asked.hostKeyPrompt).toMatchObject({ kind: 'changed', fingerprint: ssh?.hostKey.fingerprint, previousFingerprint: old.fingerprint });
    await c.call('answerHostKey', { id: asked.hostKeyPrompt?.id as string, accept: true });
    await waitForState(c, isHealthy, 'healthy with the new key');
    const text = readFileSync(knownHosts, 'utf8');
    expect(text).toContain(otherLine);
    expect(text).toContain(ssh?.hostKey.publicKey.split(' ')[1] as string);
    expect(text).not.toContain(`[127.0.0.1]:${ssh?.port} ${old.publicKey.split(' ').slice(0, 2).join(' ')}`);
  });

  it('remote help reads the remote config (the token becomes our secret), checks, starts and tails the gateway', async () => {
    let gatewayPort = 0;
    let token = '';
    const { core: c } = await remoteSetup({
      ssh: {
        execReply: (command) => {
          if (command.startsWith('cat ')) return { stdout: `// remote\n{ gateway: { port: ${gatewayPort}, auth: { token: "${token}" } } }\n` };
          if (command.includes('/dev/tcp/')) return { stdout: 'running\n' };
          if (command.startsWith('tail -n 3')) return { stdout: 'one\ntwo\nthree\n' };
          return { stdout: '' };
        },
      },
    });
    gatewayPort = remoteGateway?.port as number;
    token = remoteGateway?.token as string;
    await expect(c.call('remoteGatewayStatus', undefined)).rejects.toMatchObject({ errorClass: 'Config' });
    await c.call('saveSettings', { gatewayToken: null });
    await c.call('setMode', { mode: 'remote' });
    await waitForState(c, (s) => s.remote?.tunnelState === 'ready', 'the tunnel up');

    const found = await c.call('remoteReadGatewayConfig', undefined);
    expect(found).toEqual({ port: gatewayPort, hasToken: true, hasPassword: false, applied: true });
    expect(JSON.stringify(found)).not.toContain(token);
    expect((await c.call('getSettings', undefined)).hasGatewayToken).toBe(true);
    await waitForState(c, isHealthy, 'healthy with the token read from the remote host');

    expect(await c.call('remoteGatewayStatus', undefined)).toMatchObject({ running: true });
    expect(await c.call('remoteTailLog', { lines: 3 })).toEqual({ lines: ['one', 'two', 'three'] });
    const started = await c.call('remoteStartGateway', { restart: false });
    expect(started.started).toBe(true);
    expect(ssh?.execLog.some((cmd) => cmd.includes(`clawdbot gateway run --port ${gatewayPort}`))).toBe(true);
    expect(await c.call('remoteStartGateway', { restart: true })).toMatchObject({ started: true, detail: expect.stringMatching(/^Restarted/) });
    expect(ssh?.execLog.some((cmd) => cmd.startsWith('pkill -f'))).toBe(true);
  });

  it('a wrong gateway token stops in failed with AuthFailed instead of retrying forever', async () => {
    const { core: c } = await remoteSetup();
    await c.call('saveSettings', { gatewayToken: 'not-the-token' });
    await c.call('setMode', { mode: 'remote' });
    const failed = await waitForState(c, (s) => s.phase === 'failed', 'failed');
    expect(failed.lastError?.errorClass).toBe('AuthFailed');
    expect(failed.statusText).toMatch(/^Failed/);
    expect(failed.remote?.tunnelState).toBe('ready');
  });

  it('a busy tunnel port fails with PortInUse, says to change it in Settings, and opens no SSH session', async () => {
    const { core: c, tunnelPort } = await remoteSetup();
    const busy = net.createServer();
    await new Promise<void>((resolve) => busy.listen(tunnelPort, '127.0.0.1', resolve));
    try {
      await c.call('setMode', { mode: 'remote' });
      const failed = await waitForState(c, (s) => s.phase === 'failed', 'failed');
      expect(failed.lastError).toMatchObject({ errorClass: 'PortInUse', retryable: false });
      expect(failed.lastError?.message).toContain(String(tunnelPort));
      expect(failed.lastError?.hint).toMatch(/in Settings/);
      expect(failed.lastError?.hint).not.toContain('--local-port');
      expect(ssh?.connectionCount).toBe(0);
    } finally {
      await new Promise<void>((resolve) => busy.close(() => resolve()));
    }
    // Once the port is free, Reconnect now brings the mode up.
    await c.call('reconnectNow', undefined);
    await waitForState(c, isHealthy, 'healthy once the port is free');
  });

  it('a wake kick reconnects at once instead of waiting out the backoff', async () => {
    // Long backoffs for the tunnel and the gateway session: only the kick brings them back within the test.
    const { core: c } = await remoteSetup({ timing: { reconnectInitialMs: 120_000, reconnectMaxMs: 120_000, tunnelRetryInitialMs: 120_000, tunnelRetryMaxMs: 120_000 } });
    await c.call('setMode', { mode: 'remote' });
    await waitForState(c, isHealthy, 'healthy');
    const dropped = waitForState(c, (s) => !s.gatewayConnected, 'the drop');
    ssh?.dropSessions();
    const down: DesktopState = await dropped;
    expect(down.statusText).toMatch(/^(Reconnecting|Connecting)/);
    const waiting = await waitForState(c, (s) => s.remote?.tunnelState === 'reconnecting', 'the tunnel waiting out its backoff');
    expect(waiting.statusText).toMatch(/^Reconnecting/);
    expect(waiting.remote?.nextRetryInMs).toBeGreaterThan(10_000);
    c.kick('resume');
    await waitForState(c, isHealthy, 'healthy after the kick');
  });

  it('previews what an SSH target resolves to', async () => {
    t = tempEnv();
    core = testCore(t);
    const preview = await core.call('previewSshTarget', { target: 'alice@gateway-box.invalid:2222' });
    expect(preview).toMatchObject({ ok: true, user: 'alice', host: 'gateway-box.invalid', port: 2222 });
    expect(preview.description).toContain('alice@gateway-box.invalid:2222');
    expect((await core.call('previewSshTarget', { target: '' })).ok).toBe(false);
  });

  it('previews an SSH target with the identity file from Settings, which must be a readable file', async () => {
    t = tempEnv();
    core = testCore(t);
    const sshDir = join(t.home, '.ssh');
    mkdirSync(sshDir, { recursive: true });
    const key = join(sshDir, 'box_ed25519');
    writeFileSync(key, 'a key file\n', { mode: 0o600 });
    const target = 'alice@box.invalid:2222';
    const parse = DESKTOP_CALLS.previewSshTarget.parse;

    const withKey = await core.call('previewSshTarget', parse({ target, identityFile: '~/.ssh/box_ed25519' }));
    expect(withKey).toMatchObject({ ok: true, user: 'alice', host: 'box.invalid', port: 2222 });
    expect(withKey.identityFiles?.[0]).toBe(key);
    expect(withKey.description).toBe('alice@box.invalid:2222 (key ~/.ssh/box_ed25519)');

    const gone = join(sshDir, 'gone_ed25519');
    expect(await core.call('previewSshTarget', parse({ target, identityFile: '~/.ssh/gone_ed25519' }))).toEqual({ ok: false, description: `No such identity file: ${gone}`, error: `No such identity file: ${gone}` });
    expect(await core.call('previewSshTarget', parse({ target, identityFile: sshDir }))).toMatchObject({ ok: false, error: `No such identity file: ${sshDir}` });

    // Callers that send no identity file (or an empty one) get the preview from the SSH config alone, as before.
    for (const input of [{ target }, { target, identityFile: '  ' }]) {
      const plain = await core.call('previewSshTarget', parse(input));
      expect(plain).toMatchObject({ ok: true, user: 'alice', host: 'box.invalid', port: 2222 });
      expect(plain.identityFiles).not.toContain(key);
      expect(plain.description).not.toContain('box_ed25519');
    }
    expect(() => parse({ target, identityFile: 42 })).toThrow(/identityFile/);
  });

  it.skipIf(process.getuid?.() === 0)('says when the identity file cannot be read (not as root, who reads any file)', async () => {
    t = tempEnv();
    core = testCore(t);
    mkdirSync(t.home, { recursive: true });
    const key = join(t.home, 'locked_ed25519');
    writeFileSync(key, 'a key file\n', { mode: 0o000 });
    expect(await core.call('previewSshTarget', { target: 'alice@box.invalid', identityFile: key })).toMatchObject({ ok: false, error: `The identity file is not readable: ${key}` });
  });

  it('Test remote walks the SSH and gateway layers', async () => {
    const { core: c } = await remoteSetup();
    const layers = await c.call('testRemote', undefined);
    expect(layers.map((l) => [l.layer, l.status])).toEqual([
      ['dns', 'pass'], ['tcp', 'pass'], ['ssh-handshake', 'pass'], ['host-key', 'pass'], ['ssh-auth', 'pass'], ['tunnel', 'pass'],
      ['gateway-reachable', 'pass'], ['gateway-auth', 'pass'], ['gateway-health', 'pass'],
    ]);
    await c.call('saveSettings', { gatewayToken: 'wrong-token-123' });
    const bad = await c.call('testRemote', undefined);
    expect(bad.find((l) => l.status === 'fail')).toMatchObject({ layer: 'gateway-auth' });
    ssh?.setAuth('refuse');
    const refused = await c.call('testRemote', undefined);
    expect(refused.find((l) => l.status === 'fail')).toMatchObject({ layer: 'ssh-auth' });
    expect(refused.filter((l) => l.status === 'skipped').map((l) => l.layer)).toContain('gateway-health');
  });
});
