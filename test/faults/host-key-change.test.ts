// sshd restarted with a new host key: the brain refuses the host (a changed key is never accepted by
// itself), and nothing is sent to it: no credential after the host key check fails (sshd's own log
// shows no authentication attempt), and no chat message reaches the gateway.
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import type { DesktopState } from '../../src/shared/desktop-api';
import { waitForState, waitUntil } from '../desktop/helpers';
import { rootSuiteUnavailable } from '../support/sshd';
import { ChatLedger } from './support/chat-ledger';
import { remoteCore, type RemoteCore } from './support/remote-core';
import { modelRequests, remoteGatewayUp, type RemoteGatewayHost } from './support/remote-gateway';

const unavailable = rootSuiteUnavailable();
// What sshd (LogLevel VERBOSE) logs for any authentication attempt, accepted or not.
const AUTH_ATTEMPT = /publickey|password|keyboard-interactive|Accepted|Failed|Postponed|userauth/i;

describe.skipIf(unavailable !== null)(`host key change${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
  let remote: RemoteGatewayHost | undefined;
  let rc: RemoteCore | undefined;
  afterAll(async () => {
    await rc?.shutdown();
    await remote?.down();
  });

  it('sshd restarted with a new host key: refused, no credential sent, no message delivered', async () => {
    remote = await remoteGatewayUp({ pieces: 4, pieceDelayMs: 10 });
    rc = await remoteCore(remote);
    const { core, knownHosts } = rc;
    const ledger = new ChatLedger(core, 'hostkey');
    const first = await ledger.send('hostkey');
    await waitUntil(() => ledger.ended(first), 'the first reply');
    const knownHostsBefore = readFileSync(knownHosts, 'utf8');
    const runsBefore = modelRequests(remote.model).length;

    // The same log shows the attempts of the first, accepted connection: the pattern does match them.
    expect(remote.host.sshd.log()).toMatch(AUTH_ATTEMPT);
    await remote.host.restartSshd({ newHostKey: true });
    const logStart = remote.host.sshd.log().length;
    const refused = (s: DesktopState): boolean => s.phase === 'failed' || s.hostKeyPrompt !== null;
    let state = await waitForState(core, refused, 'the changed host key refused or asked about', 30_000);
    if (state.hostKeyPrompt) {
      // The warning's default is Cancel: the user does not accept the new key.
      expect(state.hostKeyPrompt.kind).toBe('changed');
      await core.call('answerHostKey', { id: state.hostKeyPrompt.id, accept: false });
      state = await waitForState(core, (s) => s.phase === 'failed', 'failed after the key was rejected', 30_000);
    }
    const whileRefused = await ledger.send('hostkey');
    await waitUntil(() => /Connection (closed|reset) by|Disconnected from/.test(remote?.host.sshd.log().slice(logStart) ?? ''), 'sshd to log the end of the refused connection');
    const sshdLog = remote.host.sshd.log().slice(logStart);
    const attempts = sshdLog.split('\n').filter((l) => AUTH_ATTEMPT.test(l));
    console.log(
      `[faults] host key changed: state ${state.phase} (${state.lastError?.errorClass}); sshd log lines after the restart ${sshdLog.split('\n').filter(Boolean).length}, ` +
        `authentication attempts ${attempts.length}; model runs after the change ${modelRequests(remote.model).length - runsBefore}; message sent while refused: ${ledger.seen.get(whileRefused)?.status}`,
    );
    expect(state.lastError?.errorClass).toBe('HostKeyChanged');
    expect(attempts).toEqual([]);
    expect(readFileSync(knownHosts, 'utf8')).toBe(knownHostsBefore);
    expect(modelRequests(remote.model).length).toBe(runsBefore);
    expect(ledger.seen.get(whileRefused)?.status).toBe('sending');
    expect(ledger.replyStatus(whileRefused)).toBeUndefined();
  });
});
