// Local mode: the gateway the desktop brain started is killed (SIGKILL) 20 times; LocalGateway starts
// it again each time, and a message sent while it is down is delivered once after the restart. The
// crash-loop guard (5 crashes in 5 min by default) is raised: this test is about restarting, not it.
import { mkdirSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import type { DesktopCore } from '../../src/desktop/ports';
import { freePort, isHealthy, tempEnv, testCore, waitForState, waitUntil, type TempEnv } from '../desktop/helpers';
import { startModelServer, type ModelServer } from '../support/model-servers';
import { ChatLedger, printCounts } from './support/chat-ledger';
import { modelConfig } from './support/remote-gateway';

const KILLS = 20;

function lastUserText(body: { messages?: Array<{ role: string; content: unknown }> }): string {
  const content = (body.messages ?? []).filter((m) => m.role === 'user').pop()?.content;
  if (typeof content === 'string') return content;
  return Array.isArray(content) ? content.map((p: { text?: string }) => p.text ?? '').join('') : '';
}

describe('local gateway kills', () => {
  let model: ModelServer | undefined;
  let t: TempEnv | undefined;
  let core: DesktopCore | undefined;
  afterAll(async () => {
    await core?.shutdown();
    await model?.close();
    t?.cleanup();
  });

  it(`the local gateway killed ${KILLS} times: restarted each time, nothing lost or duplicated`, async () => {
    model = await startModelServer({ api: 'openai', delayMs: 5 });
    t = tempEnv({ CLAWDBOT_GATEWAY_PORT: String(await freePort()) });
    mkdirSync(t.stateDir, { recursive: true });
    writeFileSync(t.configPath, JSON.stringify(modelConfig(model.baseUrl)));
    core = testCore(t, { timing: { maxCrashes: 10 * KILLS, restartBackoffMs: 50, restartBackoffMaxMs: 200 } });
    await core.call('setMode', { mode: 'local' });
    let state = await waitForState(core, isHealthy, 'local mode healthy');
    const ledger = new ChatLedger(core, 'kill');
    const pids = new Set<number>();
    for (let i = 0; i < KILLS; i++) {
      const before = await ledger.send('kills');
      await waitUntil(() => ledger.ended(before), 'the reply before the kill');
      const pid = state.local?.pid as number;
      pids.add(pid);
      process.kill(pid, 'SIGKILL');
      const whileDown = await ledger.send('kills');
      state = await waitForState(core, (s) => isHealthy(s) && s.local?.pid !== undefined && s.local.pid !== pid, 'a new local gateway', 30_000);
      await waitUntil(() => ledger.ended(whileDown), 'the reply to the message sent while down', 30_000);
    }
    pids.add(state.local?.pid as number);
    await ledger.settle(30_000);
    const counts = await ledger.count(model.requests.map((r) => lastUserText(r.body)));
    printCounts(`local gateway killed ${KILLS} times (${pids.size} gateway processes)`, counts);
    expect(pids.size).toBe(KILLS + 1);
    expect(counts.sent).toBe(2 * KILLS);
    expect(counts.lost).toBe(0);
    expect(counts.duplicated).toBe(0);
    expect(counts.duplicateRuns).toBe(0);
    expect(counts.delivered).toBe(counts.sent);
    expect(counts.repliesFinal).toBe(counts.sent);
  });
});
