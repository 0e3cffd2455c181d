// The GatewaySpawner port in Electron: `clawdbot gateway run …` in a utilityProcess (the runAsNode fuse
// is off, so the app binary cannot be used as plain node), with its stdout/stderr captured line by line.

import { utilityProcess } from 'electron';
import { createInterface } from 'node:readline';
import type { GatewaySpawner, SpawnedGateway } from '../desktop/ports';

export function createUtilityGatewaySpawner(cliEntry: string, fork: typeof utilityProcess.fork = utilityProcess.fork): GatewaySpawner {
  return (args, env) => {
    const child = fork(cliEntry, args, { env, stdio: 'pipe', serviceName: 'Clawdbot Gateway' });
    const outputListeners: ((line: string, stream: 'stdout' | 'stderr') => void)[] = [];
    const exitListeners: ((code: number | null, signal: string | null) => void)[] = [];
    let exitCode: number | null | undefined;

    for (const stream of ['stdout', 'stderr'] as const) {
      const source = child[stream];
      if (!source) continue;
      createInterface({ input: source, crlfDelay: Infinity }).on('line', (line) => {
        for (const listener of outputListeners) listener(line, stream);
      });
    }
    child.on('exit', (code) => {
      exitCode = code;
      for (const listener of exitListeners) listener(code, null);
    });

    const spawned: SpawnedGateway = {
      get pid() {
        return child.pid;
      },
      onOutput: (listener) => void outputListeners.push(listener),
      onExit(listener) {
        if (exitCode !== undefined) listener(exitCode, null);
        else exitListeners.push(listener);
      },
      kill(signal) {
        if (exitCode !== undefined) return;
        // UtilityProcess.kill() only sends SIGTERM; a harder stop goes through the pid.
        if (signal && signal !== 'SIGTERM' && child.pid !== undefined) process.kill(child.pid, signal);
        else child.kill();
      },
    };
    return spawned;
  };
}
