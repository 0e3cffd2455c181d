// The CLI as a real process against a real gateway: the output users see (spec §15.2) and exit codes.

import { createServer } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startGateway, type RunningGateway } from '../support/gateway';
import { makeCliHome, type CliHome } from './run-cli';

const MISMATCH = 'unauthorized: gateway token mismatch (set gateway.remote.token to match gateway.auth.token)';

async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as { port: number };
  await new Promise((r) => srv.close(r));
  return port;
}

let gw: RunningGateway;
let cli: CliHome;

beforeAll(async () => {
  gw = await startGateway();
});
afterAll(async () => {
  await gw?.stop();
});
beforeEach(() => {
  cli?.remove();
  cli = makeCliHome();
});
afterAll(() => cli?.remove());

describe('clawdbot gateway health', () => {
  it('prints "Gateway Health" / "OK (Nms)" with --url and --token (REF-BUG 7: --token is honoured)', async () => {
    const r = await cli.run(['gateway', 'health', '--url', gw.url, '--token', gw.token as string]);
    expect(r.stdout).toMatch(/^Gateway Health\nOK \(\d+ms\)\n$/);
    expect(r.code).toBe(0);
  });

  it('prints the HealthSummary with --json', async () => {
    const r = await cli.run(['gateway', 'health', '--url', gw.url, '--token', gw.token as string, '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, sessions: { count: expect.any(Number) } });
  });

  it('prints the close reason verbatim and where it connected on a wrong token', async () => {
    const r = await cli.run(['gateway', 'health', '--url', gw.url, '--token', 'wrong']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe([
      `gateway connect failed: Error: ${MISMATCH}`,
      `Error: gateway closed (1008): ${MISMATCH}`,
      `Gateway target: ${gw.url}`,
      'Source: cli --url',
      `Config: ${cli.configPath}`,
      '',
    ].join('\n'));
    expect(r.stdout).toBe('');
  });

  it('says 1006 with no close reason when nothing listens', async () => {
    const url = `ws://127.0.0.1:${await closedPort()}`;
    const r = await cli.run(['gateway', 'health', '--url', url, '--token', 'x']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`Error: gateway closed (1006 abnormal closure (no close frame)): no close reason\nGateway target: ${url}\nSource: cli --url\nConfig: ${cli.configPath}\n`);
  });

  it('says "gateway timeout after <ms>ms" with the target lines when the peer never answers (--timeout)', async () => {
    // A TCP listener that accepts and stays silent: the WebSocket upgrade never completes.
    const silent = createServer(() => undefined);
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const url = `ws://127.0.0.1:${(silent.address() as { port: number }).port}`;
    try {
      const tail = `Gateway target: ${url}\nSource: cli --url\nConfig: ${cli.configPath}\n`;
      const health = await cli.run(['gateway', 'health', '--url', url, '--token', 'x', '--timeout', '300']);
      expect(health.code).toBe(1);
      expect(health.stderr).toBe(`Error: gateway timeout after 300ms\n${tail}`);
      const call = await cli.run(['gateway', 'call', 'status', '--url', url, '--token', 'x', '--timeout', '300']);
      expect(call.code).toBe(1);
      expect(call.stderr).toBe(`Gateway call failed: Error: gateway timeout after 300ms\n${tail}`);
    } finally {
      silent.close();
    }
  });

  it('uses gateway.remote.url and gateway.remote.token in remote mode, ignoring the env token', async () => {
    cli.writeConfig({ gateway: { mode: 'remote', remote: { url: gw.url, token: gw.token } } });
    const r = await cli.run(['gateway', 'health'], { env: { CLAWDBOT_GATEWAY_TOKEN: 'ignored-in-remote-mode' } });
    expect(r.stdout).toMatch(/^Gateway Health\nOK/);
    expect(r.code).toBe(0);
  });

  it('explains a remote mode without a URL', async () => {
    cli.writeConfig({ gateway: { mode: 'remote' } });
    const r = await cli.run(['gateway', 'health']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`Error: gateway remote mode misconfigured: gateway.remote.url missing\nConfig: ${cli.configPath}\nFix: set gateway.remote.url, or set gateway.mode=local.\n`);
  });

  it('uses the local loopback port and CLAWDBOT_GATEWAY_TOKEN in local mode', async () => {
    const r = await cli.run(['gateway', 'health', '--token', 'wrong'], { env: { CLAWDBOT_GATEWAY_PORT: String(gw.port) } });
    expect(r.stderr).toContain(`Gateway target: ws://127.0.0.1:${gw.port}\nSource: local loopback\nConfig: ${cli.configPath}\nBind: loopback\n`);
    const ok = await cli.run(['gateway', 'health'], { env: { CLAWDBOT_GATEWAY_PORT: String(gw.port), CLAWDBOT_GATEWAY_TOKEN: gw.token as string } });
    expect(ok.code).toBe(0);
  });

  it('rejects bad input with a message that says what to do', async () => {
    const bad = await cli.run(['gateway', 'health', '--url', 'localhost:18789']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('Invalid --url "localhost:18789": a gateway URL looks like ws://HOST:PORT');
    const unknown = await cli.run(['gateway', 'health', '--bogus']);
    expect(unknown.stderr).toBe(`clawdbot gateway health: unknown option '--bogus'\nRun "clawdbot gateway health --help" for the options.\n`);
    const help = await cli.run(['gateway', 'health', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--token TOKEN');
  });
});

describe('clawdbot gateway call', () => {
  it('honours --token typed before the subcommand (the reference dropped it: REF-BUG 7)', async () => {
    const r = await cli.run(['gateway', '--token', gw.token as string, '--url', gw.url, 'call', 'health', '--json']);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true });
  });

  it('prints the method name and the pretty JSON result', async () => {
    const r = await cli.run(['gateway', 'call', 'system-presence', '--url', gw.url, '--token', gw.token as string]);
    expect(r.code).toBe(0);
    const [first, ...rest] = r.stdout.split('\n');
    expect(first).toBe('Gateway call: system-presence');
    expect(JSON.parse(rest.join('\n'))).toEqual(expect.arrayContaining([expect.objectContaining({ mode: 'gateway' })]));
  });

  it('passes --params and reports gateway errors with the reference prefix', async () => {
    const r = await cli.run(['gateway', 'call', 'chat.history', '--params', '{"sessionKey":"main","limit":1}', '--url', gw.url, '--token', gw.token as string, '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ messages: expect.any(Array) });
    const unknown = await cli.run(['gateway', 'call', 'no.such.method', '--url', gw.url, '--token', gw.token as string]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe('Gateway call failed: Error: unknown method: no.such.method\n');
    const badJson = await cli.run(['gateway', 'call', 'health', '--params', '{nope}']);
    expect(badJson.code).toBe(1);
    expect(badJson.stderr).toContain("--params is not valid JSON");
  });
});

describe('clawdbot health and status', () => {
  it('health --verbose shows the target from the config and the summary', async () => {
    cli.writeConfig({ gateway: { mode: 'remote', remote: { url: gw.url, token: gw.token } } });
    const r = await cli.run(['health', '--verbose']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Gateway connection:\n  Gateway target: ${gw.url}\n  Source: config gateway.remote.url\n  Config: ${cli.configPath}\n`);
    expect(r.stdout).toMatch(/Agents: main \(default\)\nHeartbeat interval: .+\nSession store \(main\): .+sessions\.json \(\d+ entr(y|ies)\)/);
  });

  it('status --deep with the gateway up reports it reachable', async () => {
    const r = await cli.run(['status', '--deep', '--url', gw.url, '--token', gw.token as string]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`Gateway\\s+│ local · ${gw.url} \\(cli --url\\) · reachable \\d+ms · auth token`));
    expect(r.stdout).toMatch(/Health\n\s+Gateway │ reachable │ \d+ms/);
  });

  it('status --deep never crashes when the gateway is down: it says unreachable and why', async () => {
    const port = await closedPort();
    const r = await cli.run(['status', '--deep'], { env: { CLAWDBOT_GATEWAY_PORT: String(port) } });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`unreachable (connect ECONNREFUSED 127.0.0.1:${port})`);
    const json = await cli.run(['status', '--json'], { env: { CLAWDBOT_GATEWAY_PORT: String(port) } });
    expect(JSON.parse(json.stdout).gateway).toMatchObject({ reachable: false, error: `connect ECONNREFUSED 127.0.0.1:${port}` });
  });

  it('gateway status finds the running gateway of a config by its lock, and reports a dead port', async () => {
    const env = { CLAWDBOT_CONFIG_PATH: gw.configPath, CLAWDBOT_GATEWAY_PORT: String(gw.port), CLAWDBOT_GATEWAY_TOKEN: gw.token as string };
    const up = await cli.run(['gateway', 'status'], { env });
    expect(up.code).toBe(0);
    expect(up.stdout).toContain(`Runtime: running (pid ${gw.pid})\n`);
    expect(up.stdout).toContain(`Gateway: bind=loopback (127.0.0.1), port=${gw.port} (env)\n`);
    expect(up.stdout).toContain('RPC probe: ok\n');
    const port = await closedPort();
    const down = await cli.run(['gateway', 'status'], { env: { CLAWDBOT_GATEWAY_PORT: String(port) } });
    expect(down.code).toBe(0);
    expect(down.stdout).toContain('Runtime: not running');
    expect(down.stdout).toContain(`RPC probe: failed (connect ECONNREFUSED 127.0.0.1:${port})\n`);
  });

  it('gateway status and gateway probe report the RPC probe', async () => {
    const status = await cli.run(['gateway', 'status', '--url', gw.url, '--token', gw.token as string]);
    expect(status.code).toBe(0);
    expect(status.stdout).toContain(`Probe target: ${gw.url}\n`);
    expect(status.stdout).toContain('RPC probe: ok\n');
    const probe = await cli.run(['gateway', 'probe', '--url', gw.url, '--token', gw.token as string]);
    expect(probe.code).toBe(0);
    expect(probe.stdout).toMatch(new RegExp(`^Gateway Status\\nReachable: yes\\nProbe budget: 3000ms\\n[\\s\\S]*URL \\(explicit\\) ${gw.url}\\n  Connect: ok \\(\\d+ms\\) · RPC: ok\\n  Gateway: `));
  });
});

describe('clawdbot agent, send and chat', () => {
  it('agent without a model provider prints the gateway\'s error and exits 1', async () => {
    const r = await cli.run(['agent', '--message', 'hello', '--url', gw.url, '--token', gw.token as string]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^Error: .*provider/i);
  });

  it('gateway send posts into a webchat session; an unknown channel says what to do', async () => {
    const ok = await cli.run(['gateway', 'send', '--channel', 'webchat', '--to', 'main', '--message', 'note to self', '--url', gw.url, '--token', gw.token as string]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^Sent via webchat \(message .+\)\.\n$/);
    const bad = await cli.run(['gateway', 'send', '--to', 'x', '--message', 'y', '--url', gw.url, '--token', gw.token as string]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('Error: unsupported channel: whatsapp\nFix: ');
  });

  it('chat reads lines, shows the reply or its error, and quits on /exit', async () => {
    const r = await cli.run(['chat', '--url', gw.url, '--token', gw.token as string, '--history', '0'], { input: 'hello\n/exit\n' });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Chatting on agent:main:main');
    expect(r.stdout).toMatch(/agent> Error: .*provider/i);
  });
});
