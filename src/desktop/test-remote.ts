// Test remote: the SSH layers from the engine (name resolution, TCP, handshake, host key, auth, the
// forward), then the gateway layers through a temporary forward: reachable, auth, health. Each layer
// passes or fails with one sentence; after the first failure the rest are skipped.

import type { TestRemoteLayer } from '../shared/desktop-api';
import type { ProbeGateway } from './gateway-session';
import type { RemoteEngine, RemoteLinkEvents, RemoteLinkOptions } from './remote-link';

const GATEWAY_LAYERS: { layer: TestRemoteLayer['layer']; label: string }[] = [
  { layer: 'gateway-reachable', label: 'Gateway reachable' },
  { layer: 'gateway-auth', label: 'Gateway auth' },
  { layer: 'gateway-health', label: 'Gateway health' },
];

export interface TestRemoteInput {
  remote: RemoteEngine;
  options: RemoteLinkOptions;
  events: RemoteLinkEvents;
  probe: ProbeGateway;
  token: string | null;
  password: string | null;
  now: () => number;
}

function skipped(from: number): TestRemoteLayer[] {
  return GATEWAY_LAYERS.slice(from).map((l) => ({ ...l, status: 'skipped', message: 'Skipped after an earlier failure.' }));
}

export async function runTestRemote(input: TestRemoteInput): Promise<TestRemoteLayer[]> {
  const { layers, forward } = await input.remote.testSsh(input.options, input.events);
  if (!forward) return [...layers, ...skipped(0)];
  const started = input.now();
  try {
    const result = await input.probe({ url: forward.url, ...(input.token ? { token: input.token } : {}), ...(input.password && !input.token ? { password: input.password } : {}) });
    const durationMs = input.now() - started;
    if (result.ok) {
      const version = result.hello.serverVersion ? ` (version ${result.hello.serverVersion})` : '';
      return [
        ...layers,
        { ...GATEWAY_LAYERS[0]!, status: 'pass', message: `A gateway answers on the remote port ${input.options.remotePort}${version}.`, durationMs },
        { ...GATEWAY_LAYERS[1]!, status: 'pass', message: 'The gateway accepted our credentials.' },
        { ...GATEWAY_LAYERS[2]!, status: 'pass', message: 'The gateway answered its health check.' },
      ];
    }
    const e = result.error;
    const failedAt = e.errorClass === 'AuthFailed' || e.errorClass === 'PairingRequired' ? 1 : e.errorClass === 'GatewayTimeout' && /health/.test(e.message) ? 2 : 0;
    const passed = GATEWAY_LAYERS.slice(0, failedAt).map((l): TestRemoteLayer => ({ ...l, status: 'pass', message: 'Passed.' }));
    return [...layers, ...passed, { ...GATEWAY_LAYERS[failedAt]!, status: 'fail', message: e.message, hint: e.hint, durationMs }, ...skipped(failedAt + 1)];
  } finally {
    await forward.close();
  }
}
