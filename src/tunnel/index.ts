// What the desktop core and the CLI use from src/tunnel. ssh2 itself loads on the first connection.
//
//   const tunnel = new Tunnel({
//     target: () => resolveTarget(settings.remote.target, { overrides }),   // re-resolved on start()
//     remotePort: 18789, localPort: null ?? undefined, forwards: settings.remote.forwards,
//     prompt: askUserAboutHostKey, auth: { passphrase, keyboardInteractive },
//     healthProbe: (url, signal) => gatewayHealth(url, signal), startGateway: settings.remote.startGatewayIfDown,
//   });
//   tunnel.on('state', render); tunnel.on('forward', render); tunnel.on('hostKey', remember);
//   await tunnel.start();   // binds the listener (PortInUse rejects), then connects in the background
//   tunnel.kick();          // wake, unlock, network change, "Reconnect now" (also retries from failed)
//   await tunnel.stop();
export { Tunnel, type TunnelOptions } from './supervisor';
export { describeState, type TunnelState, type TunnelStateName } from './tunnel-state';
export { testRemote, type TestRemoteOptions } from './test-remote';
export { SshSession, type ExecResult, type SessionConnectOptions } from './session';
export { remoteGatewayCommand } from './remote-gateway';
export type { AuthCallbacks, KeyboardInteractiveRequest, PassphraseRequest } from './auth-sources';
export type { BackoffOptions } from './backoff';
export type { HostVerifierFactory } from './hop-connect';
export { resolveTarget, describeTarget, type ResolveTargetOptions } from './ssh-config';
export { createHostVerifier, replaceHostKey } from './known-hosts';
export type { HostKeyPromptFn, HostKeyVerdict, ResolvedTarget, SshHop, StrictHostKeyChecking } from './types';
