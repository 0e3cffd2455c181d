// The gateway process: first start (generated token), SIGTERM with requests in flight (shutdown event,
// then 1012), the single-instance lock (live owner, stale lock of a crashed gateway), a port held by
// another program or by another gateway, and config errors that name the key and the file.

import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { lockPathFor } from '../../src/gateway/lock';
import { gatewayEnv, spawnCli, startGateway, waitForOutput, type RunningGateway } from '../support/gateway';
import { connectClient, WsTestClient } from '../support/ws-client';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function tempHome(): { root: string; home: string; stateDir: string; configPath: string } {
  const root = mkdtempSync(join(tmpdir(), 'clawdbot-life-'));
  cleanups.push(() => rmSync(root, { recursive: true, force: true }));
  const home = join(root, 'home');
  const stateDir = join(home, '.clawdbot');
  mkdirSync(stateDir, { recursive: true });
  return { root, home, stateDir, configPath: join(stateDir, 'clawdbot.json') };
}

function runOnce(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | string; output: string }> {
  const proc = spawnCli(args, env);
  const killer = setTimeout(() => proc.child.kill('SIGKILL'), 20_000);
  return proc.exited.then((code) => {
    clearTimeout(killer);
    return { code, output: proc.output() };
  });
}

async function started(gw: Promise<RunningGateway>): Promise<RunningGateway> {
  const g = await gw;
  cleanups.push(() => g.stop());
  return g;
}

describe('gateway lifecycle', () => {
  it('first start without any secret generates a token, stores it (0600) and says where', async () => {
    const gw = await started(startGateway({ noConfig: true }));
    const config = JSON.parse(readFileSync(gw.configPath, 'utf8')) as { gateway: { auth: { token: string; mode: string } } };
    expect(config.gateway.auth.token.length).toBeGreaterThanOrEqual(32);
    expect(statSync(gw.configPath).mode & 0o777).toBe(0o600);
    expect(gw.output()).toContain(`saved it to ${gw.configPath}`);
    expect(gw.output()).not.toContain(config.gateway.auth.token);
    const c = await connectClient(gw.url, { token: config.gateway.auth.token });
    await c.close();
  });

  it('adding the generated token to a hand-edited JSON5 config keeps the file as it was in clawdbot.json.bak', async () => {
    const { stateDir, configPath } = tempHome();
    const original = "// my gateway\n{ gateway: { mode: 'local', bind: 'loopback' /* the default */ }, models: { providers: {} } }\n";
    writeFileSync(configPath, original, { mode: 0o600 });
    const gw = await started(startGateway({ noConfig: true, stateDir }));
    const config = JSON.parse(readFileSync(configPath, 'utf8')) as { gateway: { mode: string; bind: string; auth: { token: string } } };
    expect(config.gateway).toMatchObject({ mode: 'local', bind: 'loopback' });
    expect(config.gateway.auth.token.length).toBeGreaterThanOrEqual(32);
    expect(readFileSync(`${configPath}.bak`, 'utf8')).toBe(original);
    expect(statSync(`${configPath}.bak`).mode & 0o777).toBe(0o600);
    expect(gw.output()).toContain(`the file as it was is in ${configPath}.bak`);
  });

  it('prints exactly one "listening on" line and never the token', async () => {
    const gw = await started(startGateway());
    expect(gw.output().match(/listening on ws:\/\/127\.0\.0\.1:\d+/g)).toHaveLength(1);
    expect(gw.output()).not.toContain(gw.token as string);
    const log = readFileSync(gw.logFile, 'utf8');
    expect(log).not.toContain(gw.token as string);
    for (const line of log.trim().split('\n')) expect(() => JSON.parse(line)).not.toThrow();
  });

  it('on SIGTERM answers requests in flight, broadcasts shutdown, then closes with 1012', async () => {
    const gw = await startGateway();
    const node = await connectClient(gw.url, { token: gw.token, role: 'node', scopes: [], client: { id: 'node-host', mode: 'node' }, params: { commands: ['system.which'] } });
    const operator = await connectClient(gw.url, { token: gw.token });
    const inFlight = operator.request('node.invoke', { nodeId: 'node-host', command: 'system.which', params: {}, idempotencyKey: 'k' });
    await node.event('node.invoke.request');
    const stopping = gw.stop('SIGTERM');
    const res = await inFlight;
    expect(res.ok).toBe(false);
    expect(res.error.code).toBe('UNAVAILABLE');
    const shutdown = await operator.event('shutdown');
    expect(shutdown.payload).toEqual({ reason: 'gateway stopping', restartExpectedMs: null });
    expect(typeof shutdown.seq).toBe('number');
    expect(await operator.waitClosed()).toEqual({ code: 1012, reason: 'service restart' });
    expect((await node.waitClosed()).code).toBe(1012);
    await stopping;
    expect(await gw.exited).toBe(0);
  });

  it('SIGINT (Ctrl-C in the terminal) stops it the same way: shutdown, then 1012', async () => {
    const gw = await startGateway();
    const c = await connectClient(gw.url, { token: gw.token });
    const stopping = gw.stop('SIGINT');
    expect((await c.event('shutdown')).payload).toEqual({ reason: 'gateway stopping', restartExpectedMs: null });
    expect(await c.waitClosed()).toEqual({ code: 1012, reason: 'service restart' });
    await stopping;
    expect(await gw.exited).toBe(0);
  });

  it('a second gateway on the same config fails with the reference\'s lock error (exit 1)', async () => {
    const gw = await started(startGateway());
    const env = gatewayEnv(join(gw.stateDir, '..'), gw.stateDir, gw.configPath, { CLAWDBOT_TEST_TIMERS: 'fast' });
    const second = await runOnce(['gateway', 'run', '--port', '0'], env);
    expect(second.code).toBe(1);
    expect(second.output).toContain(`Gateway failed to start: gateway already running (pid ${gw.pid}); lock timeout after 300ms`);
    expect(second.output).toContain(`kill ${gw.pid}`);
    expect(second.output).toContain('clawdbot --profile NAME gateway run --port PORT');
    expect(second.output).not.toContain('clawdbot gateway stop');
  });

  it('a stale lock left by a crashed gateway never blocks a restart', async () => {
    const t = tempHome();
    writeFileSync(t.configPath, JSON.stringify({ gateway: { mode: 'local', auth: { token: 'stale-lock-token' } } }));
    // A lock file owned by a process that has exited.
    const dead = spawn(process.execPath, ['-e', '0']);
    await new Promise((r) => dead.once('exit', r));
    const lock = lockPathFor(t.configPath);
    mkdirSync(join(lock, '..'), { recursive: true });
    writeFileSync(lock, JSON.stringify({ pid: dead.pid, createdAt: Date.now() - 1000, configPath: t.configPath }));
    cleanups.push(() => rmSync(lock, { force: true }));
    const gw = await started(startGateway({ stateDir: t.stateDir, token: 'stale-lock-token' }));
    expect(JSON.parse(readFileSync(lock, 'utf8')).pid).toBe(gw.pid);
    // A crash (SIGKILL) leaves the lock behind; the next start still works.
    await gw.stop('SIGKILL');
    const next = await started(startGateway({ stateDir: t.stateDir, token: 'stale-lock-token' }));
    const c = await connectClient(next.url, { token: 'stale-lock-token' });
    await c.close();
  });

  it('names the port, and no gateway, when another program holds it (exit 1)', async () => {
    const holder = createHttpServer((_req, res) => res.end('not a gateway'));
    await new Promise<void>((r) => holder.listen(0, '127.0.0.1', r));
    cleanups.push(() => new Promise<void>((r) => holder.close(() => r())));
    const port = (holder.address() as { port: number }).port;
    const t = tempHome();
    writeFileSync(t.configPath, JSON.stringify({ gateway: { auth: { token: 'port-test-token' } } }));
    const r = await runOnce(['gateway', 'run', '--port', String(port)], gatewayEnv(t.home, t.stateDir, t.configPath, { CLAWDBOT_LOG_FILE: join(t.root, 'gw.log') }));
    expect(r.code).toBe(1);
    expect(r.output).toContain(`Gateway failed to start: port ${port} is already in use by another program`);
    expect(r.output).not.toContain('another gateway instance');
    // This test process holds the port.
    expect(r.output).toContain(`- pid ${process.pid}: `);
    expect(r.output).toContain('--port N (or CLAWDBOT_GATEWAY_PORT=N)');
  });

  it('a port held by a silent program is not taken for a gateway either', async () => {
    // Accepts, reads and never answers (reading lets it see the probe hang up, so close() can finish).
    const holder: Server = createServer((socket) => socket.resume());
    await new Promise<void>((r) => holder.listen(0, '127.0.0.1', r));
    cleanups.push(() => new Promise<void>((r) => holder.close(() => r())));
    const port = (holder.address() as { port: number }).port;
    const t = tempHome();
    writeFileSync(t.configPath, JSON.stringify({ gateway: { auth: { token: 'port-test-token' } } }));
    const r = await runOnce(['gateway', 'run', '--port', String(port)], gatewayEnv(t.home, t.stateDir, t.configPath, { CLAWDBOT_LOG_FILE: join(t.root, 'gw.log') }));
    expect(r.code).toBe(1);
    expect(r.output).toContain(`Gateway failed to start: port ${port} is already in use by another program`);
  });

  it('keeps the reference text when a gateway with another config holds the port, and names its pid', async () => {
    const gw = await started(startGateway());
    const t = tempHome();
    writeFileSync(t.configPath, JSON.stringify({ gateway: { auth: { token: 'port-test-token' } } }));
    const r = await runOnce(['gateway', 'run', '--port', String(gw.port)], gatewayEnv(t.home, t.stateDir, t.configPath, { CLAWDBOT_LOG_FILE: join(t.root, 'gw.log') }));
    expect(r.code).toBe(1);
    expect(r.output).toContain(`Gateway failed to start: another gateway instance is already listening on ws://127.0.0.1:${gw.port}`);
    expect(r.output).toContain(`Port ${gw.port} is already in use.`);
    expect(r.output).toContain(`- pid ${gw.pid}: `);
    expect(r.output).toContain(`kill ${gw.pid}`);
    expect(r.output).not.toContain('clawdbot gateway stop');
  });

  it('port precedence: --port > CLAWDBOT_GATEWAY_PORT > gateway.port', async () => {
    const a = await started(startGateway({ config: { gateway: { port: 1 } }, env: { CLAWDBOT_GATEWAY_PORT: '2' } }));
    // --port 0 (added by startGateway) won over both; an ephemeral port was chosen.
    expect(a.port).toBeGreaterThan(1024);
  });

  it('refuses an invalid config naming the key and the file (exit 1)', async () => {
    const t = tempHome();
    writeFileSync(t.configPath, '{ gateway: { bind: "everywhere", auth: { token: "x", colour: 1 } }, agents: { anything: true } }');
    const r = await runOnce(['gateway', 'run', '--port', '0'], gatewayEnv(t.home, t.stateDir, t.configPath, { CLAWDBOT_LOG_FILE: join(t.root, 'gw.log') }));
    expect(r.code).toBe(1);
    expect(r.output).toContain(t.configPath);
    expect(r.output).toContain('gateway.bind: must be one of "loopback", "lan", "tailnet", "auto", "custom"');
    expect(r.output).toContain('gateway.auth.colour: unknown key');
    expect(r.output).not.toContain('agents');
  });

  it('refuses a non-loopback bind without a token or password, naming the fix', async () => {
    const t = tempHome();
    writeFileSync(t.configPath, '{}');
    const r = await runOnce(['gateway', 'run', '--port', '0', '--bind', 'lan'], gatewayEnv(t.home, t.stateDir, t.configPath, { CLAWDBOT_LOG_FILE: join(t.root, 'gw.log') }));
    expect(r.code).toBe(1);
    expect(r.output).toContain('refusing to bind gateway to 0.0.0.0:0 without auth (set gateway.auth.token or CLAWDBOT_GATEWAY_TOKEN, or pass --token)');
  });

  it('--token and --password flags override the config', async () => {
    const gw = await started(startGateway({ token: 'from-config', args: ['--token', 'from-flag'] }));
    const bad = await WsTestClient.open(gw.url);
    expect((await bad.connect({ token: 'from-config' })).ok).toBe(false);
    const good = await connectClient(gw.url, { token: 'from-flag' });
    await good.close();
    const pw = await started(startGateway({ args: ['--auth', 'password', '--password', 'pw-flag'] }));
    const { makeDevice, deviceBlock } = await import('./helpers/device');
    const d = makeDevice();
    const c = await WsTestClient.open(pw.url);
    await c.event('connect.challenge');
    const res = await c.request('connect', {
      minProtocol: 3, maxProtocol: 3, client: { id: 'test', version: '1', platform: 'linux', mode: 'test' }, scopes: ['operator.admin'],
      auth: { password: 'pw-flag' }, device: deviceBlock(d, { clientId: 'test', clientMode: 'test', scopes: ['operator.admin'], nonce: c.nonce }),
    });
    expect(res.ok).toBe(true);
    await c.close();
  });

  it('uses the lock path of spec §14.4', () => {
    const hash = createHash('sha1').update('/x/clawdbot.json').digest('hex').slice(0, 8);
    expect(lockPathFor('/x/clawdbot.json', '/tmp/clawdbot-0')).toBe(`/tmp/clawdbot-0/gateway.${hash}.lock`);
  });
});

describe('waitForOutput helper', () => {
  it('rejects when the process exits first', async () => {
    const proc = spawnCli(['--version'], process.env);
    await expect(waitForOutput(proc, /never/, 10_000)).rejects.toThrow(/exited/);
  });
});
