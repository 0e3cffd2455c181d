import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', async () => (await import('./electron-mock')).electron);

import { createUtilityGatewaySpawner } from '../../src/main/gateway-spawner';
import { FakeUtilityProcess, electron, resetElectronMock } from './electron-mock';

beforeEach(() => resetElectronMock());

describe('utilityProcess gateway spawner', () => {
  it('forks the built CLI with the gateway args and env, piping its output', () => {
    const spawn = createUtilityGatewaySpawner('/app/dist/cli/clawdbot.js');
    const env = { HOME: '/home/a', CLAWDBOT_GATEWAY_PORT: '19001' };
    spawn(['gateway', 'run', '--port', '19001'], env);
    expect(electron.utilityProcess.fork).toHaveBeenCalledWith('/app/dist/cli/clawdbot.js', ['gateway', 'run', '--port', '19001'], {
      env,
      stdio: 'pipe',
      serviceName: 'Clawdbot Gateway',
    });
  });

  it('reports output line by line, and the exit once', async () => {
    const child = new FakeUtilityProcess();
    const spawned = createUtilityGatewaySpawner('/cli.js', () => child as never)(['gateway', 'run'], {});
    const lines: [string, string][] = [];
    spawned.onOutput((line, stream) => lines.push([line, stream]));
    child.stdout.write('listening on ws://127.0.0.1:');
    child.stdout.write('19001\r\nready\n');
    child.stderr.write('warn: x\n');
    await vi.waitFor(() => expect(lines).toHaveLength(3));
    expect(lines).toEqual([['listening on ws://127.0.0.1:19001', 'stdout'], ['ready', 'stdout'], ['warn: x', 'stderr']]);
    expect(spawned.pid).toBe(4242);

    const exits: unknown[] = [];
    spawned.onExit((code, signal) => exits.push([code, signal]));
    child.emit('exit', 3);
    spawned.onExit((code, signal) => exits.push(['late', code, signal])); // after the fact: told at once
    expect(exits).toEqual([[3, null], ['late', 3, null]]);
    spawned.kill();
    expect(child.kill).not.toHaveBeenCalled(); // already gone
  });

  it('kill() stops it; a harder signal goes through the pid', () => {
    const child = new FakeUtilityProcess();
    const spawned = createUtilityGatewaySpawner('/cli.js', () => child as never)([], {});
    spawned.kill();
    expect(child.kill).toHaveBeenCalledTimes(1);
    const killSpy = vi.spyOn(process, 'kill').mockImplementation(() => true);
    spawned.kill('SIGKILL');
    expect(killSpy).toHaveBeenCalledWith(4242, 'SIGKILL');
    killSpy.mockRestore();
  });

  it('reads the pid when asked (a utility process has none until it spawned)', () => {
    const child = new FakeUtilityProcess();
    child.pid = undefined;
    const spawned = createUtilityGatewaySpawner('/cli.js', () => child as never)([], {});
    expect(spawned.pid).toBeUndefined();
    child.pid = 99;
    expect(spawned.pid).toBe(99);
  });
});
