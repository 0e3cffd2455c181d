// `health` every interval (30 s by default) and on demand, through the core's gateway session:
// latency, gateway version, uptime, session count. Two misses in a row mean "degraded". The deep check
// is `status`, on demand only.

import type { DeepStatus, HealthInfo } from '../shared/desktop-api';
import { toErrorInfo } from '../shared/errors';
import type { GatewaySession } from './gateway-session';

const HISTORY = 60;
export const DEGRADED_AFTER_MISSES = 2;

export interface HealthMonitorOptions {
  intervalMs: number;
  timeoutMs: number;
  now: () => number;
  onHealth: (health: HealthInfo) => void;
}

function sessionCount(summary: unknown): number | undefined {
  const count = (summary as { sessions?: { count?: unknown } } | null)?.sessions?.count;
  return typeof count === 'number' ? count : undefined;
}

export class HealthMonitor {
  private timer: ReturnType<typeof setTimeout> | null = null;
  private running = false;
  private inFlight: Promise<HealthInfo> | null = null;
  private connectedAt = 0;
  private health: HealthInfo | null = null;
  private offConnection: (() => void) | null = null;

  constructor(
    private readonly session: GatewaySession,
    private readonly options: HealthMonitorOptions,
  ) {}

  get current(): HealthInfo | null {
    return this.health ? structuredClone(this.health) : null;
  }

  start(): void {
    this.running = true;
    this.connectedAt = this.options.now();
    this.offConnection = this.session.onConnection((up) => {
      if (up) {
        this.connectedAt = this.options.now();
        void this.check();
      }
    });
    void this.check();
  }

  stop(): void {
    this.running = false;
    this.offConnection?.();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Checks now (joins a check already in flight) and restarts the interval. */
  check(): Promise<HealthInfo> {
    if (!this.inFlight) {
      this.inFlight = this.runCheck().finally(() => {
        this.inFlight = null;
        this.schedule();
      });
    }
    return this.inFlight;
  }

  async deep(): Promise<DeepStatus> {
    try {
      const status = await this.session.request('status', {}, this.options.timeoutMs);
      return { ok: true, fetchedAt: this.options.now(), status };
    } catch (err) {
      return { ok: false, fetchedAt: this.options.now(), error: toErrorInfo(err) };
    }
  }

  private schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = this.running ? setTimeout(() => void this.check(), this.options.intervalMs) : null;
  }

  private async runCheck(): Promise<HealthInfo> {
    const started = this.options.now();
    const prev = this.health;
    let next: HealthInfo;
    try {
      if (!this.session.connected) throw new Error('not connected');
      const summary = await this.session.request('health', {}, this.options.timeoutMs);
      const latency = Math.max(0, this.options.now() - started);
      const hello = this.session.hello;
      next = {
        ok: true,
        checkedAt: this.options.now(),
        latencyMs: latency,
        latencyHistory: [...(prev?.latencyHistory ?? []), latency].slice(-HISTORY),
        consecutiveMisses: 0,
        gatewayVersion: hello?.serverVersion,
        uptimeMs: hello?.uptimeMs !== undefined ? hello.uptimeMs + (this.options.now() - this.connectedAt) : undefined,
        sessionCount: sessionCount(summary),
      };
    } catch {
      next = {
        ...(prev ?? { latencyHistory: [], latencyMs: null }),
        ok: false,
        checkedAt: this.options.now(),
        latencyMs: null,
        consecutiveMisses: (prev?.consecutiveMisses ?? 0) + 1,
      };
    }
    if (!this.running) return next;
    this.health = next;
    this.options.onHealth(structuredClone(next));
    return structuredClone(next);
  }
}
