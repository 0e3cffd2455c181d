// The ConnectionController: one mode at a time (unconfigured | local | remote). A switch tears the old
// mode down completely (health, chat session, tunnel or the gateway we started, its port) before the new
// one comes up; switches are queued so two never interleave. Phase and status flow into the one
// DesktopState; the tray, the renderer and the twin only read it.

import { randomUUID } from 'node:crypto';
import type { HostKeyPrompt, LocalInfo, Mode, Phase, RemoteInfo } from '../shared/desktop-api';
import type { ErrorInfo } from '../shared/errors';
import { ClawdbotError, toErrorInfo } from '../shared/errors';
import type { ChatService } from './chat-service';
import { ensureLocalGatewayAuth, writeLocalMode, writeRemoteMode, type ConfigWriteListener } from './config-sync';
import type { GatewaySession, GatewayTarget, OpenGatewaySession, ProbeGateway } from './gateway-session';
import { DEGRADED_AFTER_MISSES, HealthMonitor } from './health-monitor';
import { LocalGateway, type LocalGatewayEvent } from './local-gateway';
import type { LogSink } from './log-buffer';
import type { GatewaySpawner } from './ports';
import type { Redactor } from './redactor';
import type { RemoteEngine, RemoteLink, RemoteLinkEvents, RemoteLinkOptions } from './remote-link';
import type { SettingsStore } from './settings-store';
import type { StateStore } from './state-store';
import type { DesktopTiming } from './timing';

type Base = 'starting' | 'running' | 'restarting' | 'failed';

interface ActiveMode {
  mode: 'local' | 'remote';
  base: Base;
  session: GatewaySession | null;
  monitor: HealthMonitor | null;
  local: LocalGateway | null;
  link: RemoteLink | null;
  everConnected: boolean;
  /** A refusal the gateway session will not retry (auth, pairing, protocol): the mode stops and asks. */
  sessionError: ErrorInfo | null;
  offs: (() => void)[];
  stopped: boolean;
}

export interface ControllerDeps {
  settings: SettingsStore;
  state: StateStore;
  chat: ChatService;
  openSession: OpenGatewaySession;
  probe: ProbeGateway;
  spawn: GatewaySpawner;
  remote: RemoteEngine;
  redactor: Redactor;
  env: Record<string, string | undefined>;
  stateDir: string;
  configPath: string;
  timing: DesktopTiming;
  now: () => number;
  log: LogSink;
  warn: (warning: string) => void;
  /**
   * Told of every config file write, so the config watcher does not take it for another program's, and
   * of a commented file rewritten as plain JSON, so the user learns where its original went.
   */
  configWrites: ConfigWriteListener;
}

export class ConnectionController {
  private queue: Promise<void> = Promise.resolve();
  private active: ActiveMode | null = null;
  private readonly hostKeyAnswers = new Map<string, (accept: boolean) => void>();
  private closed = false;

  constructor(private readonly deps: ControllerDeps) {}

  get monitor(): HealthMonitor | null {
    return this.active?.monitor ?? null;
  }

  get remoteLink(): RemoteLink | null {
    return this.active?.link ?? null;
  }

  /** The local gateway's port: CLAWDBOT_GATEWAY_PORT wins over the setting, as in the CLI. */
  localPort(): number {
    const fromEnv = Number(this.deps.env.CLAWDBOT_GATEWAY_PORT);
    return Number.isInteger(fromEnv) && fromEnv > 0 && fromEnv < 65536 ? fromEnv : this.deps.settings.get().localPort;
  }

  /** Switches to mode (also: re-applies the current mode after a settings change). */
  setMode(mode: Mode, reason = `switched to ${mode}`): Promise<void> {
    this.interruptBringUp();
    return this.enqueue(async () => {
      if (this.closed) return;
      const previous = this.active?.mode ?? 'unconfigured';
      await this.teardown(`leaving ${previous} mode`);
      // Another mode means another gateway: its conversations (and unsent messages) are not this one's.
      if (previous !== mode) this.deps.chat.reset();
      if (this.deps.settings.get().mode !== mode) this.deps.settings.apply({ mode });
      if (mode === 'local') await this.bringUpLocal(reason);
      else if (mode === 'remote') await this.bringUpRemote(reason);
      else this.deps.state.transition('unconfigured', 'idle', reason, { endpointUrl: null, local: null, remote: null, health: null, lastError: null, gatewayConnected: false });
    });
  }

  /** Reconnect now: a failed mode starts over; otherwise retry the tunnel and health at once. */
  reconnectNow(): Promise<void> {
    if (this.active && this.deps.state.get().phase === 'failed') return this.setMode(this.active.mode, 'reconnect requested');
    this.kick('user');
    return Promise.resolve();
  }

  kick(reason: 'resume' | 'unlock' | 'network' | 'user'): void {
    const a = this.active;
    if (!a || a.stopped) return;
    this.deps.log('info', `reconnect kick (${reason})`);
    a.link?.kick();
    a.session?.kick();
    void a.monitor?.check();
  }

  answerHostKey(id: string, accept: boolean): boolean {
    const answer = this.hostKeyAnswers.get(id);
    if (!answer) return false;
    this.hostKeyAnswers.delete(id);
    this.deps.state.update({ hostKeyPrompt: null });
    answer(accept);
    return true;
  }

  /** Quit: stop what we started, refuse further switches. */
  shutdown(): Promise<void> {
    this.interruptBringUp();
    return this.enqueue(async () => {
      this.closed = true;
      await this.teardown('quitting');
    });
  }

  /** Asks the user through DesktopState.hostKeyPrompt; a teardown answers "no". */
  askHostKey(prompt: Omit<HostKeyPrompt, 'id'>): Promise<boolean> {
    const id = randomUUID();
    return new Promise<boolean>((resolve) => {
      this.hostKeyAnswers.set(id, resolve);
      this.deps.state.update({ hostKeyPrompt: { ...prompt, id } });
    });
  }

  /** A local gateway still starting is stopped now, so a switch or quit does not wait out its start. */
  private interruptBringUp(): void {
    const a = this.active;
    if (a && a.base === 'starting' && a.local) void a.local.stop();
  }

  private enqueue(task: () => Promise<void>): Promise<void> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async teardown(reason: string): Promise<void> {
    const a = this.active;
    if (!a) return;
    a.stopped = true;
    this.deps.state.transition(a.mode, 'stopping', reason, { hostKeyPrompt: null });
    for (const [id, answer] of this.hostKeyAnswers) {
      this.hostKeyAnswers.delete(id);
      answer(false);
    }
    for (const off of a.offs) off();
    a.monitor?.stop();
    this.deps.chat.attach(null);
    await a.session?.close().catch(() => undefined);
    await a.local?.stop();
    await a.link?.stop();
    this.active = null;
    this.deps.state.transition(a.mode, 'idle', `${a.mode} mode stopped`, { endpointUrl: null, gatewayConnected: false, health: null });
  }

  private async bringUpLocal(reason: string): Promise<void> {
    const { deps } = this;
    const port = this.localPort();
    const a: ActiveMode = { mode: 'local', base: 'starting', session: null, monitor: null, local: null, link: null, everConnected: false, sessionError: null, offs: [], stopped: false };
    this.active = a;
    deps.state.transition('local', 'starting', reason, { endpointUrl: null, remote: null, health: null, lastError: null, gatewayConnected: false, local: { port, adopted: false, restarts: 0 } });
    let credentials: { token?: string; password?: string };
    try {
      credentials = ensureLocalGatewayAuth(deps.configPath, deps.env, deps.configWrites);
      writeLocalMode(deps.configPath, port, deps.configWrites);
    } catch (err) {
      return this.fail(a, new ClawdbotError('Config', err instanceof Error ? err.message : String(err), 'Fix the Clawdbot config file, then choose Reconnect now.'));
    }
    deps.redactor.add(credentials.token);
    deps.redactor.add(credentials.password);
    const childEnv: Record<string, string> = {};
    for (const [k, v] of Object.entries(deps.env)) if (v !== undefined) childEnv[k] = v;
    Object.assign(childEnv, { CLAWDBOT_CONFIG_PATH: deps.configPath, CLAWDBOT_STATE_DIR: deps.stateDir });
    const local = new LocalGateway(port, credentials, {
      spawn: deps.spawn,
      probe: deps.probe,
      now: deps.now,
      childEnv,
      log: deps.log,
      timing: deps.timing,
      onEvent: (event) => this.onLocalEvent(a, event),
    });
    a.local = local;
    try {
      await local.start();
    } catch (err) {
      return this.fail(a, err);
    }
    if (a.stopped) return;
    this.attachSession(a, { url: local.url, ...credentials });
  }

  private onLocalEvent(a: ActiveMode, event: LocalGatewayEvent): void {
    if (a.stopped) return;
    const local = (patch: Partial<LocalInfo>): LocalInfo => ({ port: this.localPort(), adopted: false, restarts: 0, ...this.deps.state.get().local, ...patch });
    switch (event.kind) {
      case 'starting':
        this.refresh(a, a.base === 'running' ? 'restarting' : a.base, 'starting the local gateway', { local: local({ restarts: event.restarts }) });
        break;
      case 'running':
        a.session?.kick(); // a restarted gateway answers now: do not wait out the client's backoff
        this.refresh(a, 'running', event.adopted ? `adopted a running gateway${event.pid ? ` (pid ${event.pid})` : ''}` : `local gateway running (pid ${event.pid})`, {
          local: local({ adopted: event.adopted, pid: event.pid, restarts: event.restarts }),
          endpointUrl: a.local?.url ?? null,
        });
        break;
      case 'adopted-stopped': {
        const pid = event.pid ? ` (pid ${event.pid})` : '';
        // "starting", since we start our own now; the phase change also records the reason in transitions.
        this.refresh(a, 'starting', `the gateway we were using${pid} stopped; starting our own`, {
          local: local({ adopted: false, pid: undefined }),
          lastError: { errorClass: 'GatewayUnreachable', message: `The gateway this app was using on port ${this.localPort()}${pid} stopped.`, hint: 'The app starts its own gateway on that port now.', retryable: true },
        });
        break;
      }
      case 'crashed':
        this.refresh(a, 'restarting', event.message, {
          local: local({ restarts: event.restarts, pid: undefined }),
          lastError: { errorClass: 'GatewayUnreachable', message: event.message, hint: 'The app restarts it by itself; see View logs if it keeps stopping.', retryable: true },
        });
        break;
      case 'failed':
        this.fail(a, event.error);
        break;
    }
  }

  private async bringUpRemote(reason: string): Promise<void> {
    const { deps } = this;
    const s = deps.settings.get();
    const a: ActiveMode = { mode: 'remote', base: 'starting', session: null, monitor: null, local: null, link: null, everConnected: false, sessionError: null, offs: [], stopped: false };
    this.active = a;
    const options = this.remoteOptions();
    deps.state.transition('remote', 'connecting', reason, {
      endpointUrl: null, local: null, health: null, lastError: null, gatewayConnected: false,
      remote: { target: s.remote.target, resolvedDescription: s.remote.target, tunnelState: 'connecting', localPort: options.localPort, remotePort: options.remotePort, forwards: [] },
    });
    if (!s.remote.target) {
      return this.fail(a, new ClawdbotError('Config', 'Remote mode needs an SSH target.', 'Enter the SSH target (an alias from ~/.ssh/config or user@host) in Settings.'));
    }
    const link = deps.remote.create(options, this.linkEvents(a));
    a.link = link;
    try {
      await link.start();
    } catch (err) {
      return this.fail(a, err);
    }
    if (a.stopped) return;
    const url = `ws://127.0.0.1:${link.localPort}`;
    const token = deps.settings.secret('gatewayToken');
    const password = deps.settings.secret('gatewayPassword');
    deps.redactor.add(token);
    deps.redactor.add(password);
    try {
      writeRemoteMode(deps.configPath, { url, token, password, sshTarget: s.remote.target, sshIdentity: s.remote.identityFile }, deps.configWrites);
    } catch (err) {
      deps.warn(`The Clawdbot config file was not updated for remote mode: ${err instanceof Error ? err.message : String(err)}`);
    }
    deps.state.update({ endpointUrl: url });
    // The app's own connection rides the SSH channel directly; the local port serves everyone else.
    this.attachSession(a, { url, openStream: () => link.openStream(), ...(token ? { token } : {}), ...(password && !token ? { password } : {}) });
  }

  remoteOptions(): RemoteLinkOptions {
    const s = this.deps.settings.get();
    return {
      target: s.remote.target,
      identityFile: s.remote.identityFile,
      remotePort: s.remote.remotePort,
      localPort: s.remote.localPort ?? s.remote.remotePort,
      hostKeyPolicy: s.remote.hostKeyPolicy,
      knownHostsFile: s.remote.knownHostsFile,
      forwards: s.remote.forwards,
      startGatewayIfDown: s.remote.startGatewayIfDown,
      retry: { initialMs: this.deps.timing.tunnelRetryInitialMs, maxMs: this.deps.timing.tunnelRetryMaxMs },
      env: this.deps.env,
      keyPassphrase: () => this.deps.settings.secret('keyPassphrase'),
    };
  }

  linkEvents(a: ActiveMode | null): RemoteLinkEvents {
    return {
      onInfo: (info: RemoteInfo, error: ErrorInfo | null) => {
        if (!a || a.stopped) return;
        const base: Base = info.tunnelState === 'ready' ? 'running' : info.tunnelState === 'connecting' ? 'starting' : info.tunnelState === 'failed' ? 'failed' : 'restarting';
        if (base === 'running') a.session?.kick(); // the tunnel is back: reconnect the gateway session now
        this.refresh(a, base, `tunnel ${info.tunnelState}${error ? `: ${error.message}` : ''}`, { remote: info, ...(error ? { lastError: error } : {}) });
      },
      askHostKey: (prompt) => this.askHostKey(prompt),
      log: (level, text) => this.deps.log(level, text),
    };
  }

  private attachSession(a: ActiveMode, target: GatewayTarget): void {
    const { deps } = this;
    const session = deps.openSession(target);
    a.session = session;
    const monitor = new HealthMonitor(session, {
      intervalMs: deps.timing.healthIntervalMs,
      timeoutMs: deps.timing.healthTimeoutMs,
      now: deps.now,
      onHealth: (health) => {
        if (a.stopped) return;
        if (!health.ok) a.local?.adoptedMayHaveStopped();
        this.refresh(a, a.base, health.ok ? 'health check passed' : `health check missed (${health.consecutiveMisses})`, { health });
      },
    });
    a.monitor = monitor;
    a.offs.push(
      session.onConnection((up, error) => {
        if (a.stopped) return;
        if (up) a.everConnected = true;
        else a.local?.adoptedMayHaveStopped();
        a.sessionError = !up && error && !error.retryable ? error : null;
        const patch = a.sessionError ? { gatewayConnected: up, lastError: a.sessionError } : { gatewayConnected: up };
        this.refresh(a, a.base, up ? 'gateway connected' : `gateway connection lost${error ? `: ${error.message}` : ''}`, patch);
      }),
    );
    deps.chat.attach(session);
    monitor.start();
    this.refresh(a, a.base, 'connecting to the gateway', { gatewayConnected: session.connected });
  }

  private fail(a: ActiveMode, err: unknown): void {
    if (a.stopped) return;
    const error = toErrorInfo(err);
    // A failure may quote a process's output (the crash-loop error quotes the gateway's last lines).
    const info = { ...error, message: this.deps.redactor.redact(error.message) };
    this.deps.log('error', `${a.mode} mode failed: ${info.message}`);
    this.refresh(a, 'failed', info.message, { lastError: info });
  }

  /** Derives the phase from the mode's base state, the gateway session and the health checks. */
  private refresh(a: ActiveMode, base: Base, reason: string, patch: Parameters<StateStore['update']>[0] = {}): void {
    a.base = base;
    const health = patch.health ?? this.deps.state.get().health;
    const connected = patch.gatewayConnected ?? a.session?.connected ?? false;
    let phase: Phase;
    if (base === 'failed' || a.sessionError) phase = 'failed';
    else if (base === 'starting') phase = a.mode === 'local' ? 'starting' : 'connecting';
    else if (base === 'restarting') phase = 'reconnecting';
    else if (!a.session || !connected) phase = a.everConnected ? 'reconnecting' : 'connecting';
    else if (health && health.consecutiveMisses >= DEGRADED_AFTER_MISSES) phase = 'degraded';
    else if (health?.ok) phase = 'ready';
    else phase = 'connecting';
    const current = this.deps.state.get();
    const cleared = phase === 'ready' ? { lastError: null } : {};
    if (current.phase !== phase || current.mode !== a.mode) this.deps.state.transition(a.mode, phase, reason, { ...cleared, ...patch });
    else this.deps.state.update({ ...cleared, ...patch });
  }
}
