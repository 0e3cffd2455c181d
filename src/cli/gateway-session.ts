// One CLI conversation with the gateway: connect as client `cli` (with the device identity under
// ~/.clawdbot/identity, as the reference CLI does), run the work, close cleanly. The whole thing
// shares one time budget, like the reference's callGateway ("gateway timeout after <ms>ms").

import { DEFAULT_OPERATOR_SCOPES, type GatewayClient } from '../client/gateway-client';
import { gatewayTimeout } from '../client/errors';
import { createNodeGatewayClient } from '../client/node';
import type { ClientTarget } from '../config/client-target';
import { resolveIdentityDir } from '../config/paths';
import { SCOPES, type HelloOk } from '../shared/protocol/frames';
import { VERSION } from '../shared/version';

export interface GatewaySessionOptions {
  target: ClientTarget;
  /** Budget for connect plus the work; 0 = none (interactive chat). */
  timeoutMs: number;
  /** `probe` connects as the reference's probes do: mode probe, admin scope only. */
  mode?: 'cli' | 'probe';
  /** Print the client's "gateway connect failed: …" line (the reference's client logger does). */
  quiet?: boolean;
}

export async function withGateway<T>(options: GatewaySessionOptions, work: (client: GatewayClient, hello: HelloOk) => Promise<T>): Promise<T> {
  const { target, timeoutMs } = options;
  const probe = options.mode === 'probe';
  const client = createNodeGatewayClient({
    url: target.url,
    token: target.token,
    password: target.password,
    clientId: 'cli',
    clientMode: probe ? 'probe' : 'cli',
    clientVersion: VERSION,
    scopes: probe ? [SCOPES.admin] : DEFAULT_OPERATOR_SCOPES,
    identityDir: resolveIdentityDir(),
    // The overall budget below decides; the client's own limits only back it up.
    connectTimeoutMs: timeoutMs > 0 ? timeoutMs + 1000 : 10_000,
    requestTimeoutMs: 0,
  });
  if (!options.quiet) {
    client.on('connectError', (err) => process.stderr.write(`gateway connect failed: Error: ${err.serverError?.message ?? err.message}\n`));
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  const budget = timeoutMs > 0
    ? new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(gatewayTimeout(timeoutMs)), timeoutMs);
    })
    : undefined;
  const job = (async () => work(client, await client.connect()))();
  try {
    return await (budget ? Promise.race([job, budget]) : job);
  } finally {
    clearTimeout(timer);
    job.catch(() => undefined); // settled by close() below when the budget won
    await client.close();
  }
}
