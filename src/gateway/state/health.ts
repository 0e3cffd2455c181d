// The health summary (spec §9.1) and its refresh cycle (§6): built at boot, every healthMs, after each
// connect and after health requests; each refresh bumps stateVersion.health and broadcasts `health`.
// Refresh requests that arrive while one is pending are folded into it.

import type { SessionsSummary } from '../chat/index';
import type { EventHub } from '../events/hub';
import { DEFAULT_AGENT_ID, heartbeatSettings } from './heartbeat-config';

export interface HealthSummary {
  ok: true;
  ts: number;
  durationMs: number;
  channels: Record<string, unknown>;
  channelOrder: string[];
  channelLabels: Record<string, string>;
  heartbeatSeconds: number;
  defaultAgentId: string;
  agents: unknown[];
  sessions: SessionsSummary;
}

const REQUEST_REFRESH_GAP_MS = 1_000;

export interface HealthDeps {
  hub: EventHub;
  getConfig: () => Record<string, unknown>;
  sessionsSummary: () => SessionsSummary;
  maxAgeMs: number;
}

export class HealthMonitor {
  private cached: HealthSummary | undefined;
  private pending = false;
  private lastRefreshAt = 0;

  constructor(private readonly deps: HealthDeps) {}

  /** The cached summary, or {} before the first refresh (hello-ok snapshot). */
  snapshot(): HealthSummary | Record<string, never> {
    return this.cached ?? {};
  }

  build(): HealthSummary {
    const started = performance.now();
    const config = this.deps.getConfig();
    const hb = heartbeatSettings(config);
    const sessions = this.deps.sessionsSummary();
    return {
      ok: true,
      ts: Date.now(),
      durationMs: Math.round(performance.now() - started),
      channels: {},
      channelOrder: [],
      channelLabels: {},
      heartbeatSeconds: Math.round(hb.everyMs / 1000),
      defaultAgentId: DEFAULT_AGENT_ID,
      agents: [{ agentId: DEFAULT_AGENT_ID, isDefault: true, heartbeat: hb, sessions }],
      sessions,
    };
  }

  /** Builds a fresh summary now, caches and broadcasts it. */
  refresh(): HealthSummary {
    this.lastRefreshAt = Date.now();
    this.cached = this.build();
    this.deps.hub.stateVersion.health += 1;
    this.deps.hub.broadcast('health', this.cached, { withStateVersion: true });
    return this.cached;
  }

  /** A refresh on the next turn of the event loop (after the current response went out). */
  refreshSoon(): void {
    if (this.pending) return;
    this.pending = true;
    setImmediate(() => {
      this.pending = false;
      this.refresh();
    });
  }

  /**
   * The `health` method: the cache when fresh (then a background refresh, at most one per
   * REQUEST_REFRESH_GAP_MS so a client polling health cannot flood every client with broadcasts),
   * else a fresh summary.
   */
  answer(probe: boolean): HealthSummary {
    const c = this.cached;
    if (!probe && c && Date.now() - c.ts < this.deps.maxAgeMs) {
      if (Date.now() - this.lastRefreshAt >= REQUEST_REFRESH_GAP_MS) this.refreshSoon();
      return c;
    }
    return this.refresh();
  }
}
