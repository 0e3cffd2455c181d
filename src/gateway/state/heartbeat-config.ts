// The agent heartbeat settings the health and status summaries report (agents.defaults.heartbeat).
// The heartbeat runner itself is not part of this gateway; these are the configured values.

export const DEFAULT_AGENT_ID = 'main';
export const HEARTBEAT_PROMPT =
  'Read HEARTBEAT.md if it exists (workspace context). Follow it strictly. Do not infer or repeat old tasks from prior chats. If nothing needs attention, reply HEARTBEAT_OK.';

export interface HeartbeatSettings {
  enabled: boolean;
  every: string;
  everyMs: number;
  prompt: string;
  target: string;
  ackMaxChars: number;
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export function parseDurationMs(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/.exec(text);
  if (!m) return undefined;
  return Math.round(Number(m[1]) * UNIT_MS[m[2] ?? 'm']!);
}

function obj(v: unknown): Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

export function heartbeatSettings(config: Record<string, unknown>): HeartbeatSettings {
  const hb = obj(obj(obj(config.agents).defaults).heartbeat);
  const every = typeof hb.every === 'string' ? hb.every : '30m';
  const everyMs = parseDurationMs(every) ?? 1_800_000;
  return {
    enabled: everyMs > 0,
    every,
    everyMs,
    prompt: typeof hb.prompt === 'string' ? hb.prompt : HEARTBEAT_PROMPT,
    target: typeof hb.target === 'string' ? hb.target : 'last',
    ackMaxChars: typeof hb.ackMaxChars === 'number' ? hb.ackMaxChars : 300,
  };
}
