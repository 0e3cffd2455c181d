// The brain with real gateway processes: start, adopt, crash and restart, crash loop, quit cleanup.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import JSON5 from 'json5';
import { afterEach, describe, expect, it } from 'vitest';
import type { DesktopCore } from '../../src/desktop/ports';
import { desktopLogFile } from '../../src/desktop/settings-schema';
import { startGateway, type RunningGateway } from '../support/gateway';
import { canConnect, freePort, isHealthy, parentPid, processAlive, tempEnv, testCore, waitForState, waitUntil, type TempEnv } from './helpers';

let t: TempEnv | undefined;
let core: DesktopCore | undefined;
let gateway: RunningGateway | undefined;

afterEach(async () => {
  await core?.shutdown();
  await gateway?.stop();
  t?.cleanup();
  core = undefined;
  gateway = undefined;
  t = undefined;
});

describe('local mode', () => {
  it('starts a gateway, reports it healthy, and quit leaves no process or port behind', async () => {
    const port = await freePort();
    t = tempEnv({ CLAWDBOT_GATEWAY_PORT: String(port) });
    core = testCore(t);
    await core.call('setMode', { mode: 'local' });
    const ready = await waitForState(core, isHealthy, 'a healthy local gateway');
    expect(ready.statusText).toMatch(/^Connected/);
    expect(ready.endpointUrl).toBe(`ws://127.0.0.1:${port}`);
    expect(ready.local).toMatchObject({ port, adopted: false });
    expect(ready.health?.latencyMs).toBeTypeOf('number');
    expect(ready.health?.sessionCount).toBeTypeOf('number');
    const pid = ready.local?.pid as number;
    expect(processAlive(pid)).toBe(true);
    // The CLI and the app agree: the config says local mode on this port, with the token the gateway uses.
    const config = JSON5.parse(readFileSync(t.configPath, 'utf8'));
    expect(config.gateway).toMatchObject({ mode: 'local', port });
    expect(typeof config.gateway.auth.token).toBe('string');

    const deep = await core.call('deepStatus', undefined);
    expect(deep.ok).toBe(true);
    const health = await core.call('checkHealth', undefined);
    expect(health?.ok).toBe(true);

    await core.shutdown();
    expect(processAlive(pid)).toBe(false);
    expect(await canConnect(port)).toBe(false);
    expect(core.getState().statusText).toMatch(/^Disconnected/);
  });

  it('adopts a gateway already answering with our credentials, and leaves it running on quit', async () => {
    gateway = await startGateway();
    t = tempEnv({ CLAWDBOT_GATEWAY_PORT: String(gateway.port) });
    mkdirSync(t.stateDir, { recursive: true });
    writeFileSync(t.configPath, readFileSync(gateway.configPath, 'utf8'));
    core = testCore(t);
    await core.call('setMode', { mode: 'local' });
    const ready = await waitForState(core, isHealthy, 'the adopted gateway healthy');
    expect(ready.local).toMatchObject({ adopted: true, port: gateway.port });
    await core.shutdown();
    expect(processAlive(gateway.pid)).toBe(true);
    expect(await canConnect(gateway.port)).toBe(true);
  });

  it('starts its own gateway when the adopted one stops, and quit leaves no process or port behind', async () => {
    gateway = await startGateway();
    const theirs = gateway;
    t = tempEnv({ CLAWDBOT_GATEWAY_PORT: String(theirs.port) });
    mkdirSync(t.stateDir, { recursive: true });
    writeFileSync(t.configPath, readFileSync(theirs.configPath, 'utf8'));
    core = testCore(t);
    await core.call('setMode', { mode: 'local' });
    const adopted = await waitForState(core, (s) => isHealthy(s) && s.local?.adopted === true, 'the adopted gateway healthy');
    expect(adopted.local?.pid).toBe(theirs.pid);

    await theirs.stop();
    const own = await waitForState(core, (s) => isHealthy(s) && s.local?.adopted === false && s.local.pid !== undefined, 'our own gateway healthy');
    const ownPid = own.local?.pid as number;
    expect(ownPid).not.toBe(theirs.pid);
    expect(parentPid(ownPid)).toBe(process.pid);
    expect(own.local?.port).toBe(theirs.port);
    expect(own.transitions.map((tr) => tr.reason)).toContain(`the gateway we were using (pid ${theirs.pid}) stopped; starting our own`);

    // Ours is supervised like any gateway we start: a crash is restarted.
    process.kill(ownPid, 'SIGKILL');
    const restarted = await waitForState(core, (s) => isHealthy(s) && s.local?.pid !== ownPid && (s.local?.restarts ?? 0) >= 1, 'our gateway restarted');
    const restartedPid = restarted.local?.pid as number;

    await core.shutdown();
    expect(processAlive(restartedPid)).toBe(false);
    expect(await canConnect(theirs.port)).toBe(false);
  });

  it('does not adopt a gateway that refuses our credentials (PortInUse), and leaves it alone', async () => {
    gateway = await startGateway();
    t = tempEnv({ CLAWDBOT_GATEWAY_PORT: String(gateway.port), CLAWDBOT_GATEWAY_TOKEN: 'some-other-token' });
    core = testCore(t);
    const state = await core.call('setMode', { mode: 'local' });
    expect(state.lastError?.errorClass).toBe('PortInUse');
    expect(state.lastError?.message).toContain(String(gateway.port));
    await core.shutdown();
    expect(processAlive(gateway.pid)).toBe(true);
  });

  it('refuses a port held by something that is not our gateway (PortInUse)', async () => {
    const blocker = net.createServer((s) => s.destroy());
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      t = tempEnv({ CLAWDBOT_GATEWAY_PORT: String(port) });
      core = testCore(t);
      const state = await core.call('setMode', { mode: 'local' });
      expect(state.phase).toBe('failed');
      expect(state.lastError?.errorClass).toBe('PortInUse');
      expect(state.statusText).toMatch(/^Failed/);
    } finally {
      await new Promise<void>((r) => blocker.close(() => r()));
    }
  });

  it('reports Degraded after two missed health checks, and Connected again once the gateway answers', async () => {
    // Normal gateway timers: the connection stays open (no tick timeout) while the gateway is frozen.
    const port = await freePort();
    t = tempEnv({ CLAWDBOT_GATEWAY_PORT: String(port), CLAWDBOT_TEST_TIMERS: '' });
    core = testCore(t, { timing: { healthTimeoutMs: 300 } });
    await core.call('setMode', { mode: 'local' });
    const ready = await waitForState(core, isHealthy, 'healthy');
    const pid = ready.local?.pid as number;
    process.kill(pid, 'SIGSTOP');
    try {
      const degraded = await waitForState(core, (s) => s.phase === 'degraded', 'degraded');
      expect(degraded.statusText).toMatch(/^Degraded/);
      expect(degraded.health?.consecutiveMisses).toBeGreaterThanOrEqual(2);
      expect(degraded.gatewayConnected).toBe(true);
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    const back = await waitForState(core, isHealthy, 'healthy again');
    expect(back.statusText).toMatch(/^Connected/);
  });

  it('restarts the gateway after a crash and becomes healthy again', async () => {
    const port = await freePort();
    t = tempEnv({ CLAWDBOT_GATEWAY_PORT: String(port) });
    core = testCore(t);
    await core.call('setMode', { mode: 'local' });
    const first = await waitForState(core, isHealthy, 'healthy');
    const pid = first.local?.pid as number;
    process.kill(pid, 'SIGKILL');
    const restarted = await waitForState(core, (s) => isHealthy(s) && s.local?.pid !== pid && (s.local?.restarts ?? 0) >= 1, 'healthy after a restart');
    expect(restarted.transitions.some((tr) => tr.phase === 'reconnecting')).toBe(true);
    expect(processAlive(pid)).toBe(false);
  });

  it('stops in failed with the last log lines and a hint after repeated crashes', async () => {
    const port = await freePort();
    t = tempEnv({ CLAWDBOT_GATEWAY_PORT: String(port) });
    const crasher = join(t.root, 'crash.mjs');
    writeFileSync(crasher, "console.error('boom: cannot open the model store'); process.exit(3);\n");
    core = testCore(t, { spawner: { script: crasher } });
    await core.call('setMode', { mode: 'local' });
    const failed = await waitForState(core, (s) => s.phase === 'failed', 'failed after a crash loop');
    expect(failed.lastError?.errorClass).toBe('GatewayCrashLoop');
    expect(failed.lastError?.message).toContain('boom: cannot open the model store');
    expect(failed.lastError?.hint).toMatch(/View logs/);
    expect(failed.statusText).toMatch(/^Failed/);
    const logs = await core.call('getLogs', { limit: 50 });
    expect(logs.some((l) => l.source === 'gateway' && l.text.includes('boom'))).toBe(true);
    await waitUntil(async () => !(await canConnect(port)), 'the port to stay free');
  });

  it("logs the gateway's lines with their own level and time, without its time prefix", async () => {
    const port = await freePort();
    t = tempEnv({ CLAWDBOT_GATEWAY_PORT: String(port) });
    core = testCore(t);
    const started = Date.now();
    await core.call('setMode', { mode: 'local' });
    await waitForState(core, isHealthy, 'a healthy local gateway');
    const lines = (await core.call('getLogs', { limit: 2000 })).filter((l) => l.source === 'gateway');
    const listening = lines.find((l) => l.text.includes('listening on'));
    expect(listening).toMatchObject({ level: 'info' });
    expect(listening?.text).toMatch(/^\[gateway\] listening on ws:\/\/127\.0\.0\.1:/);
    expect(listening?.ts).toBeGreaterThanOrEqual(Math.floor(started / 1000) * 1000);
    expect(lines.filter((l) => /^\d\d:\d\d:\d\d /.test(l.text))).toEqual([]);
  });

  it("redacts secrets in the gateway's lines, parsed or not", async () => {
    const port = await freePort();
    t = tempEnv({ CLAWDBOT_GATEWAY_PORT: String(port) });
    const secret = 'gateway-secret-4f2a9c';
    const noisy = join(t.root, 'noisy.mjs');
    writeFileSync(noisy, [
      `const now = new Date().toISOString().slice(11, 19);`,
      `console.error(now + ' [gateway] error: refused token ${secret}');`,
      `console.error('Gateway failed to start: token ${secret} is not valid');`,
      `process.exit(3);`,
    ].join('\n'));
    core = testCore(t, { spawner: { script: noisy } });
    await core.call('saveSettings', { gatewayToken: secret });
    await core.call('setMode', { mode: 'local' });
    await waitForState(core, (s) => s.phase === 'failed', 'failed after a crash loop');
    const lines = (await core.call('getLogs', { limit: 2000 })).filter((l) => l.source === 'gateway');
    expect(lines).toContainEqual(expect.objectContaining({ level: 'error', text: '[gateway] refused token ***' }));
    expect(lines).toContainEqual(expect.objectContaining({ level: 'warn', text: 'Gateway failed to start: token *** is not valid' }));
    expect(JSON.stringify(lines)).not.toContain(secret);
    expect(readFileSync(desktopLogFile(t.stateDir), 'utf8')).not.toContain(secret);
    expect(JSON.stringify(core.getState())).not.toContain(secret);
  });
});
