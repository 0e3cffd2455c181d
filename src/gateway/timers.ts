// The gateway's timers. The spec's values are the defaults; tests shorten them through
// CLAWDBOT_TEST_TIMERS (used only by tests): "fast" for the preset below, and/or "name=ms" pairs,
// comma-separated, e.g. CLAWDBOT_TEST_TIMERS="fast,tickMs=200".

export interface GatewayTimers {
  /** Time a client has to send `connect` (§2.1). */
  handshakeMs: number;
  /** Global tick broadcast (§6). */
  tickMs: number;
  /** Periodic health refresh (§6); also the age of the cached health answer (§9.1). */
  healthMs: number;
  /** Failed-auth window and lockout of the rate limiter. */
  authWindowMs: number;
  authLockoutMs: number;
  /** How long a second gateway waits for the lock owner (§14.4). */
  lockWaitMs: number;
  /** Pending pairing requests and presence entries of disconnected clients expire after this. */
  pairingTtlMs: number;
  presenceTtlMs: number;
  /** How often the config file is checked for edits (hot reload, spec §14.2 gateway.reload). */
  configPollMs: number;
  /** Retention of the chat core (spec §6): idempotency keys (5 min), agent.wait results (10 min), and how
   *  often both are swept (60 s). Soak runs shorten them so the caches fill within the warm-up. */
  idempotencyTtlMs: number;
  runResultTtlMs: number;
  chatSweepMs: number;
  /** Not a time: the transcript cache's line cap (5,000), lowered by the soak for the same reason. */
  transcriptCacheLines: number;
}

export const DEFAULT_TIMERS: GatewayTimers = {
  handshakeMs: 10_000,
  tickMs: 30_000,
  healthMs: 60_000,
  authWindowMs: 60_000,
  authLockoutMs: 300_000,
  lockWaitMs: 5_000,
  pairingTtlMs: 300_000,
  presenceTtlMs: 300_000,
  configPollMs: 1_000,
  idempotencyTtlMs: 300_000,
  runResultTtlMs: 600_000,
  chatSweepMs: 60_000,
  transcriptCacheLines: 5_000,
};

const FAST: Partial<GatewayTimers> = {
  handshakeMs: 1_000,
  tickMs: 500,
  healthMs: 1_000,
  authWindowMs: 60_000,
  authLockoutMs: 2_000,
  lockWaitMs: 300,
  configPollMs: 200,
};

export function resolveTimers(spec: string | undefined): GatewayTimers {
  const timers = { ...DEFAULT_TIMERS };
  if (!spec) return timers;
  for (const part of spec.split(',').map((p) => p.trim()).filter(Boolean)) {
    if (part === 'fast') {
      Object.assign(timers, FAST);
      continue;
    }
    const [name, value] = part.split('=');
    const ms = Number(value);
    if (name && Object.hasOwn(timers, name) && Number.isFinite(ms) && ms > 0) timers[name as keyof GatewayTimers] = ms;
  }
  return timers;
}
