// The "remote host" of the fault suite: a network namespace (test/support/sshd.ts) running Debian's
// sshd, a model server and a real gateway on the namespace's own loopback, reachable only over SSH.
// The gateway can be restarted on the same port and the namespace's link flapped.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, REPO_ROOT, gatewayEnv } from '../../support/gateway';
import { clientKey, remoteHostUp, until, type KeyFiles, type RemoteHost, type TrackedProcess } from '../../support/sshd';

const MODEL_SERVER = join(REPO_ROOT, 'bench', 'lib', 'model-server.mjs');

export function modelConfig(baseUrl: string): Record<string, unknown> {
  return {
    models: { providers: { mock: { baseUrl, apiKey: 'test-key', api: 'openai-completions', models: [{ id: 'mock-1', name: 'Mock' }] } } },
    agents: { defaults: { model: { primary: 'mock/mock-1' } } },
  };
}

/** The texts the model server was asked to answer, one entry per model run. */
export function modelRequests(model: TrackedProcess): string[] {
  return [...model.output().matchAll(/^request (.*)$/gm)].map((m) => JSON.parse(m[1] as string) as string);
}

export interface RemoteGatewayHost {
  host: RemoteHost;
  key: KeyFiles;
  token: string;
  /** The gateway port on the namespace's loopback. */
  port: number;
  gatewayPid(): number;
  model: TrackedProcess;
  /** SIGTERM (a clean shutdown), `whileDown`, then a new gateway on the same port and state dir. */
  restartGateway(whileDown?: () => Promise<unknown> | void): Promise<void>;
  down(): Promise<void>;
}

export async function remoteGatewayUp(options: { pieces?: number; pieceDelayMs?: number } = {}): Promise<RemoteGatewayHost> {
  const dir = mkdtempSync(join(tmpdir(), 'cbt-faults-'));
  const key = clientKey(dir);
  const host = await remoteHostUp({ authorizedKeys: [key.publicKey] });
  try {
    const model = host.spawn(process.execPath, [MODEL_SERVER, String(options.pieces ?? 8), String(options.pieceDelayMs ?? 30)]);
    await until(() => /model listening on \d+/.test(model.output()), 'the model server in the namespace');
    const modelPort = Number(/model listening on (\d+)/.exec(model.output())?.[1]);
    const token = 'faults-remote-gateway-token';
    const home = join(dir, 'home');
    const stateDir = join(dir, 'state');
    mkdirSync(home, { recursive: true });
    mkdirSync(stateDir, { recursive: true });
    const configPath = join(stateDir, 'clawdbot.json');
    writeFileSync(configPath, JSON.stringify({ gateway: { mode: 'local', auth: { mode: 'token', token } }, ...modelConfig(`http://127.0.0.1:${modelPort}/v1`) }), { mode: 0o600 });
    const env = gatewayEnv(home, stateDir, configPath);
    const launch = async (port: number): Promise<{ proc: TrackedProcess; port: number }> => {
      const proc = host.spawn(process.execPath, [CLI, 'gateway', 'run', '--port', String(port)], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
      await until(() => /listening on ws:\/\/127\.0\.0\.1:\d+/.test(proc.output()) || proc.child.exitCode !== null, 'the gateway in the namespace', 20_000);
      const m = /listening on ws:\/\/127\.0\.0\.1:(\d+)/.exec(proc.output());
      if (!m) throw new Error(`the gateway did not start: ${proc.output()}`);
      return { proc, port: Number(m[1]) };
    };
    let gateway = await launch(0);
    const port = gateway.port;
    return {
      host,
      key,
      token,
      port,
      model,
      gatewayPid: () => gateway.proc.pid,
      restartGateway: async (whileDown) => {
        await gateway.proc.stop();
        await whileDown?.();
        gateway = await launch(port);
      },
      down: async () => {
        await host.down();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await host.down();
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}
