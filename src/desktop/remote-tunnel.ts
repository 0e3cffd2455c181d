// The RemoteEngine over the tunnel engine (src/tunnel): target resolution (ssh -G / ssh_config),
// known_hosts checking with the app's host-key prompt, and the Tunnel supervisor whose local listener
// keeps the same port across reconnects. Tunnel states become DesktopState.remote.

import type { Duplex } from 'node:stream';
import type { RemoteInfo, SshTargetPreview } from '../shared/desktop-api';
import type { ErrorInfo } from '../shared/errors';
import { ClawdbotError, isRetryable } from '../shared/errors';
import { describeTarget, resolveTarget } from '../tunnel/ssh-config';
import { Tunnel } from '../tunnel/supervisor';
import type { TunnelState } from '../tunnel/tunnel-state';
import type { RemoteEngine, RemoteLink, RemoteLinkEvents, RemoteLinkOptions } from './remote-link';
import { toHostKeyPrompt, trustingHostVerifier } from './host-key-trust';
import { identityFileProblem } from './identity-file-check';
import { KeyPassphraseAnswer } from './key-passphrase';
import { resolveRemoteTarget } from './remote-target';
import { describeResolvedTarget } from './ssh-description';
import { runTunnelLayers } from './tunnel-layers';

function errorOf(s: TunnelState): ErrorInfo | null {
  if (s.state === 'gateway-down' || s.state === 'failed') return { errorClass: s.errorClass, message: s.reason, hint: s.hint, retryable: isRetryable(s.errorClass) };
  if (s.state === 'reconnecting') return { errorClass: s.errorClass, message: s.reason, hint: 'The tunnel reconnects by itself; Reconnect now tries at once.', retryable: true };
  return null;
}

class TunnelLink implements RemoteLink {
  private readonly tunnel: Tunnel;
  private readonly passphrase: KeyPassphraseAnswer;
  private description: string;
  /** Set when the user trusted a changed host key: the failure that follows is retried at once. */
  private keyReplaced = false;

  constructor(
    private readonly options: RemoteLinkOptions,
    private readonly events: RemoteLinkEvents,
  ) {
    this.description = options.target;
    this.passphrase = new KeyPassphraseAnswer(options.identityFile, options.env, options.keyPassphrase);
    this.tunnel = new Tunnel({
      target: async () => {
        const resolved = await resolveRemoteTarget(options);
        this.description = describeTarget(resolved, options.env.HOME);
        return resolved;
      },
      remotePort: options.remotePort,
      localPort: options.localPort,
      forwards: options.forwards,
      createHostVerifier: trustingHostVerifier(() => {
        this.keyReplaced = true;
      }),
      prompt: async (p) => events.askHostKey(toHostKeyPrompt(p)),
      auth: this.passphrase.callbacks,
      startGateway: options.startGatewayIfDown,
      backoff: options.retry,
      env: options.env as NodeJS.ProcessEnv,
      log: (line) => events.log('info', `tunnel: ${line}`),
    });
    this.tunnel.on('state', (s) => {
      events.onInfo(this.info(), this.errorOf(s));
      if (s.state === 'failed' && this.keyReplaced) {
        this.keyReplaced = false;
        events.log('info', 'the new host key was trusted; reconnecting');
        this.tunnel.kick();
      }
    });
    this.tunnel.on('forward', () => events.onInfo(this.info(), this.errorOf(this.tunnel.state)));
    this.tunnel.on('hostKey', () => events.onInfo(this.info(), this.errorOf(this.tunnel.state)));
  }

  private errorOf(s: TunnelState): ErrorInfo | null {
    const error = errorOf(s);
    return error && this.passphrase.explain(error);
  }

  get localPort(): number {
    return this.tunnel.localPort || this.options.localPort;
  }

  async start(): Promise<void> {
    try {
      await this.tunnel.start();
    } catch (err) {
      // The engine's hint names the CLI's --local-port; in the app the port is a setting.
      if (!(err instanceof ClawdbotError) || err.errorClass !== 'PortInUse') throw err;
      const port = this.options.localPort;
      throw new ClawdbotError('PortInUse', err.message, `Stop the program using 127.0.0.1:${port} (it may be a gateway or another tunnel), or choose another local port for the tunnel in Settings.`, { cause: err, ...(err.details ? { details: err.details } : {}) });
    }
  }

  kick(): void {
    this.tunnel.kick();
  }

  openStream(): Promise<Duplex> {
    return this.tunnel.openStream();
  }

  stop(): Promise<void> {
    return this.tunnel.stop();
  }

  info(): RemoteInfo {
    const s = this.tunnel.state;
    const info: RemoteInfo = {
      target: this.options.target,
      resolvedDescription: this.description,
      tunnelState: s.state,
      localPort: this.localPort,
      remotePort: this.options.remotePort,
      forwards: this.tunnel.forwards,
    };
    if (s.state === 'connecting' || s.state === 'reconnecting') info.attempt = s.attempt;
    if (s.state === 'reconnecting') info.nextRetryInMs = s.nextInMs;
    const fingerprint = this.tunnel.hostKeyFingerprint;
    if (fingerprint) info.hostKeyFingerprint = fingerprint;
    return info;
  }

  async exec(command: string, timeoutMs = 15_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const r = await this.tunnel.exec(command, { timeoutMs });
    return { code: r.code, stdout: r.stdout, stderr: r.stderr };
  }

  describe(): Record<string, unknown> {
    const t = this.tunnel.resolvedTarget;
    return t ? describeResolvedTarget(t) : { target: this.options.target };
  }
}

export const tunnelRemoteEngine: RemoteEngine = {
  create: (options, events) => new TunnelLink(options, events),
  async preview(target, env, identityFile): Promise<SshTargetPreview> {
    if (!target.trim()) return { ok: false, description: 'Enter an SSH alias or user@host[:port].', error: 'empty target' };
    try {
      const key = identityFile?.trim();
      const r = await resolveTarget(target, { env: env as NodeJS.ProcessEnv, ...(key ? { overrides: { identityFile: key } } : {}) });
      // The override comes first in the resolved list, expanded as the tunnel will read it.
      const problem = key ? await identityFileProblem(r.identityFiles[0] as string) : null;
      if (problem) return { ok: false, description: problem, error: problem };
      return { ok: true, description: describeTarget(r, env.HOME), user: r.user, host: r.hostName, port: r.port, identityFiles: r.identityFiles, proxyJump: r.jumps.map((j) => j.alias) };
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      return { ok: false, description: message, error: message };
    }
  },
  testSsh: runTunnelLayers,
};
