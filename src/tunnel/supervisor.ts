// The tunnel: local listeners that live as long as the tunnel, an SSH session that comes and goes, and
// the supervisor deciding what happens next. Retryable failures (DNS, TCP, timeout, reset) reconnect
// forever with capped backoff; the rest stop in `failed` with the reason. "SSH is up but nothing listens
// on the remote gateway port" is its own state, `gateway-down`.

import { EventEmitter } from 'node:events';
import type net from 'node:net';
import type { ClientChannel } from 'ssh2';
import type { ForwardState } from '../shared/desktop-api';
import { ClawdbotError, isRetryable } from '../shared/errors';
import type { ExtraForward } from '../shared/settings';
import type { AuthCallbacks } from './auth-sources';
import { Backoff, type BackoffOptions } from './backoff';
import { bridge, refuse } from './bridge';
import { ForwardListener } from './forward-listener';
import type { HostVerifierFactory } from './hop-connect';
import { remoteGatewayCommand } from './remote-gateway';
import { RetryPolicy } from './retry-policy';
import { SshSession, type ExecResult } from './session';
import { loadSsh2 } from './ssh2-loader';
import { trace } from './trace';
import { describeState, type TunnelState } from './tunnel-state';
import type { HostKeyPromptFn, HostKeyVerdict, ResolvedTarget, SshHop } from './types';
import { WaitingRoom } from './waiting-room';

export interface TunnelOptions {
  /** The resolved target, or a function resolving it (called on start() and on kick() from failed). */
  target: ResolvedTarget | (() => Promise<ResolvedTarget>);
  /** The gateway port on the remote host's loopback. */
  remotePort: number;
  /** Default 127.0.0.1 (the remote host's own loopback). */
  remoteHost?: string;
  /** Default: remotePort. 0 for an ephemeral port. */
  localPort?: number;
  /** Take an ephemeral port when localPort is busy, instead of failing with PortInUse. */
  allowEphemeralPort?: boolean;
  /** More local forwards over the same session, each with its own listener and state. */
  forwards?: ExtraForward[];
  /** Default: createHostVerifier from src/tunnel/known-hosts. */
  createHostVerifier?: HostVerifierFactory;
  /** Asked for an unknown host key under StrictHostKeyChecking=ask. */
  prompt?: HostKeyPromptFn;
  auth?: AuthCallbacks;
  /** Run once SSH is up and the port answers: e.g. a gateway `health` call to the URL. Throw to report it down. */
  healthProbe?: (url: string, signal: AbortSignal) => Promise<void>;
  healthTimeoutMs?: number;
  /** Start the remote gateway (detached) when its port is closed: true for `clawdbot gateway run`, or a command. */
  startGateway?: boolean | string;
  backoff?: BackoffOptions;
  /** How long a connection accepted during an outage waits for the session (default 5 s). */
  waitForSessionMs?: number;
  /** How long kick() waits for a reply before it declares a ready session dead (default 3 s). */
  livenessTimeoutMs?: number;
  env?: NodeJS.ProcessEnv;
  log?: (line: string) => void;
}

interface TunnelEvents {
  state: [state: TunnelState];
  forward: [forward: ForwardState];
  hostKey: [info: { hop: SshHop; verdict: HostKeyVerdict }];
}

interface ExtraListener {
  spec: ExtraForward;
  listener: ForwardListener;
  state: ForwardState;
  /** Spaces the retries of a port that was busy. */
  bindBackoff: Backoff;
  bindTimer?: NodeJS.Timeout;
  binding?: boolean;
}

const GATEWAY_PROBE_BACKOFF: BackoffOptions = { initialMs: 500, maxMs: 5000, jitter: 0.2 };
/** An extra forward whose local port is busy tries again: soon at first, then every 30 s at most. */
const FORWARD_BIND_BACKOFF: BackoffOptions = { initialMs: 1000, maxMs: 30_000, jitter: 0.2 };

export class Tunnel extends EventEmitter<TunnelEvents> {
  private current: TunnelState = { state: 'stopped' };
  private target: ResolvedTarget | undefined;
  private session: SshSession | undefined;
  private listener: ForwardListener | undefined;
  private readonly extras: ExtraListener[] = [];
  private readonly waitingRoom: WaitingRoom;
  private readonly retry: RetryPolicy;
  private readonly gatewayBackoff = new Backoff(GATEWAY_PROBE_BACKOFF);
  private attempt = 0;
  private attemptStartedAt = 0;
  private attemptAbort: AbortController | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private probeTimer: NodeJS.Timeout | undefined;
  private prompting = 0;
  private started = false;
  private gatewayStartTried = false;
  private readonly remoteHost: string;

  constructor(private readonly options: TunnelOptions) {
    super();
    this.remoteHost = options.remoteHost ?? '127.0.0.1';
    this.retry = new RetryPolicy(options.backoff ? { backoff: options.backoff } : {});
    this.waitingRoom = new WaitingRoom(options.waitForSessionMs ?? 5000);
  }

  get state(): TunnelState {
    return this.current;
  }

  /** The bound local port (0 until start() bound it). */
  get localPort(): number {
    return this.listener?.port ?? 0;
  }

  /** ws://127.0.0.1:PORT, stable across reconnects (null until start() bound it). */
  get url(): string | null {
    return this.localPort ? `ws://127.0.0.1:${this.localPort}` : null;
  }

  get resolvedTarget(): ResolvedTarget | undefined {
    return this.target;
  }

  /** The target's host key fingerprint, once it was checked. */
  get hostKeyFingerprint(): string | undefined {
    const verdicts = this.session?.verdicts;
    return verdicts?.[verdicts.length - 1]?.fingerprint;
  }

  get forwards(): ForwardState[] {
    return this.extras.map((e) => ({ ...e.state }));
  }

  /**
   * Binds the local listeners (rejecting with PortInUse when the main port is busy) and starts
   * connecting in the background; follow 'state' for the rest.
   */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    this.target = undefined; // resolve again on every start
    this.extras.length = 0;
    const remotePort = this.options.remotePort;
    this.listener = new ForwardListener({
      port: this.options.localPort ?? remotePort,
      allowEphemeral: this.options.allowEphemeralPort ?? false,
      onConnection: (socket) => this.accept(socket, { host: this.remoteHost, port: remotePort }),
    });
    try {
      await this.listener.listen();
      trace('listening');
    } catch (err) {
      this.listener = undefined;
      this.started = false;
      const error = err instanceof ClawdbotError ? err : new ClawdbotError('Internal', String(err), 'Copy the diagnostics and report it.');
      this.setState({ state: 'failed', errorClass: error.errorClass, reason: error.message, hint: error.hint });
      throw error;
    }
    for (const spec of this.options.forwards ?? []) await this.startExtra(spec);
    void this.connect(1);
  }

  /** Retry now (wake, network change, "Reconnect now"); from `ready`, check the session is still alive. */
  kick(): void {
    if (!this.started) return;
    for (const extra of this.extras) if (extra.state.state === 'failed') void this.bindExtra(extra);
    const s = this.current.state;
    if (s === 'ready' || s === 'gateway-down') {
      void this.checkLiveness();
      return;
    }
    if (this.prompting > 0) return; // the user is answering a host key or passphrase prompt
    if (s === 'failed') this.retry.reset();
    void this.connect(s === 'failed' ? 1 : this.attempt + 1, s === 'failed');
  }

  /** Closes the listeners, the forwarded connections and the session. */
  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    this.clearTimers();
    for (const e of this.extras) clearTimeout(e.bindTimer);
    this.attemptAbort?.abort();
    this.waitingRoom.closeAll();
    const session = this.session;
    this.session = undefined;
    session?.close();
    await Promise.all([this.listener?.close(), ...this.extras.map((e) => e.listener.close())]);
    for (const e of this.extras) this.setForward(e, { state: 'stopped' });
    this.setState({ state: 'stopped' });
  }

  /** Runs a command on the remote host over the session (for the desktop's remote help). */
  exec(command: string, options?: { timeoutMs?: number; maxBytes?: number }): Promise<ExecResult> {
    return this.requireSession().exec(command, options);
  }

  readRemoteFile(path: string, options?: { maxBytes?: number; timeoutMs?: number }): Promise<string> {
    return this.requireSession().readRemoteFile(path, options);
  }

  /** Starts the remote gateway detached (`clawdbot gateway run`, or the configured command), then re-checks it. */
  async startRemoteGateway(): Promise<ExecResult> {
    const configured = this.options.startGateway;
    const command = typeof configured === 'string' ? configured : remoteGatewayCommand(this.options.remotePort);
    this.log(`starting the remote gateway: ${command}`);
    const result = await this.requireSession().exec(command, { timeoutMs: 15_000 });
    this.gatewayBackoff.reset();
    this.scheduleGatewayProbe(300);
    return result;
  }

  // ---- connecting ---------------------------------------------------------------------------

  private async connect(attempt: number, resolveAgain = false): Promise<void> {
    this.clearTimers();
    this.attemptAbort?.abort();
    const abort = new AbortController();
    this.attemptAbort = abort;
    this.attempt = attempt;
    this.attemptStartedAt = Date.now();
    if (attempt === 1 || this.current.state === 'failed') this.setState({ state: 'connecting', attempt });
    let session: SshSession;
    try {
      if (!this.target || resolveAgain) {
        const t = this.options.target;
        // ssh2 loads while the target resolves (an `ssh -G` runs in its own process meanwhile).
        if (typeof t === 'function') loadSsh2().catch(() => undefined); // a failure is the attempt's
        this.target = typeof t === 'function' ? await t() : t;
      }
      session = await SshSession.connect(this.target, {
        ...(this.options.createHostVerifier ? { createHostVerifier: this.options.createHostVerifier } : {}),
        ...(this.options.prompt ? { prompt: this.trackPrompt(this.options.prompt) } : {}),
        auth: this.trackAuthPrompts(this.options.auth ?? {}),
        // A retry costs one SYN: do not let one wait out a blackhole that may already be over.
        ...(attempt > 1 ? { tcpTimeoutMs: this.retry.retryTcpTimeoutMs(this.target.connectTimeoutMs) } : {}),
        signal: abort.signal,
        ...(this.options.env ? { env: this.options.env } : {}),
        onVerdict: (verdict, hop) => this.emit('hostKey', { hop, verdict }),
      });
    } catch (err) {
      if (abort.signal.aborted || !this.started) return;
      this.onAttemptFailed(toClawdbotError(err));
      return;
    }
    if (abort.signal.aborted || !this.started) {
      session.close();
      return;
    }
    this.attemptAbort = undefined;
    this.session = session;
    this.retry.reset();
    this.gatewayBackoff.reset();
    this.gatewayStartTried = false;
    session.once('close', (reason) => this.onSessionClosed(session, reason));
    this.log(`SSH session to ${this.target.user}@${this.target.hostName}:${this.target.port} is up`);
    this.waitingRoom.release();
    await this.checkGateway(session);
  }

  private onAttemptFailed(error: ClawdbotError): void {
    if (isRetryable(error.errorClass)) {
      // The delay spaces attempt starts: an attempt that already waited (a connect timeout during a
      // blackhole) is followed at once, so a new SYN goes out about every 600 ms (retry-policy.ts).
      const nextInMs = this.retry.nextDelayMs(error, Date.now() - this.attemptStartedAt);
      this.setState({ state: 'reconnecting', attempt: this.attempt, nextInMs, errorClass: error.errorClass, reason: error.message });
      this.retryTimer = setTimeout(() => void this.connect(this.attempt + 1), nextInMs);
      return;
    }
    this.waitingRoom.closeAll();
    this.setState({ state: 'failed', errorClass: error.errorClass, reason: error.message, hint: error.hint });
  }

  private onSessionClosed(session: SshSession, reason: ClawdbotError): void {
    if (this.session !== session) return;
    this.session = undefined;
    this.clearTimers();
    if (!this.started) return;
    this.attempt = 1;
    this.onAttemptFailed(reason);
  }

  // ---- the remote gateway -------------------------------------------------------------------

  /** Opens (and closes) a channel to the gateway port, then runs the health probe. */
  private async checkGateway(session: SshSession): Promise<void> {
    let failure: ClawdbotError | undefined;
    try {
      const channel = await session.forwardOut(this.remoteHost, this.options.remotePort);
      trace('gateway port answered');
      channel.destroy();
      if (this.options.healthProbe && this.url) await this.runHealthProbe(this.url);
    } catch (err) {
      failure = toClawdbotError(err);
    }
    if (this.session !== session || !this.started) return;
    if (!failure) {
      this.gatewayBackoff.reset();
      this.setState({ state: 'ready' });
      return;
    }
    if (!session.isOpen) return; // the session is going; its close handler takes over
    this.onGatewayDown(failure);
  }

  private onGatewayDown(failure: ClawdbotError): void {
    this.setState({ state: 'gateway-down', errorClass: failure.errorClass, reason: failure.message, hint: failure.hint });
    if (this.options.startGateway && failure.errorClass === 'RemoteGatewayDown' && !this.gatewayStartTried) {
      this.gatewayStartTried = true;
      this.startRemoteGateway().catch((err: unknown) => this.log(`could not start the remote gateway: ${toClawdbotError(err).message}`));
      return;
    }
    // A gateway that refuses our credentials will not change its mind; probing again would only
    // count as more failed logins. kick() or a new local connection checks again.
    if (isRetryable(failure.errorClass)) this.scheduleGatewayProbe(this.gatewayBackoff.next());
  }

  private scheduleGatewayProbe(delayMs: number): void {
    if (this.probeTimer) clearTimeout(this.probeTimer);
    this.probeTimer = setTimeout(() => {
      this.probeTimer = undefined;
      if (this.session && this.current.state === 'gateway-down') void this.checkGateway(this.session);
    }, delayMs);
  }

  private async runHealthProbe(url: string): Promise<void> {
    const probe = this.options.healthProbe;
    if (!probe) return;
    const abort = new AbortController();
    const timeoutMs = this.options.healthTimeoutMs ?? 5000;
    const timer = setTimeout(() => abort.abort(), timeoutMs);
    try {
      await Promise.race([
        probe(url, abort.signal),
        new Promise<never>((_resolve, reject) => abort.signal.addEventListener('abort', () => reject(new ClawdbotError('GatewayTimeout', `The gateway did not answer the health check within ${timeoutMs} ms.`, 'The remote gateway may be starting or overloaded.')))),
      ]);
    } catch (err) {
      if (err instanceof ClawdbotError) throw err;
      throw new ClawdbotError('RemoteGatewayDown', `The remote gateway's health check failed: ${err instanceof Error ? err.message : String(err)}.`, 'Look at the gateway log on the remote host (~/.clawdbot/gateway.log).', { cause: err });
    } finally {
      clearTimeout(timer);
    }
  }

  /** After a wake or network change: a round trip over the session proves it alive, or we reconnect now. */
  private async checkLiveness(): Promise<void> {
    const session = this.session;
    if (!session) return;
    const timeoutMs = this.options.livenessTimeoutMs ?? 3000;
    const alive = await Promise.race([
      session.forwardOut(this.remoteHost, this.options.remotePort).then((ch) => (ch.destroy(), true), (err: unknown) => toClawdbotError(err).errorClass === 'RemoteGatewayDown'),
      new Promise<false>((resolve) => setTimeout(() => resolve(false), timeoutMs)),
    ]);
    if (this.session !== session) return;
    if (!alive) {
      const t = session.target;
      session.close(new ClawdbotError('SshTimeout', `${t.hostName}:${t.port} did not answer within ${timeoutMs} ms after a wake or network change.`, 'The tunnel reconnects now.'));
      return;
    }
    await this.checkGateway(session);
  }

  // ---- local connections --------------------------------------------------------------------

  private accept(socket: net.Socket, dest: { host: string; port: number }, extra?: ExtraListener): void {
    // A socket that closes while it waits gives up its place (a leave after it was forwarded is a no-op).
    this.openChannel(dest, extra, (leave) => void socket.once('close', leave)).then(
      (channel) => {
        if (socket.destroyed) return channel.destroy();
        trace('local connection forwarded');
        bridge(socket, channel);
      },
      () => refuse(socket),
    );
  }

  /**
   * A connection to the remote gateway port for a client in this process (the desktop's own gateway
   * connection): the SSH channel itself, without a local socket and its two extra trips through the
   * kernel each way. Like a local connection, it waits for a session that is coming back.
   */
  openStream(): Promise<ClientChannel> {
    return this.openChannel({ host: this.remoteHost, port: this.options.remotePort });
  }

  /**
   * A channel to `dest` over the session; while there is none, waits in the waiting room (`onWait`
   * gets the function that gives up the place, for a caller that goes away first). A session that
   * closes under the attempt is waited for again. The forward's state follows what happened.
   */
  private openChannel(dest: { host: string; port: number }, extra?: ExtraListener, onWait?: (leave: () => void) => void): Promise<ClientChannel> {
    return new Promise((resolve, reject) => {
      const attempt = (): void => {
        const s = this.current.state;
        if (!this.started || s === 'failed' || s === 'stopped') return reject(this.notForwarding());
        const session = this.session;
        if (!session) {
          const leave = this.waitingRoom.admit({ forward: attempt, refuse: () => reject(this.notForwarding()) });
          return onWait?.(leave);
        }
        session.forwardOut(dest.host, dest.port).then(
          (channel) => {
            if (extra) this.setForward(extra, { state: 'listening' });
            else if (this.current.state === 'gateway-down') this.scheduleGatewayProbe(0); // the port answers again: confirm (and run the health probe)
            resolve(channel);
          },
          (err: unknown) => {
            const error = toClawdbotError(err);
            if (!session.isOpen && this.started) return attempt(); // wait for the next session
            if (extra) this.setForward(extra, { state: 'listening', error: error.message });
            else if (error.errorClass === 'RemoteGatewayDown' && this.current.state === 'ready') this.onGatewayDown(error);
            reject(error);
          },
        );
      };
      attempt();
    });
  }

  /** Why a connection is turned away: the tunnel's own failure, or that it is not running. */
  private notForwarding(): ClawdbotError {
    const s = this.current;
    if (!this.started || s.state === 'stopped') return new ClawdbotError('GatewayUnreachable', 'The SSH tunnel is not running.', 'Start the tunnel (remote mode) first.');
    if (s.state === 'failed' || s.state === 'reconnecting') return new ClawdbotError(s.errorClass, s.reason, s.state === 'failed' ? s.hint : 'The SSH tunnel is reconnecting; it retries by itself.');
    return new ClawdbotError('SshTimeout', 'The SSH session did not come up in time.', 'The tunnel keeps trying; check the SSH target if this persists.');
  }

  private async startExtra(spec: ExtraForward): Promise<void> {
    const extra: ExtraListener = {
      spec,
      listener: new ForwardListener({ port: spec.localPort, onConnection: (socket) => this.accept(socket, { host: spec.remoteHost || '127.0.0.1', port: spec.remotePort }, extra) }),
      state: { name: spec.name, localPort: spec.localPort, remoteHost: spec.remoteHost, remotePort: spec.remotePort, state: 'stopped' },
      bindBackoff: new Backoff(FORWARD_BIND_BACKOFF),
    };
    this.extras.push(extra);
    await this.bindExtra(extra);
  }

  /** Binds an extra forward's local port; a busy port is `failed` and tried again (backoff, kick()) until it frees up. */
  private async bindExtra(extra: ExtraListener): Promise<void> {
    if (extra.binding) return;
    extra.binding = true;
    clearTimeout(extra.bindTimer);
    extra.bindTimer = undefined;
    try {
      const port = await extra.listener.listen();
      if (!this.extras.includes(extra) || !this.started) return void (await extra.listener.close()); // stopped meanwhile
      extra.bindBackoff.reset();
      this.setForward(extra, { state: 'listening', localPort: port });
    } catch (err) {
      if (!this.started) return;
      this.setForward(extra, { state: 'failed', error: toClawdbotError(err).message });
      extra.bindTimer = setTimeout(() => void this.bindExtra(extra), extra.bindBackoff.next());
    } finally {
      extra.binding = false;
    }
  }

  // ---- helpers ------------------------------------------------------------------------------

  private requireSession(): SshSession {
    if (!this.session) throw new ClawdbotError('SshReset', 'The SSH session is not up.', 'Wait until the tunnel is ready.');
    return this.session;
  }

  private trackPrompt(prompt: HostKeyPromptFn): HostKeyPromptFn {
    return async (p) => {
      this.prompting++;
      try {
        return await prompt(p);
      } finally {
        this.prompting--;
      }
    };
  }

  private trackAuthPrompts(auth: AuthCallbacks): AuthCallbacks {
    const wrap = <A, R>(fn: ((a: A) => Promise<R>) | undefined) =>
      fn &&
      (async (a: A): Promise<R> => {
        this.prompting++;
        try {
          return await fn(a);
        } finally {
          this.prompting--;
        }
      });
    const passphrase = wrap(auth.passphrase);
    const keyboardInteractive = wrap(auth.keyboardInteractive);
    return { ...(passphrase ? { passphrase } : {}), ...(keyboardInteractive ? { keyboardInteractive } : {}) };
  }

  private setState(next: TunnelState): void {
    if (JSON.stringify(next) === JSON.stringify(this.current)) return;
    this.current = next;
    this.log(describeState(next));
    this.emit('state', next);
  }

  private setForward(extra: ExtraListener, patch: Partial<ForwardState>): void {
    const next: ForwardState = { ...extra.state, ...patch };
    if (!('error' in patch)) delete next.error;
    if (JSON.stringify(next) === JSON.stringify(extra.state)) return;
    extra.state = next;
    this.emit('forward', { ...next });
  }

  private clearTimers(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.probeTimer) clearTimeout(this.probeTimer);
    this.retryTimer = undefined;
    this.probeTimer = undefined;
  }

  private log(line: string): void {
    this.options.log?.(line);
  }
}

function toClawdbotError(err: unknown): ClawdbotError {
  if (err instanceof ClawdbotError) return err;
  return new ClawdbotError('Internal', err instanceof Error ? err.message : String(err), 'This is unexpected; copy the diagnostics and report it.', { cause: err });
}
