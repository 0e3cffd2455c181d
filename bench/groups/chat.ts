// Chat: from the model server's first token to a WebChat client's first `delta`, with the gateway
// reached directly, through OpenSSH `ssh -N -L`, through our in-process engine (as the desktop runs it:
// tunnel and client in one process, the WebSocket over an SSH channel) and through the `clawdbot tunnel`
// CLI, all to the same loopback sshd.

import { join } from 'node:path';
import { Tunnel } from '../../src/tunnel/supervisor';
import { rootSuiteUnavailable } from '../../test/support/sshd';
import { modelConfig } from '../../test/faults/support/remote-gateway';
import { chatOnce, webchatClient } from '../lib/chat-probe';
import { BENCH_LIB, CLI, cliEnv, type GroupContext } from '../lib/context';
import { gatewayDirs, startBenchGateway } from '../lib/gateway-process';
import { freePort, start, waitForPort, type Child } from '../lib/proc';
import { cliTunnelArgs, engineTarget, loopbackSshd, sshForwardArgs } from '../lib/ssh-target';
import { median, percentile, row, type Row } from '../lib/stats';
import type { Endpoint } from '../lib/ws-measure';

const TOKEN = 'bench-chat-token-0123456789';
const CHATS = 20;

export async function chatGroup(ctx: GroupContext): Promise<Row[]> {
  const why = rootSuiteUnavailable();
  if (why) throw new Error(`skipped: ${why}`);
  const f = await loopbackSshd(ctx.scratch);
  const model = start(process.execPath, [join(BENCH_LIB, 'model-server.mjs'), '8', '20']);
  const children: Child[] = [model];
  let tunnel: Tunnel | undefined;
  try {
    const modelPort = Number((await model.waitFor(/model listening on (\d+)/))[1]);
    const gw = await startBenchGateway(gatewayDirs(join(ctx.scratch, 'gw'), TOKEN, modelConfig(`http://127.0.0.1:${modelPort}/v1`)), TOKEN);
    children.push(gw.proc);

    const sshPort = await freePort();
    children.push(start('ssh', sshForwardArgs(f, sshPort, gw.port)));
    await waitForPort(sshPort);
    const cliPort = await freePort();
    const cli = start(process.execPath, [CLI, ...cliTunnelArgs(f, cliPort, gw.port)], { env: cliEnv(join(ctx.scratch, 'cli-home')) });
    children.push(cli);
    await cli.waitFor(/Tunnel ready/);
    tunnel = new Tunnel({ target: engineTarget(f), remotePort: gw.port, localPort: 0 });
    await tunnel.start();
    await new Promise<void>((resolve) => (tunnel?.state.state === 'ready' ? resolve() : tunnel?.on('state', (s) => s.state === 'ready' && resolve())));

    const engine = tunnel;
    const paths: Record<string, Endpoint> = { direct: gw.url, ssh: `ws://127.0.0.1:${sshPort}`, engine: { url: gw.url, openStream: () => engine.openStream() }, cli: `ws://127.0.0.1:${cliPort}` };
    // Chats run one at a time: once one has ended, the model's latest first-token line is its own.
    const lastFirstToken = (): number | undefined => [...model.output().matchAll(/^first-token (\S+)$/gm)].map((m) => Number(m[1])).pop();
    const latency: Record<string, number[]> = {};
    for (const [name, url] of Object.entries(paths)) {
      const client = await webchatClient(url, TOKEN);
      await chatOnce(client, `bench-${name}`, 'warm up');
      for (let i = 0; i < CHATS; i++) {
        const previous = lastFirstToken();
        const t = await chatOnce(client, `bench-${name}`, `message ${i}`);
        const firstToken = lastFirstToken();
        if (firstToken === undefined || firstToken === previous) throw new Error('the model server printed no first-token time');
        (latency[name] ??= []).push(t.firstDeltaAt - firstToken);
      }
      await client.close();
    }
    const G = 'chat';
    const p = (n: string): { p50: number; p90: number } => ({ p50: median(latency[n] ?? []), p90: percentile(latency[n] ?? [], 90) });
    const note = (n: string): string => `p90 ${p(n).p90.toFixed(2)} ms; ${CHATS} chats`;
    return [
      row(G, { metric: 'model first token → WebChat first delta, direct (no tunnel)', ours: p('direct').p50, unit: 'ms', note: note('direct') }),
      row(G, { metric: 'first token → first delta, `ssh -N -L`', ours: p('ssh').p50, unit: 'ms', note: note('ssh') }),
      row(G, { metric: 'first token → first delta, in-process engine vs ssh', ours: p('engine').p50, reference: p('ssh').p50, unit: 'ms', note: `${note('engine')}; tunnel and client in one process, over an SSH channel, as in the desktop` }),
      row(G, { metric: 'first token → first delta, `clawdbot tunnel` vs ssh', ours: p('cli').p50, reference: p('ssh').p50, unit: 'ms', note: note('cli') }),
    ];
  } finally {
    await tunnel?.stop();
    for (const c of children.reverse()) await c.stop();
    await f.sshd.stop({ dropSessions: true });
  }
}
