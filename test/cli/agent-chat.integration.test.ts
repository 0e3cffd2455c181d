// `clawdbot agent` and `clawdbot chat` streaming a real reply: gateway process + local OpenAI-style server.

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type RunningGateway } from '../support/gateway';
import { startModelServer, type ModelServer } from '../support/model-servers';
import { connectClient } from '../support/ws-client';
import { makeCliHome, type CliHome } from './run-cli';

let model: ModelServer;
let gw: RunningGateway;
let cli: CliHome;

beforeAll(async () => {
  model = await startModelServer({ api: 'openai', pieces: ['Hello', ' from', ' the', ' model.'] });
  gw = await startGateway({
    config: {
      models: { providers: { mock: { baseUrl: model.baseUrl, apiKey: 'sk-test', api: 'openai-completions', models: [{ id: 'm1', name: 'M1' }] } } },
      agents: { defaults: { model: { primary: 'mock/m1' } } },
    },
  });
  cli = makeCliHome();
  cli.writeConfig({ gateway: { mode: 'remote', remote: { url: gw.url, token: gw.token } } });
});
afterAll(async () => {
  cli?.remove();
  await gw?.stop();
  await model?.close();
});

describe('clawdbot agent', () => {
  it('streams the reply to the terminal and exits 0', async () => {
    const r = await cli.run(['agent', '--message', 'hi', '--session', 'cli-agent']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('Hello from the model.\n');
    expect(r.code).toBe(0);
    expect(model.requests.at(-1)?.body.messages?.at(-1)).toMatchObject({ role: 'user' });
  });

  it('prints the final payload with --json', async () => {
    const r = await cli.run(['gateway', 'agent', '-m', 'hi again', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ status: 'ok', result: { payloads: [{ text: 'Hello from the model.' }] } });
  });
});

describe('clawdbot agent and Ctrl-C', () => {
  afterEach(() => model.set({ delayMs: 2, pieces: ['Hello', ' from', ' the', ' model.'] }));

  it('stops the run on the gateway too, keeps the partial reply marked aborted, and exits 130', async () => {
    model.set({ delayMs: 250, pieces: ['Slow', ' one', ' two', ' three', ' four', ' five', ' six', ' seven', ' eight', ' nine'] });
    let signalled = false;
    const r = await cli.run(['agent', '--message', 'take your time', '--session', 'cli-agent-stop'], {
      onStdout: (chunk, child) => {
        if (signalled || !chunk.includes('Slow')) return;
        signalled = true;
        child.kill('SIGINT');
      },
    });
    expect(signalled).toBe(true);
    expect(r.stdout).toMatch(/^Slow[^\n]*\n\(stopped\)\n$/);
    expect(r.code).toBe(130);
    const c = await connectClient(gw.url, { token: gw.token });
    try {
      const history = await c.request('chat.history', { sessionKey: 'cli-agent-stop' });
      const last = history.payload.messages.at(-1);
      expect(last).toMatchObject({ role: 'assistant', stopReason: 'aborted' });
      expect(last.content[0].text).not.toContain('nine');
    } finally {
      await c.close();
    }
  });
});

describe('clawdbot chat', () => {
  it('sends each line on one session and shows the streamed replies and the history', async () => {
    const r = await cli.run(['chat', '--session', 'cli-chat', '--history', '0'], { input: 'first\nsecond\n' });
    expect(r.code).toBe(0);
    expect(r.stdout.match(/agent> Hello from the model\.\n/g)).toHaveLength(2);
    const again = await cli.run(['chat', '--session', 'cli-chat', '--history', '4'], { input: '/exit\n' });
    expect(again.stdout).toContain('you: first\nassistant: Hello from the model.\nyou: second\nassistant: Hello from the model.\n');
    // "/exit" arrived while the history loaded: it is kept, not lost (the chat used to hang here).
    expect(again.code).toBe(0);
  });
});
