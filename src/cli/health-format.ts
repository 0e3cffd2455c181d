// Text forms of the gateway's HealthSummary (spec §9.1) for `gateway health` and `health`.
// Every field is treated as optional: an older or newer gateway must not crash the CLI.

interface ChannelHealth {
  configured?: boolean;
  linked?: boolean;
  probe?: { ok?: boolean; error?: string | null; elapsedMs?: number };
}

interface SessionsBlock {
  path?: string;
  count?: number;
  recent?: Array<{ key?: string; updatedAt?: number | null; age?: number | null }>;
}

export interface HealthSummaryView {
  durationMs?: number;
  channels?: Record<string, ChannelHealth>;
  channelOrder?: string[];
  channelLabels?: Record<string, string>;
  agents?: Array<{ agentId?: string; isDefault?: boolean; heartbeat?: { enabled?: boolean; every?: string }; sessions?: SessionsBlock }>;
  sessions?: SessionsBlock;
}

export function formatAge(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.round(s / 60)}m`;
  if (s < 48 * 3600) return `${Math.round(s / 3600)}h`;
  return `${Math.round(s / 86400)}d`;
}

/** One line per channel: "Telegram: ok (120ms)", "WhatsApp: not linked", … */
export function channelLines(h: HealthSummaryView): string[] {
  const channels = h.channels ?? {};
  const order = h.channelOrder?.length ? h.channelOrder : Object.keys(channels);
  return order.filter((id) => channels[id]).map((id) => {
    const c = channels[id] as ChannelHealth;
    const label = h.channelLabels?.[id] ?? id;
    if (c.probe) {
      const t = typeof c.probe.elapsedMs === 'number' ? ` (${c.probe.elapsedMs}ms)` : '';
      return c.probe.ok ? `${label}: ok${t}` : `${label}: failed${t}${c.probe.error ? ` - ${c.probe.error}` : ''}`;
    }
    if (c.configured === false) return `${label}: not configured`;
    if (c.linked === false) return `${label}: not linked`;
    return `${label}: configured`;
  });
}

/** `clawdbot health`: channels, agents, heartbeat and session stores. */
export function healthSummaryLines(h: HealthSummaryView, now: number): string[] {
  const lines = channelLines(h);
  const agents = h.agents ?? [];
  if (agents.length > 0) {
    lines.push(`Agents: ${agents.map((a) => `${a.agentId ?? '?'}${a.isDefault ? ' (default)' : ''}`).join(', ')}`);
    const beats = agents.map((a) => `${a.heartbeat?.enabled === false ? 'disabled' : (a.heartbeat?.every ?? 'unknown')} (${a.agentId ?? '?'})`);
    lines.push(`Heartbeat interval: ${beats.join(', ')}`);
  }
  const stores = agents.length > 0 ? agents.map((a) => ({ id: a.agentId ?? '?', s: a.sessions ?? {} })) : [{ id: 'main', s: h.sessions ?? {} }];
  for (const { id, s } of stores) {
    if (!s.path) continue;
    const count = s.count ?? 0;
    lines.push(`Session store (${id}): ${s.path} (${count} ${count === 1 ? 'entry' : 'entries'})`);
    for (const r of s.recent ?? []) {
      const age = typeof r.age === 'number' ? r.age : typeof r.updatedAt === 'number' ? now - r.updatedAt : undefined;
      lines.push(`- ${r.key ?? '?'} (${age === undefined ? 'no activity' : `${formatAge(age)} ago`})`);
    }
  }
  return lines;
}
