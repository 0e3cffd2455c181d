// The local gateway: adopt one already listening on our port when it answers `health` with our
// credentials, else start one through the GatewaySpawner and supervise it: capture its log, restart it
// after a crash with capped backoff, and stop in `failed` (last log lines + hint) after repeated crashes.
// An adopted gateway is not ours to restart, but once it is gone we start our own, as on a cold start.
// stop() ends only a gateway we started, and returns once its process is gone and its port is free.

import { ClawdbotError } from '../shared/errors';
import { parseGatewayOutput } from './gateway-output';
import type { GatewayTarget, ProbeGateway } from './gateway-session';
import type { LogSink } from './log-buffer';
import type { GatewaySpawner, SpawnedGateway } from './ports';
import { findPortOwner } from '../config/port-owner';
import { isPortOpen, waitPortClosed } from './port-probe';
import { Sleeper, settlesWithin } from './sleeper';

export interface LocalGatewayTiming {
  /** First restart delay; doubles per crash in the window, up to the cap. */
  restartBackoffMs: number;
  restartBackoffMaxMs: number;
  /** This many crashes within crashWindowMs stop the supervisor in `failed`. */
  maxCrashes: number;
  crashWindowMs: number;
  startTimeoutMs: number;
  stopTimeoutMs: number;
  readyPollMs: number;
}

export const DEFAULT_LOCAL_GATEWAY_TIMING: LocalGatewayTiming = {
  restartBackoffMs: 1000,
  restartBackoffMaxMs: 30_000,
  maxCrashes: 5,
  crashWindowMs: 5 * 60_000,
  startTimeoutMs: 30_000,
  stopTimeoutMs: 5000,
  readyPollMs: 200,
};

export type LocalGatewayEvent =
  | { kind: 'starting'; restarts: number }
  | { kind: 'running'; pid: number | undefined; adopted: boolean; restarts: number }
  | { kind: 'adopted-stopped'; pid: number | undefined }
  | { kind: 'crashed'; restarts: number; nextRetryInMs: number; message: string }
  | { kind: 'failed'; error: ClawdbotError };

export interface LocalGatewayDeps {
  spawn: GatewaySpawner;
  probe: ProbeGateway;
  now: () => number;
  /** The child's environment (config path, state dir, credentials). */
  childEnv: Record<string, string>;
  log: LogSink;
  onEvent: (event: LocalGatewayEvent) => void;
  timing: LocalGatewayTiming;
}

const TAIL_LINES = 20;

export class LocalGateway {
  private child: SpawnedGateway | null = null;
  private childExit: Promise<void> | null = null;
  private stopping = false;
  private restarts = 0;
  private crashTimes: number[] = [];
  private readonly tail: string[] = [];
  private lastExit = '';
  private readonly sleeper = new Sleeper();
  /** The gateway we use but did not start (its pid when /proc could tell); null when there is none. */
  private adopted: { pid: number | undefined } | null = null;
  private checkingAdopted = false;

  constructor(
    private readonly port: number,
    private readonly credentials: { token?: string; password?: string },
    private readonly deps: LocalGatewayDeps,
  ) {}

  get url(): string {
    return `ws://127.0.0.1:${this.port}`;
  }

  /** Resolves once a gateway answers on the port (adopted or started); rejects on PortInUse or a crash loop. */
  async start(): Promise<void> {
    const target: GatewayTarget = { url: this.url, ...this.credentials };
    if (await isPortOpen(this.port)) {
      const probe = await this.deps.probe(target);
      if (probe.ok) {
        const pid = findPortOwner(this.port)?.pid;
        this.adopted = { pid };
        this.deps.log('info', `adopted the gateway already running on port ${this.port}${pid ? ` (pid ${pid})` : ''}`);
        this.deps.onEvent({ kind: 'running', pid, adopted: true, restarts: 0 });
        return;
      }
      throw new ClawdbotError(
        'PortInUse',
        `Port ${this.port} is in use by something that is not our gateway (${probe.error.message}).`,
        `Stop the program on port ${this.port}, or choose another local port in Settings.`,
      );
    }
    return new Promise<void>((resolve, reject) => {
      void this.supervise(resolve, reject);
    });
  }

  /**
   * Our connection to the adopted gateway dropped, or a health check missed. When nothing listens on
   * the port any more, that gateway is gone: start our own as on a cold start (a gateway that is back
   * on the port by then is adopted again). A gateway that still listens, even a frozen one, is left be.
   */
  adoptedMayHaveStopped(): void {
    if (!this.adopted || this.checkingAdopted || this.stopping) return;
    this.checkingAdopted = true;
    void this.replaceAdoptedIfGone().finally(() => {
      this.checkingAdopted = false;
    });
  }

  private async replaceAdoptedIfGone(): Promise<void> {
    const gone = this.adopted;
    if (!gone || (await isPortOpen(this.port)) || this.stopping) return;
    this.adopted = null;
    this.deps.log('warn', `the gateway we were using on port ${this.port}${gone.pid ? ` (pid ${gone.pid})` : ''} stopped; starting our own`);
    this.deps.onEvent({ kind: 'adopted-stopped', pid: gone.pid });
    try {
      await this.start();
    } catch (err) {
      // start() rejects only with a ClawdbotError: the port taken by a stranger, or a crash loop.
      if (!this.stopping) this.deps.onEvent({ kind: 'failed', error: err as ClawdbotError });
    }
  }

  /** Stops the gateway if we started it; an adopted gateway is left running. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.sleeper.cancelAll();
    const child = this.child;
    if (!child || !this.childExit) return;
    child.kill('SIGTERM');
    const exited = await settlesWithin(this.childExit, this.deps.timing.stopTimeoutMs);
    if (!exited) {
      this.deps.log('warn', `the local gateway (pid ${child.pid}) did not stop in time; killing it`);
      child.kill('SIGKILL');
      await this.childExit;
    }
    this.child = null;
    if (!(await waitPortClosed(this.port, this.deps.timing.stopTimeoutMs))) {
      this.deps.log('warn', `port ${this.port} is still bound after the gateway stopped`);
    }
  }

  private async supervise(resolve: () => void, reject: (err: ClawdbotError) => void): Promise<void> {
    let settled = false;
    while (!this.stopping) {
      this.deps.onEvent({ kind: 'starting', restarts: this.restarts });
      const child = this.spawnChild();
      const ready = await this.waitReady(child);
      if (ready) {
        this.deps.onEvent({ kind: 'running', pid: child.pid, adopted: false, restarts: this.restarts });
        if (!settled) {
          settled = true;
          resolve();
        }
        await this.childExit;
      } else if (!this.stopping) {
        child.kill('SIGKILL');
        await this.childExit;
      }
      if (this.stopping) break;
      const crash = this.recordCrash();
      if (crash instanceof ClawdbotError) {
        this.child = null;
        // Until start() resolved, its rejection reports the crash loop; after that, only the event can.
        if (settled) this.deps.onEvent({ kind: 'failed', error: crash });
        else reject(crash);
        return;
      }
      await this.sleeper.sleep(crash);
    }
    if (!settled) reject(new ClawdbotError('Internal', 'The local gateway was stopped before it was ready.', 'Choose the mode again to start it.'));
  }

  private spawnChild(): SpawnedGateway {
    const child = this.deps.spawn(['gateway', 'run', '--port', String(this.port)], this.deps.childEnv);
    this.child = child;
    this.childExit = new Promise<void>((done) => {
      child.onExit((code, signal) => {
        if (!this.stopping) this.deps.log('warn', `the local gateway (pid ${child.pid}) exited (${signal ?? `code ${code}`})`);
        this.lastExit = signal ?? `exit code ${code}`;
        done();
      });
    });
    child.onOutput((line, stream) => {
      this.tail.push(line);
      if (this.tail.length > TAIL_LINES) this.tail.shift();
      const entry = parseGatewayOutput(line, stream, this.deps.now());
      this.deps.log(entry.level, entry.text, 'gateway', entry.ts);
    });
    this.deps.log('info', `started the local gateway (pid ${child.pid}) on port ${this.port}`);
    return child;
  }

  /** Polls `health` until the new gateway answers; false when it exits or does not answer in time. */
  private async waitReady(child: SpawnedGateway): Promise<boolean> {
    let exited = false;
    void this.childExit?.then(() => {
      exited = true;
    });
    const deadline = this.deps.now() + this.deps.timing.startTimeoutMs;
    const target: GatewayTarget = { url: this.url, ...this.credentials };
    while (!exited && !this.stopping && this.child === child) {
      if (await isPortOpen(this.port)) {
        const probe = await this.deps.probe(target);
        if (probe.ok) return !exited;
      }
      if (this.deps.now() >= deadline) {
        this.deps.log('error', `the local gateway did not answer within ${Math.round(this.deps.timing.startTimeoutMs / 1000)} s`);
        return false;
      }
      await this.sleeper.sleep(this.deps.timing.readyPollMs);
    }
    return false;
  }

  /** Counts a crash; returns the crash-loop error when there were too many, else the backoff delay. */
  private recordCrash(): ClawdbotError | number {
    const t = this.deps.timing;
    const now = this.deps.now();
    this.crashTimes = [...this.crashTimes.filter((at) => now - at < t.crashWindowMs), now];
    this.restarts += 1;
    if (this.crashTimes.length >= t.maxCrashes) {
      const last = this.tail.slice(-5).join('\n') || '(no output)';
      return new ClawdbotError(
        'GatewayCrashLoop',
        `The local gateway stopped ${this.crashTimes.length} times in a row (${this.lastExit}). Last output:\n${last}`,
        'Read the gateway log (View logs) and fix what it reports, then choose Reconnect now.',
        { details: { lastLines: [...this.tail] } },
      );
    }
    const delay = Math.min(t.restartBackoffMs * 2 ** (this.crashTimes.length - 1), t.restartBackoffMaxMs);
    this.deps.onEvent({ kind: 'crashed', restarts: this.restarts, nextRetryInMs: delay, message: `The local gateway stopped (${this.lastExit}); restarting in ${Math.ceil(delay / 1000)} s.` });
    return delay;
  }
}
