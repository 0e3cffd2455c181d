// Chat through the desktop core against real gateway processes and a local model server: replies
// stream in, and across a dropped tunnel or a restarted gateway every message arrives and shows once.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { replyId } from '../../src/shared/chat-history';
import type { DesktopCore } from '../../src/desktop/ports';
import type { ChatMessage, ChatUpdate } from '../../src/shared/desktop-api';
import { startGateway, type RunningGateway } from '../support/gateway';
import { startModelServer, type ModelServer } from '../support/model-servers';
import { startSshServer, type TestSshServer } from '../support/ssh-server';
import { freePort, isHealthy, tempEnv, testCore, waitForState, waitUntil, type TempEnv } from './helpers';

let t: TempEnv | undefined;
let core: DesktopCore | undefined;
let model: ModelServer | undefined;
let remoteGateway: RunningGateway | undefined;
let ssh: TestSshServer | undefined;

afterEach(async () => {
  await core?.shutdown();
  await remoteGateway?.stop();
  await ssh?.stop();
  await model?.close();
  t?.cleanup();
  core = t = model = remoteGateway = ssh = undefined;
});

function modelConfig(baseUrl: string): Record<string, unknown> {
  return {
    models: { providers: { mock: { baseUrl, apiKey: 'test-key', api: 'openai-completions', models: [{ id: 'mock-1', name: 'Mock' }] } } },
    agents: { defaults: { model: { primary: 'mock/mock-1' } } },
  };
}

/** The latest version of every message the UI was told about, by id. */
function collect(c: DesktopCore): Map<string, ChatMessage> {
  const seen = new Map<string, ChatMessage>();
  c.on('chat', (u: ChatUpdate) => seen.set(u.message.id, u.message));
  return seen;
}

const texts = (list: ChatMessage[]): string[] => list.map((m) => `${m.role}:${m.text}`);

describe('chat through the desktop core', () => {
  it('sends with the idempotency key, streams the reply, and history shows each message once', async () => {
    model = await startModelServer({ api: 'openai', delayMs: 5 });
    t = tempEnv({ CLAWDBOT_GATEWAY_PORT: String(await freePort()) });
    mkdirSync(t.stateDir, { recursive: true });
    writeFileSync(t.configPath, JSON.stringify(modelConfig(model.baseUrl)));
    core = testCore(t);
    const seen = collect(core);
    await core.call('setMode', { mode: 'local' });
    await waitForState(core, isHealthy, 'healthy');

    expect(await core.call('chatSend', { sessionKey: 'main', text: 'Hi there', clientMessageId: 'msg-1' })).toEqual({ runId: 'msg-1' });
    await waitUntil(() => seen.get(replyId('msg-1'))?.status === 'final', 'the final reply');
    expect(seen.get(replyId('msg-1'))?.text).toBe('Hello from the mock model.');
    expect(seen.get('msg-1')).toMatchObject({ role: 'user', status: 'sent', text: 'Hi there' });

    const history = await core.call('chatHistory', { sessionKey: 'main' });
    expect(texts(history)).toEqual(['user:Hi there', 'assistant:Hello from the mock model.']);
    expect(history.map((m) => m.id)).toEqual(['msg-1', replyId('msg-1')]);
    const sessions = await core.call('chatListSessions', undefined);
    expect(sessions.length).toBeGreaterThan(0);
  });

  it('Stop aborts the streaming reply', async () => {
    model = await startModelServer({ api: 'openai', delayMs: 100, pieces: Array.from({ length: 50 }, (_, i) => `w${i} `) });
    t = tempEnv({ CLAWDBOT_GATEWAY_PORT: String(await freePort()) });
    mkdirSync(t.stateDir, { recursive: true });
    writeFileSync(t.configPath, JSON.stringify(modelConfig(model.baseUrl)));
    core = testCore(t);
    const seen = collect(core);
    await core.call('setMode', { mode: 'local' });
    await waitForState(core, isHealthy, 'healthy');
    await core.call('chatSend', { sessionKey: 'main', text: 'long one', clientMessageId: 'long-1' });
    await waitUntil(() => seen.get(replyId('long-1'))?.status === 'streaming', 'streaming');
    expect(await core.call('chatAbort', { sessionKey: 'main', runId: 'long-1' })).toEqual({ aborted: true });
    await waitUntil(() => seen.get(replyId('long-1'))?.status === 'aborted', 'the aborted reply');
  });

  it('a run the gateway never finishes ends as an error in place of the reply', async () => {
    model = await startModelServer({ api: 'openai', fault: 'hang' });
    t = tempEnv({ CLAWDBOT_GATEWAY_PORT: String(await freePort()) });
    mkdirSync(t.stateDir, { recursive: true });
    writeFileSync(t.configPath, JSON.stringify(modelConfig(model.baseUrl)));
    core = testCore(t, { timing: { chatRunTimeoutMs: 300 } });
    const seen = collect(core);
    await core.call('setMode', { mode: 'local' });
    await waitForState(core, isHealthy, 'healthy');
    await core.call('chatSend', { sessionKey: 'main', text: 'anyone?', clientMessageId: 'hang-1' });
    await waitUntil(() => seen.get(replyId('hang-1'))?.status === 'error', 'the timed-out reply');
    expect(seen.get(replyId('hang-1'))?.errorMessage).toMatch(/No reply from the gateway/);
    expect(seen.get('hang-1')?.status).toBe('sent');
  });

  it('a message sent while the gateway is down is delivered once after the restart', async () => {
    model = await startModelServer({ api: 'openai', delayMs: 5 });
    t = tempEnv({ CLAWDBOT_GATEWAY_PORT: String(await freePort()) });
    mkdirSync(t.stateDir, { recursive: true });
    writeFileSync(t.configPath, JSON.stringify(modelConfig(model.baseUrl)));
    core = testCore(t, { timing: { restartBackoffMs: 500, restartBackoffMaxMs: 500 } });
    const seen = collect(core);
    await core.call('setMode', { mode: 'local' });
    const ready = await waitForState(core, isHealthy, 'healthy');
    await core.call('chatSend', { sessionKey: 'main', text: 'first', clientMessageId: 'a-1' });
    await waitUntil(() => seen.get(replyId('a-1'))?.status === 'final', 'the first reply');

    process.kill(ready.local?.pid as number, 'SIGKILL');
    await waitForState(core, (s) => !s.gatewayConnected, 'the drop');
    await core.call('chatSend', { sessionKey: 'main', text: 'while down', clientMessageId: 'a-2' });
    expect(seen.get('a-2')?.status).toBe('sending');

    await waitUntil(() => seen.get(replyId('a-2'))?.status === 'final', 'the reply to the re-sent message');
    const history = await core.call('chatHistory', { sessionKey: 'main' });
    expect(texts(history)).toEqual(['user:first', 'assistant:Hello from the mock model.', 'user:while down', 'assistant:Hello from the mock model.']);
    expect(new Set(history.map((m) => m.id)).size).toBe(4);
    expect(model.requests.length).toBe(2);
  });

  it('a tunnel dropped in the middle of a streamed reply: the reply completes and each message shows once', async () => {
    model = await startModelServer({ api: 'openai', delayMs: 60, pieces: ['one', ' two', ' three', ' four', ' five', ' six', ' seven', ' eight'] });
    remoteGateway = await startGateway({ config: modelConfig(model.baseUrl) });
    ssh = await startSshServer();
    t = tempEnv({ CLAWDBOT_GATEWAY_PORT: String(await freePort()) });
    const knownHosts = join(t.root, 'known_hosts');
    writeFileSync(knownHosts, `${ssh.knownHostsLine()}\n`);
    core = testCore(t);
    const seen = collect(core);
    await core.call('saveSettings', {
      remote: { target: `tester@127.0.0.1:${ssh.port}`, identityFile: ssh.clientKeyPath, knownHostsFile: knownHosts, hostKeyPolicy: 'yes', remotePort: remoteGateway.port, localPort: await freePort() },
      gatewayToken: remoteGateway.token as string,
    });
    await core.call('setMode', { mode: 'remote' });
    await waitForState(core, isHealthy, 'remote healthy');

    await core.call('chatSend', { sessionKey: 'main', text: 'stream please', clientMessageId: 'r-1' });
    await waitUntil(() => seen.get(replyId('r-1'))?.status === 'streaming', 'the first delta');
    const dropped = waitForState(core, (s) => !s.gatewayConnected, 'the connection lost');
    ssh.dropSessions();
    await dropped;
    await waitUntil(() => seen.get(replyId('r-1'))?.status === 'final', 'the completed reply', 30_000);
    expect(seen.get(replyId('r-1'))?.text).toBe('one two three four five six seven eight');

    const history = await core.call('chatHistory', { sessionKey: 'main' });
    expect(texts(history)).toEqual(['user:stream please', 'assistant:one two three four five six seven eight']);
    expect(history.map((m) => m.id)).toEqual(['r-1', replyId('r-1')]);
    expect(model.requests.length).toBe(1);
  });

  it('three messages queued in one session across a dropped tunnel: each gets its own reply, once, none left streaming', async () => {
    // Each reply names its message and takes about a second, so the three queue up and the drop hits mid-run.
    const lastUser = (body: { messages?: Array<{ role: string; content: unknown }> }): string => String(body.messages?.filter((m) => m.role === 'user').at(-1)?.content ?? '');
    model = await startModelServer({ api: 'openai', delayMs: 120, pieces: (req) => [`re: ${lastUser(req.body)}`, ...Array.from({ length: 8 }, () => ' .')] });
    remoteGateway = await startGateway({ config: modelConfig(model.baseUrl) });
    ssh = await startSshServer();
    t = tempEnv({ CLAWDBOT_GATEWAY_PORT: String(await freePort()) });
    const knownHosts = join(t.root, 'known_hosts');
    writeFileSync(knownHosts, `${ssh.knownHostsLine()}\n`);
    core = testCore(t);
    const seen = collect(core);
    await core.call('saveSettings', {
      remote: { target: `tester@127.0.0.1:${ssh.port}`, identityFile: ssh.clientKeyPath, knownHostsFile: knownHosts, hostKeyPolicy: 'yes', remotePort: remoteGateway.port, localPort: await freePort() },
      gatewayToken: remoteGateway.token as string,
    });
    await core.call('setMode', { mode: 'remote' });
    await waitForState(core, isHealthy, 'remote healthy');

    const ids = ['q-1', 'q-2', 'q-3'];
    for (const id of ids) await core.call('chatSend', { sessionKey: 'main', text: `question ${id}`, clientMessageId: id });
    await waitUntil(() => seen.get(replyId('q-1'))?.status === 'streaming', 'the first delta');
    const dropped = waitForState(core, (s) => !s.gatewayConnected, 'the connection lost');
    ssh.dropSessions();
    await dropped;
    for (const id of ids) await waitUntil(() => seen.get(replyId(id))?.status === 'final', `the reply to ${id}`, 30_000);

    const expected = ids.map((id) => `re: question ${id} . . . . . . . .`);
    expect(ids.map((id) => seen.get(replyId(id))?.text)).toEqual(expected);
    const history = await core.call('chatHistory', { sessionKey: 'main' });
    expect(history.map((m) => m.id)).toEqual([...ids, ...ids.map(replyId)]);
    expect(history.slice(3).map((m) => [m.status, m.text])).toEqual(expected.map((text) => ['final', text]));
    // Nothing else was ever shown: no reply under a stray id, none still streaming.
    const shown = [...seen.values()];
    expect(shown.filter((m) => m.role === 'assistant').map((m) => m.id).sort()).toEqual(ids.map(replyId));
    expect(shown.filter((m) => m.status === 'streaming')).toEqual([]);
    expect(model.requests.length).toBe(3);
  });
});
