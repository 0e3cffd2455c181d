// 100 link flaps while chats stream through the desktop brain in remote mode (the remote host is a
// network namespace; its link is taken down on the host side: silent loss, no RST). Every fifth flap
// outlasts the SSH keepalive, so the tunnel reconnects; the others are short enough for TCP to carry
// on. Three chats stream all along, one message in flight each. Nothing may be lost or duplicated.
// Counts only, never wall time.
import { afterAll, describe, expect, it } from 'vitest';
import { isHealthy, waitForState, waitUntil } from '../desktop/helpers';
import { rootSuiteUnavailable } from '../support/sshd';
import { ChatLedger, printCounts } from './support/chat-ledger';
import { remoteCore, type RemoteCore } from './support/remote-core';
import { modelRequests, remoteGatewayUp, type RemoteGatewayHost } from './support/remote-gateway';

const unavailable = rootSuiteUnavailable();
// CLAWDBOT_FAULTS_FLAPS=N runs fewer flaps while working on this file; CI runs the full 100.
const FLAPS = Number(process.env.CLAWDBOT_FAULTS_FLAPS ?? 100);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe.skipIf(unavailable !== null)(`link flaps${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
  let remote: RemoteGatewayHost | undefined;
  let rc: RemoteCore | undefined;
  afterAll(async () => {
    await rc?.shutdown();
    await remote?.down();
  });

  it(`${FLAPS} link flaps while chats stream: every message delivered once`, async () => {
    remote = await remoteGatewayUp({ pieces: 8, pieceDelayMs: 40 });
    rc = await remoteCore(remote);
    const { core } = rc;
    const ledger = new ChatLedger(core, 'flap');
    let reconnects = 0;
    let wasReady = true;
    core.on('state', (s) => {
      const ready = s.remote?.tunnelState === 'ready';
      if (wasReady && !ready) reconnects++;
      wasReady = ready;
    });

    let flap = 0;
    let flapping = true;
    // Three chats at once, each sending its next message as soon as the previous reply has ended.
    const chat = async (lane: number): Promise<void> => {
      while (flapping) {
        const id = await ledger.send(`flaps-${lane}-${Math.floor(flap / 10)}`);
        while (flapping && !ledger.ended(id)) await sleep(20);
      }
    };
    const sender = Promise.all([0, 1, 2].map(chat));
    for (; flap < FLAPS; flap++) {
      // Flap while a reply is streaming; after a long flap, once the brain is back.
      await waitUntil(() => [...ledger.seen.values()].some((m) => m.status === 'streaming'), 'a reply streaming', 30_000);
      const long = flap % 5 === 4;
      remote.host.linkDown();
      await sleep(long ? 2500 : 100 + (flap % 4) * 150);
      remote.host.linkUp();
      if (long) await waitForState(core, isHealthy, 'healthy after a long flap', 30_000);
      else await sleep(300);
    }
    flapping = false;
    await sender;
    await ledger.settle(90_000);
    const counts = await ledger.count(modelRequests(remote.model));
    printCounts(`${FLAPS} link flaps`, counts, { 'tunnel reconnects': reconnects });
    expect(counts.sent).toBeGreaterThanOrEqual(FLAPS / 4);
    expect(counts.lost).toBe(0);
    expect(counts.duplicated).toBe(0);
    expect(counts.duplicateRuns).toBe(0);
    expect(counts.delivered).toBe(counts.sent);
    expect(counts.repliesFinal).toBe(counts.sent);
    expect(reconnects).toBeGreaterThanOrEqual(FLAPS / 10);
  });
});
