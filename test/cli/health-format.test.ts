import { describe, expect, it } from 'vitest';
import { channelLines, formatAge, healthSummaryLines } from '../../src/cli/health-format';

describe('health text', () => {
  it('prints agents, heartbeat and the session store like the reference', () => {
    const now = 1_000_000_000;
    const summary = {
      agents: [{ agentId: 'main', isDefault: true, heartbeat: { enabled: true, every: '30m' }, sessions: { path: '/h/.clawdbot/agents/main/sessions/sessions.json', count: 2, recent: [{ key: 'agent:main:main', updatedAt: now - 120_000 }, { key: 'agent:main:x', age: null }] } }],
    };
    expect(healthSummaryLines(summary, now)).toEqual([
      'Agents: main (default)',
      'Heartbeat interval: 30m (main)',
      'Session store (main): /h/.clawdbot/agents/main/sessions/sessions.json (2 entries)',
      '- agent:main:main (2m ago)',
      '- agent:main:x (no activity)',
    ]);
  });

  it('tolerates a sparse summary', () => {
    expect(healthSummaryLines({}, 0)).toEqual([]);
    expect(healthSummaryLines({ sessions: { path: '/s.json', count: 1 } }, 0)).toEqual(['Session store (main): /s.json (1 entry)']);
  });

  it('prints one line per channel', () => {
    expect(channelLines({ channelOrder: ['telegram', 'whatsapp'], channelLabels: { telegram: 'Telegram' }, channels: { telegram: { configured: true, probe: { ok: true, elapsedMs: 12 } }, whatsapp: { configured: true, linked: false } } })).toEqual(['Telegram: ok (12ms)', 'whatsapp: not linked']);
  });

  it('formats ages', () => {
    expect([5_000, 90_000, 3 * 3_600_000, 72 * 3_600_000].map(formatAge)).toEqual(['5s', '2m', '3h', '3d']);
  });
});
