// The remote gateway (behind the tunnel, in a network namespace) restarted 20 times with SIGTERM while
// a reply streams, and a message sent each time while it is down. The brain reconnects and re-sends;
// every message reaches the gateway once, and every reply ends (final, or aborted by the shutdown).
import { afterAll, describe, expect, it } from 'vitest';
import { isHealthy, waitForState, waitUntil } from '../desktop/helpers';
import { rootSuiteUnavailable } from '../support/sshd';
import { ChatLedger, printCounts } from './support/chat-ledger';
import { remoteCore, type RemoteCore } from './support/remote-core';
import { modelRequests, remoteGatewayUp, type RemoteGatewayHost } from './support/remote-gateway';

const unavailable = rootSuiteUnavailable();
const RESTARTS = 20;

describe.skipIf(unavailable !== null)(`remote gateway restarts${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
  let remote: RemoteGatewayHost | undefined;
  let rc: RemoteCore | undefined;
  afterAll(async () => {
    await rc?.shutdown();
    await remote?.down();
  });

  it(`the remote gateway restarted ${RESTARTS} times: nothing lost or duplicated`, async () => {
    remote = await remoteGatewayUp({ pieces: 8, pieceDelayMs: 40 });
    rc = await remoteCore(remote);
    const { core } = rc;
    const ledger = new ChatLedger(core, 'restart');
    const pids = new Set([remote.gatewayPid()]);
    for (let i = 0; i < RESTARTS; i++) {
      const streaming = await ledger.send('restarts');
      await waitUntil(() => ledger.replyStatus(streaming) !== undefined, 'the reply streaming', 30_000);
      let whileDown = '';
      await remote.restartGateway(async () => {
        whileDown = await ledger.send('restarts');
      });
      pids.add(remote.gatewayPid());
      await waitUntil(() => ledger.ended(whileDown) && ledger.ended(streaming), 'both replies ended', 60_000);
    }
    await waitForState(core, isHealthy, 'healthy at the end', 30_000);
    await ledger.settle(30_000);
    const counts = await ledger.count(modelRequests(remote.model));
    printCounts(`remote gateway restarted ${pids.size - 1} times`, counts);
    expect(pids.size).toBe(RESTARTS + 1);
    expect(counts.sent).toBe(2 * RESTARTS);
    expect(counts.lost).toBe(0);
    expect(counts.duplicated).toBe(0);
    expect(counts.duplicateRuns).toBe(0);
    expect(counts.delivered).toBe(counts.sent);
    expect(counts.repliesUnfinished).toBe(0);
    expect(counts.repliesError).toBe(0);
  });
});
