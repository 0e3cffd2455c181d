// The SSH layers of Test remote, driven by the tunnel engine's own stage reports: name resolution,
// TCP, SSH handshake, host key, SSH auth, then the forward to the remote gateway port. The first layer
// not reported as passed is the one that failed. On success a temporary loopback forward (an
// ephemeral port) is left open for the gateway layers.

import type { TestRemoteLayer } from '../shared/desktop-api';
import { toErrorInfo } from '../shared/errors';
import { bridge } from '../tunnel/bridge';
import { ForwardListener } from '../tunnel/forward-listener';
import { SshSession } from '../tunnel/session';
import type { RemoteLinkEvents, RemoteLinkOptions, TestForward } from './remote-link';
import { toHostKeyPrompt, trustingHostVerifier } from './host-key-trust';
import { KeyPassphraseAnswer } from './key-passphrase';
import { resolveRemoteTarget } from './remote-target';

const SSH_LAYERS: { layer: TestRemoteLayer['layer']; label: string; passMessage: string }[] = [
  { layer: 'dns', label: 'Name resolution', passMessage: 'The host name resolved.' },
  { layer: 'tcp', label: 'TCP', passMessage: 'The SSH port accepted a connection.' },
  { layer: 'ssh-handshake', label: 'SSH handshake', passMessage: 'The SSH server answered.' },
  { layer: 'host-key', label: 'Host key', passMessage: 'The host key is trusted.' },
  { layer: 'ssh-auth', label: 'SSH auth', passMessage: 'Logged in.' },
  { layer: 'tunnel', label: 'Tunnel', passMessage: 'The remote gateway port accepts forwarded connections.' },
];

function report(passedCount: number, failure: unknown, durationMs: number, passphrase?: KeyPassphraseAnswer): TestRemoteLayer[] {
  const error = failure === undefined ? null : toErrorInfo(failure);
  const info = error && passphrase ? passphrase.explain(error) : error;
  return SSH_LAYERS.map((l, i): TestRemoteLayer => {
    if (i < passedCount) return { layer: l.layer, label: l.label, status: 'pass', message: l.passMessage };
    if (i === passedCount && info) return { layer: l.layer, label: l.label, status: 'fail', message: info.message, hint: info.hint, durationMs };
    return { layer: l.layer, label: l.label, status: 'skipped', message: 'Skipped after an earlier failure.' };
  });
}

export async function runTunnelLayers(options: RemoteLinkOptions, events: RemoteLinkEvents): Promise<{ layers: TestRemoteLayer[]; forward: TestForward | null }> {
  const started = Date.now();
  let passed = 0;
  let target;
  try {
    target = await resolveRemoteTarget(options);
  } catch (err) {
    return { layers: report(0, err, Date.now() - started), forward: null };
  }
  const finalHop = target.jumps.length;
  const passphrase = new KeyPassphraseAnswer(options.identityFile, options.env, options.keyPassphrase);
  let session: SshSession;
  try {
    session = await SshSession.connect(target, {
      createHostVerifier: trustingHostVerifier(() => events.log('info', 'the new host key was trusted; run Test remote again')),
      prompt: (p) => events.askHostKey(toHostKeyPrompt(p)),
      auth: passphrase.callbacks,
      env: options.env as NodeJS.ProcessEnv,
      onStage: (stage, hopIndex) => {
        // With ProxyJump, a layer passes when the target itself (the last hop) passed it.
        if (hopIndex !== finalHop && stage !== 'dns' && stage !== 'tcp') return;
        const index = SSH_LAYERS.findIndex((l) => l.layer === stage);
        if (index >= 0) passed = Math.max(passed, index + 1);
      },
    });
  } catch (err) {
    return { layers: report(passed, err, Date.now() - started, passphrase), forward: null };
  }
  try {
    const probe = await session.forwardOut('127.0.0.1', options.remotePort);
    probe.destroy();
  } catch (err) {
    session.close();
    return { layers: report(5, err, Date.now() - started), forward: null };
  }
  const listener = new ForwardListener({
    port: 0,
    onConnection: (socket) => {
      session.forwardOut('127.0.0.1', options.remotePort).then((channel) => bridge(socket, channel), () => socket.destroy());
    },
  });
  const port = await listener.listen();
  return {
    layers: report(SSH_LAYERS.length, undefined, Date.now() - started),
    forward: {
      url: `ws://127.0.0.1:${port}`,
      async close() {
        await listener.close();
        session.close();
      },
    },
  };
}
