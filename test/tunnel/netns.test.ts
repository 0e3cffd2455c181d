// Root tier: Debian sshd in a network namespace as the remote host, with a WebSocket echo "gateway" on
// the namespace's own loopback, reachable only through the tunnel. Link loss, DROP, RST, the remote
// process killed and restarted, a new host key, a wrong key, agent auth, ProxyJump through a second
// namespace, a busy local port. Keepalive is 500 ms × 2 here, so each outage is noticed in about a second.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ClawdbotError } from '../../src/shared/errors';
import { Tunnel, type TunnelOptions } from '../../src/tunnel/supervisor';
import type { ResolvedTarget, SshHop } from '../../src/tunnel/types';
import { clientKey, remoteHostUp, rootSuiteUnavailable, startSshAgent, until, type KeyFiles, type RemoteHost, type TrackedProcess } from '../support/sshd';
import { isState, openWs, closed, scratchFile, sendAndReceive, waitForState, wsEcho } from './helpers/engine';

const unavailable = rootSuiteUnavailable();
const REPO = join(import.meta.dirname, '..', '..');
const ECHO = `const { WebSocketServer } = require('ws');
const w = new WebSocketServer({ host: '127.0.0.1', port: Number(process.argv.at(-1)) || 0 }); // node -e ECHO PORT, or node FILE PORT
w.on('connection', (s) => s.on('message', (d, b) => s.send(d, { binary: b })));
w.on('listening', () => console.log('port ' + w.address().port));`;

/** A WebSocket echo server on the namespace's own 127.0.0.1. */
async function startRemoteEcho(host: RemoteHost, port = 0): Promise<{ proc: TrackedProcess; port: number }> {
  const proc = host.spawn(process.execPath, ['-e', ECHO, String(port)], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
  await until(() => /port \d+/.test(proc.output()) || proc.child.exitCode !== null, 'the remote echo server');
  const m = proc.output().match(/port (\d+)/);
  if (!m) throw new Error(`echo server failed: ${proc.output()}`);
  return { proc, port: Number(m[1]) };
}

describe.skipIf(unavailable !== null)(`tunnel to sshd in a network namespace${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
  let dir: string;
  let key: KeyFiles;
  let host: RemoteHost;
  let echo: { proc: TrackedProcess; port: number };
  const tunnels: Tunnel[] = [];

  function hop(h: RemoteHost, overrides: Partial<SshHop> = {}): SshHop {
    return {
      alias: h.name, hostName: h.ip, port: 22, user: 'root',
      identityFiles: [key.path], identitiesOnly: true, identityAgent: null,
      userKnownHostsFiles: [scratchFile('known_hosts', `${h.sshd.knownHostsLine()}\n`)], globalKnownHostsFiles: [],
      strictHostKeyChecking: 'yes', connectTimeoutMs: 2000, serverAliveIntervalMs: 500, serverAliveCountMax: 2,
      ...overrides,
    };
  }
  const target = (overrides: Partial<ResolvedTarget> = {}): ResolvedTarget => ({ ...hop(host), jumps: [], source: 'literal', ...overrides });

  function tunnel(overrides: Partial<TunnelOptions> = {}): Tunnel {
    const t = new Tunnel({ target: target(), remotePort: echo.port, localPort: 0, backoff: { initialMs: 50, maxMs: 300 }, ...overrides });
    tunnels.push(t);
    return t;
  }

  async function readyTunnel(overrides: Partial<TunnelOptions> = {}): Promise<Tunnel> {
    const t = tunnel(overrides);
    await t.start();
    await waitForState(t, isState('ready'));
    return t;
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cbt-netns-'));
    key = clientKey(dir);
    host = await remoteHostUp({ authorizedKeys: [key.publicKey] });
    echo = await startRemoteEcho(host);
  });
  afterEach(async () => {
    host.firewall('none');
    host.linkUp();
    await Promise.all(tunnels.splice(0).map((t) => t.stop()));
  });
  afterAll(async () => {
    await host?.down();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('forwards to the namespace\'s loopback, which is not reachable directly', async () => {
    const direct = await new Promise<string>((resolve) => {
      const s = net.connect({ host: host.ip, port: echo.port });
      s.on('connect', () => resolve('connected'));
      s.on('error', (e) => resolve((e as NodeJS.ErrnoException).code ?? 'error'));
    });
    expect(direct).toBe('ECONNREFUSED');
    const t = await readyTunnel();
    expect(await wsEcho(t.url as string, 'through sshd')).toBe('through sshd');
  });

  it('survives the link going down and up: same port, a new WebSocket works', async () => {
    const t = await readyTunnel();
    const port = t.localPort;
    const ws = await openWs(t.url as string);
    expect(await sendAndReceive(ws, 'before')).toBe('before');
    host.linkDown();
    expect(await waitForState(t, isState('reconnecting'), 5000)).toMatchObject({ errorClass: 'SshTimeout' });
    await closed(ws);
    host.linkUp();
    await waitForState(t, isState('ready'), 10_000);
    expect(t.localPort).toBe(port);
    expect(await wsEcho(t.url as string, 'after')).toBe('after');
  });

  it('notices a firewall DROP and recovers when it is lifted', async () => {
    const t = await readyTunnel();
    host.firewall('drop');
    expect(await waitForState(t, isState('reconnecting'), 5000)).toMatchObject({ errorClass: 'SshTimeout' });
    host.firewall('none');
    await waitForState(t, isState('ready'), 10_000);
    expect(await wsEcho(t.url as string, 'undropped')).toBe('undropped');
  });

  it('treats a TCP reset as retryable and recovers', async () => {
    const t = await readyTunnel();
    host.firewall('reset');
    const s = await waitForState(t, isState('reconnecting'), 5000);
    expect(['SshReset', 'TcpFailed']).toContain((s as { errorClass: string }).errorClass);
    await waitForState(t, (x) => x.state === 'reconnecting' && x.errorClass === 'TcpFailed', 5000);
    host.firewall('none');
    await waitForState(t, isState('ready'), 10_000);
  });

  it('reports gateway-down when the remote process dies, and ready once it is back on its port', async () => {
    const t = await readyTunnel();
    await echo.proc.stop();
    await expect(wsEcho(t.url as string, 'nobody')).rejects.toThrow();
    expect(await waitForState(t, isState('gateway-down'))).toMatchObject({ errorClass: 'RemoteGatewayDown' });
    echo = await startRemoteEcho(host, echo.port);
    await waitForState(t, isState('ready'), 10_000);
    expect(await wsEcho(t.url as string, 'revived')).toBe('revived');
  });

  it('refuses a wrong client key (SshAuthFailed, no retry)', async () => {
    const wrong = clientKey(dir, 'id_wrong');
    const t = tunnel({ target: target({ identityFiles: [wrong.path] }) });
    await t.start();
    expect(await waitForState(t, isState('failed'))).toMatchObject({ errorClass: 'SshAuthFailed' });
  });

  it('logs in with a key held by ssh-agent', async () => {
    const agentKey = clientKey(dir, 'id_agent');
    const agent = await startSshAgent(dir, [key.path]);
    try {
      const t = await readyTunnel({ target: target({ identityFiles: [agentKey.path], identitiesOnly: false, identityAgent: agent.socket }) });
      expect(await wsEcho(t.url as string, 'agent')).toBe('agent');
    } finally {
      await agent.stop();
    }
  });

  it('with IdentitiesOnly, offers only the agent keys that match an identity file', async () => {
    const other = clientKey(dir, 'id_other');
    const agent = await startSshAgent(dir, [key.path]);
    try {
      const only = tunnel({ target: target({ identityFiles: [other.path], identitiesOnly: true, identityAgent: agent.socket }) });
      await only.start();
      expect(await waitForState(only, isState('failed'))).toMatchObject({ errorClass: 'SshAuthFailed' });
      await readyTunnel({ target: target({ identityFiles: [`${dir}/no-such-key`, key.path], identitiesOnly: true, identityAgent: agent.socket }) });
    } finally {
      await agent.stop();
    }
  });

  it('runs commands and reads files on the remote host over the session', async () => {
    const t = await readyTunnel();
    writeFileSync(join(host.dir, 'remote.txt'), 'remote text\n');
    expect(await t.exec('echo "$USER" && echo oops >&2; exit 3')).toEqual({ stdout: 'root\n', stderr: 'oops\n', code: 3, signal: null });
    expect(await t.readRemoteFile(join(host.dir, 'remote.txt'))).toBe('remote text\n');
    await expect(t.readRemoteFile(join(host.dir, 'missing.txt'))).rejects.toThrow(/No such file/);
  });

  it('starts the remote gateway over SSH when its port is closed, detached, and becomes ready', async () => {
    const script = join(host.dir, 'echo.cjs');
    writeFileSync(script, ECHO);
    const free = await startRemoteEcho(host);
    await free.proc.stop(); // a port that was free inside the namespace
    const command = `NODE_PATH=${REPO}/node_modules nohup ${process.execPath} ${script} ${free.port} >/dev/null 2>&1 </dev/null &`;
    const t = tunnel({ remotePort: free.port, startGateway: command });
    await t.start();
    await waitForState(t, isState('gateway-down'));
    await waitForState(t, isState('ready'), 10_000);
    expect(await wsEcho(t.url as string, 'started over ssh')).toBe('started over ssh');
  });

  it('fails with PortInUse when the local port is taken', async () => {
    const busy = net.createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    try {
      const t = tunnel({ localPort: (busy.address() as net.AddressInfo).port });
      const err = await t.start().then(() => null, (e: unknown) => e);
      expect((err as ClawdbotError).errorClass).toBe('PortInUse');
    } finally {
      busy.close();
    }
  });

  it('goes through a jump host into a namespace reachable only from it', async () => {
    const inner = await remoteHostUp({ authorizedKeys: [key.publicKey], via: host });
    try {
      const innerEcho = await startRemoteEcho(inner);
      const t = await readyTunnel({ target: { ...hop(inner), jumps: [hop(host)], source: 'literal' }, remotePort: innerEcho.port });
      expect(await wsEcho(t.url as string, 'two hops')).toBe('two hops');
    } finally {
      await inner.down();
    }
  });

  it('refuses sshd restarted with a new host key (HostKeyChanged, both fingerprints)', async () => {
    const t = await readyTunnel();
    await host.restartSshd({ newHostKey: true });
    const failed = await waitForState(t, isState('failed'), 10_000);
    expect(failed).toMatchObject({ errorClass: 'HostKeyChanged' });
    expect((failed as { reason: string }).reason).toMatch(/SHA256:.+SHA256:/);
  });
});
