// Hot reload of the config file through a real gateway process: a provider added while it runs is used
// by the next chat.send; a broken file is ignored with a warning; a file written after a start without
// one is adopted; a new token applies to new connections; restart-only settings are named, not applied;
// gateway.reload.mode "restart" only says to restart, and "off" adopts nothing.

import { randomUUID } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { startGateway, waitForOutput, type RunningGateway, type StartGatewayOptions } from '../support/gateway';
import { startModelServer } from '../support/model-servers';
import { connectClient, WsTestClient, type AnyFrame } from '../support/ws-client';
import { providerConfig } from './chat/harness';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => {});
});

/** Polls every 50 ms, so each test waits for log lines, never for a fixed time. */
async function gateway(config: Record<string, unknown> = {}, extra: Partial<StartGatewayOptions> = {}): Promise<RunningGateway> {
  // No real provider keys from the developer's shell: the built-in default must stay unconfigured.
  const gw = await startGateway({ config, env: { ANTHROPIC_API_KEY: '', OPENAI_API_KEY: '', CLAWDBOT_TEST_TIMERS: 'fast,configPollMs=50' }, ...extra });
  cleanups.push(() => gw.stop());
  return gw;
}

async function client(gw: RunningGateway, token = gw.token): Promise<WsTestClient> {
  const c = await connectClient(gw.url, { token });
  cleanups.push(() => c.close());
  return c;
}

function readConfig(gw: RunningGateway): Record<string, unknown> {
  return JSON.parse(readFileSync(gw.configPath, 'utf8')) as Record<string, unknown>;
}

/** Saves the way many editors do: a new file renamed over the old one. */
function saveByRename(path: string, text: string): void {
  writeFileSync(`${path}.tmp`, text, { mode: 0o600 });
  renameSync(`${path}.tmp`, path);
}

/** Waits for a log line on the gateway's stderr (the line from `text` to its end). */
function logLine(gw: RunningGateway, text: string): Promise<RegExpMatchArray> {
  const escaped = text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return waitForOutput(gw, new RegExp(`${escaped}.*`), 10_000);
}

/**
 * Lets at least a second pass on the gateway's own clock (three `tick` events, 500 ms apart with fast
 * timers): long enough for several polls and the debounce, so an edit that was not adopted by then never will be.
 */
async function severalPolls(c: WsTestClient): Promise<void> {
  for (let i = 0; i < 3; i++) await c.next((f) => f.type === 'event' && f.event === 'tick');
}

async function chatTerminal(c: WsTestClient, sessionKey = 'main'): Promise<AnyFrame> {
  const runId = randomUUID();
  await c.request('chat.send', { sessionKey, message: 'Hello', idempotencyKey: runId });
  return c.next((f) => f.type === 'event' && f.event === 'chat' && f.payload?.runId === runId && f.payload.state !== 'delta');
}

describe('config hot reload', () => {
  it('a provider added to the file while the gateway runs answers the next chat.send; a broken file is ignored', async () => {
    const model = await startModelServer({ api: 'openai' });
    cleanups.push(() => model.close());
    const gw = await gateway();
    const c = await client(gw);

    const before = await chatTerminal(c);
    expect(before.payload.state).toBe('error');
    expect(before.payload.errorMessage).toMatch(/No model provider is configured/);
    expect(before.payload.errorMessage).toContain(gw.configPath);
    expect(before.payload.errorMessage).toContain('no restart is needed');

    writeFileSync(gw.configPath, JSON.stringify({ ...readConfig(gw), ...providerConfig(model.baseUrl) }, null, 2));
    await logLine(gw, `config reloaded from ${gw.configPath}`);
    const after = await chatTerminal(c);
    expect(after.payload).toMatchObject({ state: 'final', message: { content: [{ type: 'text', text: 'Hello from the mock model.' }] } });

    saveByRename(gw.configPath, '{ gateway: { mode: "local", ');
    const warning = await logLine(gw, `ignored the edited config file ${gw.configPath}: not valid JSON5`);
    expect(warning[0]).toContain('the gateway keeps the config it is running with');
    const still = await chatTerminal(c);
    expect(still.payload.state).toBe('final');
    expect(gw.output()).toContain(`ignored the edited config file ${gw.configPath}`);
    expect(gw.output().match(/ignored the edited config file/g)).toHaveLength(1);
  });

  it('a gateway started without a config file (token from the flag) says nothing until one is written, then adopts it', async () => {
    const model = await startModelServer({ api: 'openai' });
    cleanups.push(() => model.close());
    const token = `flag-${randomUUID()}`;
    const gw = await gateway({}, { noConfig: true, token, args: ['--token', token] });
    const c = await client(gw);
    await severalPolls(c);
    expect(gw.output()).not.toContain('ignored the edited config file');

    writeFileSync(gw.configPath, JSON.stringify(providerConfig(model.baseUrl)));
    await logLine(gw, `config reloaded from ${gw.configPath}`);
    expect((await chatTerminal(c)).payload.state).toBe('final');
  });

  it('a file that parses but does not validate is not adopted, and the warning names the key', async () => {
    const gw = await gateway({ models: { providers: {} } });
    const c = await client(gw);
    writeFileSync(gw.configPath, JSON.stringify({ ...readConfig(gw), gateway: { ...(readConfig(gw).gateway as object), bind: 'everywhere' } }));
    await logLine(gw, `ignored the edited config file ${gw.configPath}: gateway.bind: must be one of`);
    expect((await c.request('health')).ok).toBe(true);
  });

  it('a new token applies to new connections; restart-only settings are named and not applied', async () => {
    const gw = await gateway();
    const config = readConfig(gw) as { gateway: Record<string, unknown> };
    const newToken = `rotated-${randomUUID()}`;
    writeFileSync(gw.configPath, JSON.stringify({ gateway: { ...config.gateway, port: 1, auth: { mode: 'token', token: newToken } } }));
    await logLine(gw, 'restart the gateway to apply gateway.port');
    await logLine(gw, `config reloaded from ${gw.configPath}`);

    const old = await WsTestClient.open(gw.url);
    cleanups.push(() => old.close());
    const refused = await old.connect({ token: gw.token });
    expect(refused.ok).toBe(false);
    expect(refused.error.message).toMatch(/token mismatch/);
    const fresh = await client(gw, newToken);
    expect((await fresh.request('health')).ok).toBe(true);
    expect(gw.output()).not.toContain(newToken);
  });

  it('config.set from a client is not reloaded a second time', async () => {
    const gw = await gateway();
    const c = await client(gw);
    const current = await c.request('config.get');
    const res = await c.request('config.patch', { raw: JSON.stringify({ agents: { defaults: { timeoutSeconds: 120 } } }), baseHash: current.payload.hash });
    expect(res.ok).toBe(true);
    await severalPolls(c);
    // A later edit on disk is the first reload the watcher reports.
    writeFileSync(gw.configPath, JSON.stringify({ ...readConfig(gw), agents: { defaults: { timeoutSeconds: 60 } } }));
    await logLine(gw, `config reloaded from ${gw.configPath}`);
    expect(gw.output().match(/config reloaded from/g)).toHaveLength(1);
  });

  it('gateway.reload.mode "restart" adopts nothing and says to restart, once', async () => {
    const gw = await gateway({ gateway: { reload: { mode: 'restart' } } });
    const c = await client(gw);
    writeFileSync(gw.configPath, JSON.stringify({ ...readConfig(gw), agents: { defaults: { timeoutSeconds: 60 } } }));
    await logLine(gw, `the config file ${gw.configPath} changed; restart the gateway to apply it`);
    await severalPolls(c);
    expect(gw.output().match(/restart the gateway to apply it/g)).toHaveLength(1);
    expect(gw.output()).not.toContain('config reloaded');
  });

  it('gateway.reload.mode "off" adopts nothing: the no-provider error says to restart', async () => {
    const model = await startModelServer({ api: 'openai' });
    cleanups.push(() => model.close());
    const gw = await gateway({ gateway: { reload: { mode: 'off' } } });
    const c = await client(gw);
    const first = await chatTerminal(c);
    expect(first.payload.errorMessage).toContain('Then restart the gateway (gateway.reload.mode is "off")');

    writeFileSync(gw.configPath, JSON.stringify({ ...readConfig(gw), ...providerConfig(model.baseUrl) }));
    await severalPolls(c);
    const second = await chatTerminal(c);
    expect(second.payload.errorMessage).toMatch(/No model provider is configured/);
    expect(model.requests).toHaveLength(0);
    expect(gw.output()).not.toContain('config reloaded');
  });
});
