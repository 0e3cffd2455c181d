// "Test remote": connects once, layer by layer (name resolution, TCP, SSH handshake, host key, SSH login,
// the forward to the gateway port), and stops at the first failure with its cause in one sentence.
// The gateway layers (reachable, auth, health) belong to the caller, which may run them through a
// temporary local forward on the same session.

import type { TestRemoteLayer } from '../shared/desktop-api';
import { ClawdbotError } from '../shared/errors';
import { bridge, refuse } from './bridge';
import { ForwardListener } from './forward-listener';
import { hopName } from './hop-connect';
import { SshSession, type ConnectStage, type SessionConnectOptions } from './session';
import type { ResolvedTarget, SshHop } from './types';

type SshLayer = 'dns' | 'tcp' | 'ssh-handshake' | 'host-key' | 'ssh-auth' | 'tunnel';

const LAYERS: { layer: SshLayer; label: string }[] = [
  { layer: 'dns', label: 'Name resolution' },
  { layer: 'tcp', label: 'TCP connection' },
  { layer: 'ssh-handshake', label: 'SSH handshake' },
  { layer: 'host-key', label: 'Host key' },
  { layer: 'ssh-auth', label: 'SSH login' },
  { layer: 'tunnel', label: 'Forward to the gateway port' },
];

export interface TestRemoteOptions extends Omit<SessionConnectOptions, 'onStage' | 'signal'> {
  remotePort: number;
  remoteHost?: string;
  /** Runs while a temporary local forward to the gateway port is open; its layers are appended. */
  gatewayLayers?: (url: string) => Promise<TestRemoteLayer[]>;
}

function passMessage(layer: SshLayer, hops: SshHop[], fingerprint: string | undefined, dest: string): string {
  const last = hops[hops.length - 1] as SshHop;
  const via = hops.length > 1 ? ` (via ${hops.slice(0, -1).map((h) => h.alias).join(', ')})` : '';
  switch (layer) {
    case 'dns':
      return `${last.hostName} resolves${via}`;
    case 'tcp':
      return `${last.hostName}:${last.port} accepts connections${via}`;
    case 'ssh-handshake':
      return `${last.hostName}:${last.port} speaks SSH`;
    case 'host-key':
      return `the host key matches known_hosts (${fingerprint ?? 'accepted'})`;
    case 'ssh-auth':
      return `logged in as ${last.user}`;
    case 'tunnel':
      return `${dest} on ${last.hostName} accepts connections`;
  }
}

export async function testRemote(target: ResolvedTarget, options: TestRemoteOptions): Promise<TestRemoteLayer[]> {
  const hops = [...target.jumps, target];
  const reached: Set<ConnectStage>[] = hops.map(() => new Set());
  const stageTimes = new Map<string, number>();
  const started = Date.now();
  const dest = `${options.remoteHost ?? '127.0.0.1'}:${options.remotePort}`;
  const layers: TestRemoteLayer[] = [];
  let session: SshSession | undefined;
  let failure: ClawdbotError | undefined;
  const { remotePort, remoteHost, gatewayLayers, ...connectOptions } = options;

  try {
    session = await SshSession.connect(target, {
      ...connectOptions,
      onStage: (stage, index) => {
        reached[index]?.add(stage);
        stageTimes.set(stage, Date.now());
      },
    });
  } catch (err) {
    failure = err instanceof ClawdbotError ? err : new ClawdbotError('Internal', String(err), 'Copy the diagnostics and report it.');
  }
  if (session) {
    try {
      (await session.forwardOut(remoteHost ?? '127.0.0.1', remotePort)).destroy();
      stageTimes.set('tunnel', Date.now());
    } catch (err) {
      failure = err instanceof ClawdbotError ? err : new ClawdbotError('Internal', String(err), 'Copy the diagnostics and report it.');
    }
  }
  // Hops connect in order: the failing one is the first that did not log in.
  const failingHop = Math.max(0, reached.findIndex((r) => !r.has('ssh-auth')));
  const failingStages = reached[failingHop] ?? new Set<ConnectStage>();
  // A jump hop is reached through the previous hop's channel: only a name the jump host cannot resolve is a DNS failure.
  if (failingHop > 0 && failingStages.size === 0 && failure?.errorClass !== 'DnsFailed') failingStages.add('dns');

  const fingerprint = session?.verdicts[hops.length - 1]?.fingerprint;
  let previous = started;
  let failed = false;
  for (const { layer, label } of LAYERS) {
    if (failed) {
      layers.push({ layer, label, status: 'skipped', message: 'not tried: an earlier layer failed' });
      continue;
    }
    const done = layer === 'tunnel' ? stageTimes.has('tunnel') : session !== undefined || failingStages.has(layer);
    const at = stageTimes.get(layer) ?? Date.now();
    if (done) {
      layers.push({ layer, label, status: 'pass', message: passMessage(layer, hops, fingerprint, dest), durationMs: Math.max(0, at - previous) });
      previous = at;
    } else {
      failed = true;
      const hop = hops[failingHop] as SshHop;
      const message = failure?.message ?? `${label} failed for ${hopName(hop)}`;
      layers.push({ layer, label, status: 'fail', message, ...(failure ? { hint: failure.hint } : {}), durationMs: Math.max(0, Date.now() - previous) });
    }
  }

  if (session && !failed && gatewayLayers) layers.push(...(await runThroughForward(session, remoteHost ?? '127.0.0.1', remotePort, gatewayLayers)));
  session?.close();
  return layers;
}

async function runThroughForward(session: SshSession, host: string, port: number, run: (url: string) => Promise<TestRemoteLayer[]>): Promise<TestRemoteLayer[]> {
  const listener = new ForwardListener({
    port: 0,
    onConnection: (socket) => {
      session.forwardOut(host, port).then((channel) => bridge(socket, channel), () => refuse(socket));
    },
  });
  const localPort = await listener.listen();
  try {
    return await run(`ws://127.0.0.1:${localPort}`);
  } finally {
    await listener.close();
  }
}
