// agent.wait results are kept for a while after a run ends (spec §6: 10 min) but never more than a
// fixed number of them: the oldest go first, so a busy gateway's memory stays bounded.
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_MAX_RESULTS, RunManager } from '../../../src/gateway/agent/runs';
import type { Logger } from '../../../src/gateway/methods/types';
import type { SessionStore } from '../../../src/gateway/sessions/store';
import { resolveTimers } from '../../../src/gateway/timers';

const log = { debug() {}, info() {}, warn() {}, error() {}, child() { return log; } } as unknown as Logger;
const store = { get: () => undefined } as unknown as SessionStore;
const managers: RunManager[] = [];

function manager(maxResults?: number): RunManager {
  const m = new RunManager({ store, broadcast: () => {}, log, getConfig: () => ({}), maxResults });
  managers.push(m);
  return m;
}

function finishRuns(m: RunManager, n: number): void {
  for (let i = 0; i < n; i++) m.reply({ runId: `run-${i}`, sessionKey: 'main', eventSessionKey: 'main', message: '/status' }, 'ok');
}

afterEach(async () => {
  await Promise.all(managers.splice(0).map((m) => m.close()));
});

describe('agent.wait results', () => {
  it('keeps at most 1000 by default, dropping the oldest first', async () => {
    const m = manager();
    finishRuns(m, DEFAULT_MAX_RESULTS + 250);
    expect(DEFAULT_MAX_RESULTS).toBe(1000);
    expect(m.resultCount()).toBe(1000);
    expect(m.sessionOf('run-0')).toBeUndefined();
    expect(m.sessionOf('run-249')).toBeUndefined();
    expect(m.sessionOf('run-250')).toBe('main');
    expect((await m.wait('run-1249', 0))?.status).toBe('ok');
    expect(await m.wait('run-0', 0)).toBeUndefined();
  });

  it('honours a smaller cap', () => {
    const m = manager(3);
    finishRuns(m, 10);
    expect(m.resultCount()).toBe(3);
    expect(['run-6', 'run-7', 'run-8', 'run-9'].map((id) => m.sessionOf(id))).toEqual([undefined, 'main', 'main', 'main']);
  });

  it('still drops results older than the TTL on the sweep', () => {
    const m = manager();
    finishRuns(m, 5);
    m.sweep(Date.now() + 600_001);
    expect(m.resultCount()).toBe(0);
  });
});

describe('retention overrides (CLAWDBOT_TEST_TIMERS, used by the soak)', () => {
  it('defaults to the spec values and accepts the soak overrides', () => {
    expect(resolveTimers(undefined)).toMatchObject({ idempotencyTtlMs: 300_000, runResultTtlMs: 600_000, chatSweepMs: 60_000, transcriptCacheLines: 5_000, presenceTtlMs: 300_000 });
    expect(resolveTimers('idempotencyTtlMs=20000,runResultTtlMs=20000,presenceTtlMs=20000,chatSweepMs=5000,transcriptCacheLines=40')).toMatchObject({
      idempotencyTtlMs: 20_000,
      runResultTtlMs: 20_000,
      presenceTtlMs: 20_000,
      chatSweepMs: 5_000,
      transcriptCacheLines: 40,
    });
  });
});
