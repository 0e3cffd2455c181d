// WebChat-style chat timing: a GatewayClient (client "webchat") sends chat.send and notes when the
// first `delta` of that run arrives, on the wall clock the model server also prints its first token on.

import { randomUUID } from 'node:crypto';
import type { GatewayClient } from '../../src/client/gateway-client';
import { createNodeGatewayClient, streamWebSocketFactory } from '../../src/client/node';
import { wallMs } from './stats';
import type { Endpoint } from './ws-measure';

export async function webchatClient(endpoint: Endpoint, token: string): Promise<GatewayClient> {
  const client = createNodeGatewayClient({
    url: typeof endpoint === 'string' ? endpoint : endpoint.url,
    ...(typeof endpoint === 'string' ? {} : { createWebSocket: streamWebSocketFactory(endpoint.openStream) }),
    token,
    clientId: 'webchat',
    clientMode: 'webchat',
    connectTimeoutMs: 10_000,
    requestTimeoutMs: 30_000,
  });
  await client.connect();
  return client;
}

export interface ChatTiming {
  /** Wall clock of the first delta. */
  firstDeltaAt: number;
  /** Wall clock of the final event. */
  finalAt: number;
  sentAt: number;
}

/** One chat message; resolves once its final event arrived. */
export function chatOnce(client: GatewayClient, sessionKey: string, text: string, timeoutMs = 30_000): Promise<ChatTiming> {
  const runId = randomUUID();
  return new Promise((resolve, reject) => {
    let firstDeltaAt = 0;
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no final reply within ${timeoutMs} ms`));
    }, timeoutMs);
    const off = client.onEvent('chat', (payload) => {
      const p = payload as { runId?: string; state?: string; errorMessage?: string };
      if (p.runId !== runId) return;
      if (p.state === 'delta' && firstDeltaAt === 0) firstDeltaAt = wallMs();
      if (p.state === 'final' || p.state === 'error' || p.state === 'aborted') {
        clearTimeout(timer);
        off();
        if (p.state !== 'final') reject(new Error(`chat ended ${p.state}: ${p.errorMessage ?? ''}`));
        else resolve({ firstDeltaAt: firstDeltaAt || wallMs(), finalAt: wallMs(), sentAt });
      }
    });
    const sentAt = wallMs();
    client.request('chat.send', { sessionKey, message: text, idempotencyKey: runId }).catch((err: unknown) => {
      clearTimeout(timer);
      off();
      reject(err instanceof Error ? err : new Error(String(err)));
    });
  });
}
